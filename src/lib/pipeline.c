/* The pipeline over lines: split the input into lines, each line into valid
 * UTF-8 segments and the bytes between them (invalid UTF-8, NUL), repair each
 * segment (byte-shift resync, then ruby residue), convert it, write it. Bytes
 * between segments and line terminators are written unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define UTF16_GAIN 2.5   /* nats: U+xx0A reads this much better as U+xx0D */
#define UTF16_SITES 2    /* such characters in a segment to report it */
#define DECODE_SLICE (64u << 10) /* input bytes decoded at a time */
#define AHEAD_HOLD (4u << 20)    /* input bytes held at most until the converter is decided */
enum { AHEAD_LINE, AHEAD_TERM, AHEAD_WINDOW }; /* what is held: a last line, a line, a window */
#define LINE_HOLD (64u << 10)    /* bytes of a line held back for its end (decode_input) */

static bool flush_before_finding(zhfix_ctx *ctx);

/* Count a finding and hand it to the user's callback (line: the current one;
 * col: 0-based code points; byte: offset in the line). */
static void emit(zhfix_ctx *ctx, const char *kind, uint64_t col, uint64_t byte,
                 const char *before, size_t before_len, const char *after, size_t after_len,
                 double margin, int reported)
{
  zhfix_change ch;

  /* The text of the lines before is out before the user hears of this one's
   * findings (and if it cannot be written, the user hears of no more). */
  if (ctx->change_fn && !flush_before_finding(ctx))
    return;

  if (reported)
    ctx->stats.reported++;
  else
    ctx->stats.repaired++;
  if (!ctx->change_fn)
    return;
  ch.line = ctx->line + 1;
  ch.column = ctx->win_col + col + 1;
  ch.byte_offset = ctx->win_byte + byte;
  ch.kind = kind;
  ch.before = before;
  ch.before_len = before_len;
  ch.after = after;
  ch.after_len = after_len;
  ch.margin = margin;
  ch.reported = reported;
  ctx->change_fn(ctx->change_user, &ch);
}

/* Report a stage's edit through the user's callback, in input terms. */
static void report_edit(zhfix_ctx *ctx, const struct zhfix__edit *e)
{
  struct zhfix__buf after = {0};
  size_t i;

  if (ctx->change_fn)
    for (i = 0; i < e->nafter; i++)
      if (!zhfix__buf_add_cp(&after, e->after[i]))
        break;
  emit(ctx, e->kind, ctx->seg_col + e->from, ctx->seg_byte + ctx->offsets[e->from],
       ctx->seg_bytes + ctx->offsets[e->from], ctx->offsets[e->to] - ctx->offsets[e->from],
       after.data ? after.data : "", after.len, e->margin, 0);
  zhfix__buf_free(&after);
}

/* Load the valid UTF-8 segment s[0, len) into ctx->text with its offsets. */
static bool load(zhfix_ctx *ctx, const char *s, size_t len)
{
  size_t i = 0, n = 0;
  uint32_t cp;

  if (len + 1 > ctx->noffsets) {
    uint32_t *o = realloc(ctx->offsets, (len + 1) * sizeof *o);
    if (!o)
      return false;
    ctx->offsets = o;
    ctx->noffsets = len + 1;
  }
  ctx->text.n = 0;
  if (!zhfix__text_reserve(&ctx->text, len)) /* no more code points than bytes */
    return false;
  while (i < len) {
    const unsigned char *p = (const unsigned char *)s + i;
    size_t l;
    /* (valid UTF-8: ASCII and three-byte characters, most of CJK, inline) */
    if (p[0] < 0x80) {
      cp = p[0];
      l = 1;
    } else if ((p[0] & 0xF0) == 0xE0) {
      cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
      l = 3;
    } else {
      l = zhfix__utf8_decode(s + i, s + len, &cp);
    }
    ctx->text.cp[n] = cp;
    ctx->text.src[n] = (uint32_t)n;
    ctx->offsets[n++] = (uint32_t)i;
    i += l;
  }
  ctx->text.n = n;
  ctx->offsets[n] = (uint32_t)len;
  return true;
}

/* The code points of the valid UTF-8 line s[0, len) into ctx->text.cp (not
 * its src[] nor the offsets: for reading only, the script tie-break and the
 * UTF-16 check of the quick path). */
static bool load_cps(zhfix_ctx *ctx, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  size_t n = 0;

  ctx->text.n = 0;
  if (!zhfix__text_reserve(&ctx->text, len))
    return false;
  while (p < end) {
    uint32_t cp;
    if (p[0] < 0x80) {
      cp = *p++;
    } else if ((p[0] & 0xF0) == 0xE0) {
      cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
      p += 3;
    } else {
      p += zhfix__utf8_decode((const char *)p, (const char *)end, &cp);
    }
    ctx->text.cp[n++] = cp;
  }
  ctx->text.n = n;
  return true;
}

/* Does the segment need the repair stages at all? ASCII needs them only for
 * character references ("&#") and RFC 2047 encoded words ("=?"). */
static bool may_need_repair(const char *s, size_t len)
{
  size_t i;
  for (i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80 ||
        (i + 1 < len && ((s[i] == '&' && s[i + 1] == '#') || (s[i] == '=' && s[i + 1] == '?'))))
      return true;
  return false;
}

/* Report damage found in the repaired text (segment starting at column col,
 * byte offset byte of the line) that no stage repaired. */
static void report_left(zhfix_ctx *ctx, const char *kind, uint64_t col, uint64_t byte,
                        const char *text, size_t len)
{
  emit(ctx, kind, col, byte, text, len, text, len, 0, 1);
}

static bool cjk_letter(uint32_t c)
{
  return zhfix__is_han(c) || (c >= 0x3000 && c <= 0x30FF) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* zhfix__utf8_decode(), ASCII inline. */
static inline size_t decode_at(const char *p, const char *end, uint32_t *cp)
{
  if ((unsigned char)*p < 0x80) {
    *cp = (unsigned char)*p;
    return 1;
  }
  return zhfix__utf8_decode(p, end, cp);
}

/* Damage that zhfix does not repair but a reader should know of: U+FFFD (a
 * lossy decode upstream), private-use characters (user-defined cells of a
 * wrong decode), runs of "?" glued to CJK text (a lossy conversion stored each
 * character as "?"), ASCII punctuation between CJK characters (fullwidth
 * punctuation folded; --punct in a later version). Columns are those of the
 * repaired text. */
static void find_left(zhfix_ctx *ctx, const char *s, size_t len, uint64_t col, uint64_t byte)
{
  size_t i = 0, l;
  uint32_t cp, prev = 0;

  while (i < len) {
    size_t start = i, n = 0;
    l = decode_at(s + i, s + len, &cp);
    if (cp == 0xFFFD || zhfix__is_pua(cp) || cp == '?') {
      uint32_t c = cp, next = 0;
      while (i < len && (l = zhfix__utf8_decode(s + i, s + len, &next)) > 0 &&
             (next == c || (c != '?' && (next == 0xFFFD || zhfix__is_pua(next))))) {
        i += l;
        n++;
      }
      if (i == len)
        next = 0;
      if (c == 0xFFFD)
        report_left(ctx, "replacement-character", col, byte + start, s + start, i - start);
      else if (c != '?')
        report_left(ctx, "private-use", col, byte + start, s + start, i - start);
      else if (n >= 2 && (cjk_letter(prev) || cjk_letter(next)))
        report_left(ctx, "question-mark-loss", col, byte + start, s + start, i - start);
      col += n;
      prev = c;
      continue;
    }
    if ((cp == ',' || cp == ';' || cp == ':' || cp == '!') && zhfix__is_han(prev) && i + l < len) {
      uint32_t next;
      if (zhfix__utf8_decode(s + i + l, s + len, &next) && zhfix__is_han(next))
        report_left(ctx, "halfwidth-punctuation", col, byte + i, s + i, l);
    }
    prev = cp;
    i += l;
    col++;
  }
}

/* UTF-16 text whose newline bytes were translated (0D -> 0A) reads every
 * U+xx0D as U+xx0A: 不 U+4E0D as 上 U+4E0A. Where a segment has no U+xx0D left
 * and at least UTF16_SITES of its U+xx0A characters read much better as
 * U+xx0D (UTF16_GAIN nats in context), it is reported; the choice per
 * character is too weak to repair. ctx->text holds the segment, seg[0,
 * seglen) its bytes. */
static void find_utf16_newline(zhfix_ctx *ctx, uint64_t col, uint64_t byte, const char *seg,
                               size_t seglen)
{
  const struct zhfix__text *t = &ctx->text;
  size_t i, sites = 0, first = 0, left = 0;
  for (i = 0; i < t->n; i++) {
    if ((t->cp[i] & 0xFF) == 0x0D && t->cp[i] >= 0x3000)
      return;
    left += (t->cp[i] & 0xFF) == 0x0A;
  }
  /* (weighed until UTF16_SITES are found, or out of reach) */
  for (i = 0; i < t->n && sites < UTF16_SITES && sites + left >= UTF16_SITES; i++) {
    uint32_t c = t->cp[i], w[2];
    size_t k = 0;
    double gain;
    if ((c & 0xFF) != 0x0A)
      continue;
    left--;
    if (!zhfix__is_han(c) || !zhfix__is_han((c & ~0xFFu) | 0x0D))
      continue;
    w[k++] = c;
    if (i + 1 < t->n)
      w[k++] = t->cp[i + 1];
    gain = zhfix__lm_cost(i ? t->cp[i - 1] : 0, w, k, i + 2 < t->n ? t->cp[i + 2] : 0);
    w[0] = (c & ~0xFFu) | 0x0D;
    gain -= zhfix__lm_cost(i ? t->cp[i - 1] : 0, w, k, i + 2 < t->n ? t->cp[i + 2] : 0);
    if (gain >= UTF16_GAIN && sites++ == 0)
      first = i;
  }
  if (sites >= UTF16_SITES)
    report_left(ctx, "utf16-newline", col + first, byte, seg, seglen);
}

/* Repair one valid UTF-8 segment; the result goes to ctx->seg. */
static zhfix_status repair(zhfix_ctx *ctx, const char *s, size_t len, uint64_t col, uint64_t byte)
{
  size_t i;
  unsigned skip = ctx->skip;
  uint64_t repaired = ctx->stats.repaired;

  ctx->seg.len = 0;
  /* --punct reads ASCII lines too: a term that goes on the Chinese sentence
   * of the line before (punct.c), and the end of that sentence. */
  if (!(ctx->flags & ZHFIX_NO_REPAIR) && !may_need_repair(s, len) && ctx->punct != ZHFIX_PUNCT_OFF)
    skip = ZHFIX__STAGE_ALL;
  else if ((ctx->flags & ZHFIX_NO_REPAIR) || !may_need_repair(s, len)) {
    if (!(ctx->flags & ZHFIX_NO_REPAIR))
      find_left(ctx, s, len, col, byte);
    return zhfix__buf_add(&ctx->seg, s, len) ? ZHFIX_OK : ZHFIX_ERR_NOMEM;
  }
  if (!load(ctx, s, len))
    return ZHFIX_ERR_NOMEM;
  ctx->seg_bytes = s;
  ctx->seg_col = col;
  ctx->seg_byte = byte;
  /* Byte-shift first: its runs are recognised by their resync byte and splice
   * marks, and the code page hypotheses would read them as other mojibake.
   * Ruby next, so annotations are gone before spans of Latin letters are read
   * as code page mojibake. */
  /* A stage quick.c found nothing for is skipped, until a stage changes the
   * text (the scan read the line as it came in). */
  if (!(skip & ZHFIX__STAGE_SHIFT) && !zhfix__shift_repair(ctx, &ctx->text, report_edit))
    return ZHFIX_ERR_NOMEM;
  if (ctx->stats.repaired != repaired)
    skip = 0;
  if (!(skip & ZHFIX__STAGE_RUBY) && !zhfix__ruby_repair(ctx, &ctx->text, report_edit))
    return ZHFIX_ERR_NOMEM;
  if (ctx->stats.repaired != repaired)
    skip = 0;
  if (!(skip & ZHFIX__STAGE_MOJIBAKE) && !zhfix__mojibake_repair(ctx, &ctx->text, report_edit))
    return ZHFIX_ERR_NOMEM;
  if (ctx->stats.repaired != repaired)
    skip = 0;
  if ((!(skip & ZHFIX__STAGE_MISCONV) && !zhfix__misconv_repair(ctx, &ctx->text, report_edit)) ||
      !zhfix__punct_repair(ctx, &ctx->text, report_edit))
    return ZHFIX_ERR_NOMEM;
  /* A stage that could not allocate took a hypothesis as failing: say so. */
  if (ctx->codecs.oom) {
    ctx->codecs.oom = false;
    return ZHFIX_ERR_NOMEM;
  }
  /* The segment back to UTF-8 (at most 4 bytes a code point; ASCII and
   * three-byte characters inline). */
  if (ctx->text.n > SIZE_MAX / 4 || !zhfix__buf_reserve(&ctx->seg, 4 * ctx->text.n))
    return ZHFIX_ERR_NOMEM;
  for (i = 0; i < ctx->text.n; i++) {
    uint32_t c = ctx->text.cp[i];
    unsigned char *o = (unsigned char *)ctx->seg.data + ctx->seg.len;
    if (c < 0x80) {
      o[0] = (unsigned char)c;
      ctx->seg.len++;
    } else if (c >= 0x800 && c < 0x10000) {
      o[0] = (unsigned char)(0xE0 | c >> 12);
      o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
      o[2] = (unsigned char)(0x80 | (c & 0x3F));
      ctx->seg.len += 3;
    } else {
      ctx->seg.len += zhfix__utf8_encode(c, (char *)o);
    }
  }
  find_left(ctx, ctx->seg.data, ctx->seg.len, col, byte);
  find_utf16_newline(ctx, col, byte, ctx->seg.data, ctx->seg.len);
  return ZHFIX_OK;
}

/* Process one line without its terminator; append the result to ctx->out. */
static zhfix_status process_line(zhfix_ctx *ctx, const char *s, size_t len)
{
  size_t i = 0;
  uint64_t col = 0;

  /* A line that is not UTF-8 may be claimed whole by a repair (a cut UTF-8
   * character, a legacy code page); otherwise its invalid bytes pass through. */
  if (!(ctx->flags & ZHFIX_NO_REPAIR) && !zhfix__utf8_valid(s, len)) {
    bool nomem;
    const char *kind = zhfix__raw_repair(ctx, s, len, &ctx->rawline, &nomem);
    if (nomem || ctx->codecs.oom) {
      ctx->codecs.oom = false;
      return ZHFIX_ERR_NOMEM;
    }
    if (kind) {
      /* A repair of the whole line, which was not UTF-8. */
      emit(ctx, kind, 0, 0, s, len, ctx->rawline.data, ctx->rawline.len, 0, 0);
      s = ctx->rawline.data;
      len = ctx->rawline.len;
    }
  }

  if (len == 0) /* a blank line ends the paragraph (--punct, punct.c) */
    ctx->punct_open = false;
  while (i < len) {
    size_t start = i, l;
    uint64_t start_col = col;
    uint32_t cp;
    zhfix_status st;

    /* A valid, NUL-free UTF-8 segment. */
    while (i < len && s[i] != '\0' && (l = zhfix__utf8_decode(s + i, s + len, &cp)) > 0) {
      i += l;
      col++;
    }
    if (i > start) {
      st = repair(ctx, s + start, i - start, start_col, start);
      if (st != ZHFIX_OK)
        return st;
      if (!zhfix__buf_add(&ctx->linetext, ctx->seg.data, ctx->seg.len))
        return ZHFIX_ERR_NOMEM;
      if (ctx->conv) {
        st = zhfix__conv_run(ctx->conv, ctx->seg.data, ctx->seg.len, &ctx->out);
        if (st == ZHFIX_ERR_CONVERT)
          return zhfix__fail(ctx, st, "line %llu: OpenCC could not convert the text",
                             (unsigned long long)ctx->line + 1);
        if (st != ZHFIX_OK)
          return st;
      } else if (!zhfix__buf_add(&ctx->out, ctx->seg.data, ctx->seg.len)) {
        return ZHFIX_ERR_NOMEM;
      }
    }
    /* Bytes that are not valid UTF-8, and NUL, pass through as they are; with
     * repairs on, a run with bytes that are not UTF-8 is reported. */
    start = i;
    start_col = col;
    {
      bool invalid = false;
      while (i < len && (s[i] == '\0' || zhfix__utf8_decode(s + i, s + len, &cp) == 0)) {
        invalid |= s[i] != '\0';
        i++;
        col++;
      }
      if (invalid && !(ctx->flags & ZHFIX_NO_REPAIR))
        report_left(ctx, "invalid-bytes", start_col, start, s + start, i - start);
    }
    if (i > start && !zhfix__buf_add(&ctx->out, s + start, i - start))
      return ZHFIX_ERR_NOMEM;
  }
  ctx->piece_cols = col;
  return ZHFIX_OK;
}

/* Decode the line just repaired (ctx->linetext) into a new array; *n gets its
 * length. NULL when out of memory. */
static uint32_t *linetext_cps(zhfix_ctx *ctx, size_t *n)
{
  uint32_t *cp = malloc((ctx->linetext.len + 1) * sizeof *cp);
  size_t i = 0, l;

  *n = 0;
  if (!cp)
    return NULL;
  while (i < ctx->linetext.len &&
         (l = zhfix__utf8_decode(ctx->linetext.data + i, ctx->linetext.data + ctx->linetext.len,
                                 &cp[*n])) > 0) {
    i += l;
    (*n)++;
  }
  return cp;
}

/* Count a line of the given script; a mixed line is reported as a finding
 * with text[0, len) (bytes): the line, or the last sentence of a long line,
 * at its column. */
static inline void count_line(zhfix_ctx *ctx, zhfix_script script,
                              const struct zhfix__script_count *c, const char *text, size_t len)
{
  if (!(ctx->flags & ZHFIX_NO_SCRIPT_STATS))
    ctx->stats.lines_by_script[script]++;
  ctx->stats.han += c->han;
  ctx->stats.simplified_only += c->simplified_only;
  ctx->stats.traditional_only += c->traditional_only;
  if (script == ZHFIX_SCRIPT_MIXED && !(ctx->flags & ZHFIX_NO_REPAIR))
    report_left(ctx, "mixed-script", 0, 0, text, len);
}

/* Count the script of the line just repaired (ctx->linetext). */
static zhfix_status line_script(zhfix_ctx *ctx)
{
  struct zhfix__script_count count = {0, 0, 0};
  uint32_t *cp;
  size_t n;
  zhfix_script script;

  if (ctx->linetext.len == 0) {
    if (!(ctx->flags & ZHFIX_NO_SCRIPT_STATS))
      ctx->stats.lines_by_script[ZHFIX_SCRIPT_NONE]++;
    return ZHFIX_OK;
  }
  if (!(cp = linetext_cps(ctx, &n)))
    return ZHFIX_ERR_NOMEM;
  script = ctx->flags & ZHFIX_NO_SCRIPT_STATS ? zhfix__script_counted(cp, n, &count)
                                              : zhfix__classify(cp, n, &count);
  free(cp);
  count_line(ctx, script, &count, ctx->linetext.data, ctx->linetext.len);
  return ZHFIX_OK;
}

/* Are the three bytes at s a sentence end: 。, ！ or ？ in UTF-8? */
static bool sentence_mark(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  return (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
         (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F));
}

/* Where the first sentence of s[0, len) ends: after its first sentence mark,
 * or len. */
static size_t sentence_end(const char *s, size_t len)
{
  size_t i;

  for (i = 0; i + 2 < len; i++)
    if (sentence_mark(s + i))
      return i + 3;
  return len;
}

/* A line longer than the window (see feed_utf8) is processed by sentences:
 * each sentence of s[0, len) goes through the stages as a line of its own
 * would (so the output is what the line cut after each sentence end gives),
 * its output appended to ctx->out, its script counts added to the line's. */
static zhfix_status do_sentences(zhfix_ctx *ctx, const char *s, size_t len)
{
  while (len > 0) {
    size_t n = sentence_end(s, len), k;
    struct zhfix__script_count c = {0, 0, 0};
    uint32_t *cp;
    zhfix_status st;

    ctx->linetext.len = 0;
    st = process_line(ctx, s, n);
    if (st != ZHFIX_OK)
      return st;
    if (!(cp = linetext_cps(ctx, &k)))
      return ZHFIX_ERR_NOMEM;
    zhfix__classify(cp, k, &c);
    ctx->win_count.han += c.han;
    ctx->win_count.simplified_only += c.simplified_only;
    ctx->win_count.traditional_only += c.traditional_only;
    if (c.han && c.simplified_only == 0 && c.traditional_only == 0 &&
        !(ctx->flags & ZHFIX_NO_SCRIPT_STATS))
      ctx->win_bias += zhfix__lm_script_bias(cp, k);
    free(cp);
    ctx->last_col = ctx->win_col;
    ctx->last_byte = ctx->win_byte;
    ctx->win_col += ctx->piece_cols;
    ctx->win_byte += n;
    s += n;
    len -= n;
  }
  return ZHFIX_OK;
}

/* The output of whole lines, gathered in ctx->batch and written BATCH bytes
 * at a time: the same bytes in fewer calls of write. The lines before a
 * finding are written before the change callback hears of it, and each
 * zhfix_feed() and zhfix_finish() writes what it gathered before it returns,
 * so the caller sees the same as with a write per line. Not with --to=auto,
 * which holds lines of its own. */
#define BATCH (64u << 10)

static zhfix_status flush_out(zhfix_ctx *ctx)
{
  /* (the output of a line that do_line() is converting straight into the
   * batch stays: the line is not done) */
  size_t n = ctx->batch_in_line ? ctx->batch_line : ctx->batch.len;
  size_t rest = ctx->batch.len - n;
  zhfix_status st = ZHFIX_OK;

  if (ctx->batch_failed) {
    st = ZHFIX_ERR_OUTPUT;
  } else if (n && ctx->batch_write(ctx->batch_user, ctx->batch.data, n) != 0) {
    ctx->batch_failed = true;
    st = zhfix__fail(ctx, ZHFIX_ERR_OUTPUT, "write failed");
  }
  if (rest)
    memmove(ctx->batch.data, ctx->batch.data + n, rest);
  ctx->batch.len = rest;
  ctx->batch_line = 0;
  return st;
}

static bool flush_before_finding(zhfix_ctx *ctx)
{
  return ctx->batch_failed ? false : ctx->batch.len == 0 || flush_out(ctx) == ZHFIX_OK;
}

static zhfix_status put_out(zhfix_ctx *ctx, const char *p, size_t n, zhfix_write_fn write,
                            void *user)
{
  if (ctx->batch_failed)
    return ZHFIX_ERR_OUTPUT;
  if (ctx->auto_conv[0]) {
    zhfix_status st = flush_out(ctx);
    if (st == ZHFIX_OK && n && write(user, p, n) != 0)
      st = zhfix__fail(ctx, ZHFIX_ERR_OUTPUT, "write failed");
    return st;
  }
  if (!zhfix__buf_add(&ctx->batch, p, n))
    return ZHFIX_ERR_NOMEM;
  return ctx->batch.len >= BATCH ? flush_out(ctx) : ZHFIX_OK;
}

static zhfix_status hold(zhfix_ctx *ctx, const char *s, size_t len, unsigned kind,
                         zhfix_write_fn write, void *user);

/* Process one window of a long line, s[0, len) without terminator, cut at a
 * safe point (see window_cut): its sentences, but the line goes on. */
static zhfix_status window_now(zhfix_ctx *ctx, const char *s, size_t len, zhfix_write_fn write,
                               void *user)
{
  zhfix_status st;

  if (!ctx->windowed) {
    ctx->windowed = true;
    ctx->win_col = ctx->win_byte = ctx->last_col = ctx->last_byte = 0;
    memset(&ctx->win_count, 0, sizeof ctx->win_count);
    ctx->win_bias = 0;
  }
  ctx->out.len = 0;
  st = do_sentences(ctx, s, len);
  if (st != ZHFIX_OK)
    return st;
  return put_out(ctx, ctx->out.data, ctx->out.len, write, user);
}

/* A window, or held (see line_in()). */
static zhfix_status do_window(zhfix_ctx *ctx, const char *s, size_t len, zhfix_write_fn write,
                              void *user)
{
  return hold(ctx, s, len, AHEAD_WINDOW, write, user);
}

/* Is s[0, len) all ASCII? Eight bytes at a time (the last eight read again
 * where len is no multiple of eight): the quick path asks it of lines
 * without Han, most of them short. */
static bool all_ascii(const char *s, size_t len)
{
  uint64_t any = 0, w;
  size_t i;

  if (len < 8) {
    for (i = 0; i < len; i++)
      any |= (unsigned char)s[i];
    return any < 0x80;
  }
  for (i = 0; i + 8 <= len; i += 8) {
    memcpy(&w, s + i, 8);
    any |= w;
  }
  memcpy(&w, s + len - 8, 8);
  return !((any | w) & 0x8080808080808080ull);
}

/* The report of a trial run of a stage: it would change the line. */
static void dry_edit(zhfix_ctx *ctx, const struct zhfix__edit *e)
{
  (void)e;
  ctx->dry_changed = true;
}

/* A line that quick.c finds every repair stage would leave alone: written as
 * it is, with what the full path would report of it (find_left(), the UTF-16
 * newline check, the script), and no stage run; its conversion is appended
 * to out. False if the line needs the full path. Sets *direct when the line
 * is its own output (no conversion): nothing is copied to out then. */
static bool quick_line(zhfix_ctx *ctx, const char *s, size_t len, struct zhfix__buf *out,
                       zhfix_status *st, bool *direct)
{
  struct zhfix__quick q;
  int script = ZHFIX_SCRIPT_TIE;
  unsigned need;
  bool loaded = false; /* ctx->text holds the line */
  bool tried = false;  /* the mis-conversion stage was tried (ctx->dry_changed) */

  /* --punct and --space look at every line, and --to=auto weighs the
   * repaired text of each line until it has chosen: the full path. */
  if (ctx->quick_off || (ctx->auto_conv[0] && !ctx->conv))
    return false;
  if (ctx->flags & ZHFIX_NO_REPAIR)
    need = zhfix__quick_count(s, len, &q) ? 0 : ZHFIX__STAGE_FULL;
  else
    need = zhfix__quick_scan(s, len, &q);
  /* Stages of their own (shift, ruby, mojibake): the full path. */
  if (need & ~(ZHFIX__STAGE_MISCONV | ZHFIX__STAGE_UTF16 | ZHFIX__STAGE_CJK)) {
    if (need & ZHFIX__STAGE_CJK)
      need |= ZHFIX__STAGE_MOJIBAKE;
    if (need != ZHFIX__STAGE_FULL)
      ctx->skip = ZHFIX__STAGE_ALL & ~need;
    return false;
  }
  /* Most Chinese lines hold a character the mis-conversion stage weighs (了,
   * 后, 干 ...), and it seldom changes one: most such lines are answered
   * without decoding them (a trial of the stage around its members, or for a
   * tie of scripts, the members' neighbours), the others by a trial of the
   * stage on a copy. */
  script = q.han ? zhfix__script_by_counts(q.han, q.simplified_only, q.traditional_only)
                 : ZHFIX_SCRIPT_NONE; /* (what it says of no Han) */
  if (need & ZHFIX__STAGE_MISCONV) {
    unsigned sides = script == ZHFIX_SCRIPT_SIMPLIFIED    ? ZHFIX__MISCONV_SIMP
                     : script == ZHFIX_SCRIPT_TRADITIONAL ? ZHFIX__MISCONV_TRAD
                                                          : ZHFIX__MISCONV_SIMP | ZHFIX__MISCONV_TRAD;
    ctx->dry_changed = false;
    if (q.nmembers <= ZHFIX__QUICK_MEMBERS &&
        zhfix__misconv_trial_at(ctx, s, len, q.member_at, q.nmembers, script, dry_edit))
      tried = true;
    else if (q.nmembers <= ZHFIX__QUICK_MEMBERS
                 ? zhfix__misconv_quiet_at(s, len, q.member_at, q.nmembers, sides)
                 : zhfix__misconv_quiet(s, len, sides))
      need &= ~ZHFIX__STAGE_MISCONV;
    if (tried && !ctx->dry_changed)
      need &= ~ZHFIX__STAGE_MISCONV;
  }
  /* (the trial of the stage needs the line's offsets: load()) */
  if ((need & ZHFIX__STAGE_MISCONV) && !tried) {
    if (!load(ctx, s, len)) {
      *st = ZHFIX_ERR_NOMEM;
      return true;
    }
    loaded = true;
  } else if (need & ZHFIX__STAGE_CJK) {
    if (!load_cps(ctx, s, len)) {
      *st = ZHFIX_ERR_NOMEM;
      return true;
    }
    loaded = true;
  }
  /* A span the mojibake stage reads as GB18030 or Big5 (no-break spaces or
   * rare characters between Han): its hypotheses tried on their own. */
  if (need & ZHFIX__STAGE_CJK) {
    if (zhfix__mojibake_cjk_quiet(ctx, &ctx->text) != 1) {
      ctx->codecs.oom = false; /* (the full path tries again) */
      ctx->skip = ZHFIX__STAGE_ALL & ~need & ~ZHFIX__STAGE_MOJIBAKE;
      return false;
    }
    need &= ~ZHFIX__STAGE_CJK;
  }
  if ((need & ZHFIX__STAGE_MISCONV) && !tried) {
    ctx->dry_changed = false;
    /* The scan's counts are the line's: its script, as the stage (and
     * line_script()) would classify it, the model deciding a tie. */
    if (script == ZHFIX_SCRIPT_TIE)
      script = zhfix__classify(ctx->text.cp, ctx->text.n, NULL);
    if (!zhfix__misconv_repair_as(ctx, &ctx->text, dry_edit, script)) {
      *st = ZHFIX_ERR_NOMEM;
      return true;
    }
    tried = true;
  }
  if (need & ZHFIX__STAGE_MISCONV) {
    if (ctx->dry_changed) {
      /* The full path, but for the stages the scan found nothing for. */
      ctx->skip = ZHFIX__STAGE_ALL & ~need;
      return false;
    }
    need &= ~ZHFIX__STAGE_MISCONV; /* (and the trial left ctx->text as loaded) */
  }
  if (ctx->flags & ZHFIX_NO_SCRIPT_STATS && script == ZHFIX_SCRIPT_TIE)
    script = ZHFIX_SCRIPT_NONE; /* (counted nowhere: no statistics of scripts) */
  if ((script == ZHFIX_SCRIPT_TIE || need) && !loaded) {
    if (!load_cps(ctx, s, len)) {
      *st = ZHFIX_ERR_NOMEM;
      return true;
    }
  }
  /* The language model decides a tie, as zhfix__classify() does for
   * line_script(). */
  if (script == ZHFIX_SCRIPT_TIE)
    script = zhfix__classify(ctx->text.cp, ctx->text.n, NULL);
  *st = ZHFIX_OK;
  /* What repair() reports of an unchanged segment, in its order. */
  if (q.find_left && !(ctx->flags & ZHFIX_NO_REPAIR))
    find_left(ctx, s, len, 0, 0);
  if (need & ZHFIX__STAGE_UTF16)
    find_utf16_newline(ctx, 0, 0, s, len);
  /* (a line of ASCII converts to itself where no key holds ASCII; --to=auto
   * chooses ctx->conv within a call) */
  if (len && ctx->conv &&
      !(q.han == 0 &&
        (ctx->auto_conv[0] ? zhfix__conv_keeps_ascii(ctx->conv) : ctx->ascii_kept) &&
        all_ascii(s, len))) {
    *st = zhfix__conv_run(ctx->conv, s, len, out);
    if (*st == ZHFIX_ERR_CONVERT)
      *st = zhfix__fail(ctx, *st, "line %llu: OpenCC could not convert the text",
                        (unsigned long long)ctx->line + 1);
  } else {
    *direct = true;
  }
  if (*st != ZHFIX_OK)
    return true;
  {
    struct zhfix__script_count c = {q.han, q.simplified_only, q.traditional_only};
    count_line(ctx, script, &c, s, len);
  }
  return true;
}

/* A line's body s[0, body) (without terminator) through quick_line(), or
 * the stages where it refuses the line. The output goes to ctx->batch where
 * *batched is set (quick_line() only: the stages clear it), else to
 * ctx->out; *direct is set when the line is its own output (quick_line()). */
static inline zhfix_status line_body(zhfix_ctx *ctx, const char *s, size_t body, bool *batched,
                                     bool *direct)
{
  zhfix_status st;
  bool quick;

  /* (a finding's flush_out() leaves the line's output in the batch) */
  ctx->batch_line = ctx->batch.len;
  ctx->batch_in_line = *batched;
  quick = quick_line(ctx, s, body, *batched ? &ctx->batch : &ctx->out, &st, direct);
  ctx->batch_in_line = false;
  if (!quick) {
    *batched = false;
    st = process_line(ctx, s, body);
    ctx->skip = 0;
    if (st == ZHFIX_OK)
      st = line_script(ctx);
  }
  return st;
}

/* The end of a line s[0, len) (body: the bytes before its terminator, if
 * term) processed with status st: counted and written (put_out()), or where
 * batched, what is in ctx->batch completed (see line_body()). */
static inline zhfix_status line_out(zhfix_ctx *ctx, const char *s, size_t len, size_t body,
                                    bool term, zhfix_status st, bool batched, bool direct,
                                    zhfix_write_fn write, void *user)
{
  size_t tl = len - body;

  ctx->windowed = false;
  ctx->win_col = ctx->win_byte = 0;
  if (batched && st != ZHFIX_OK)
    ctx->batch.len = ctx->batch_line; /* (the line's output is not written) */
  if (st != ZHFIX_OK)
    return st;
  ctx->stats.lines++;
  if (term)
    ctx->line++;
  if (batched) { /* put_out() of what is in the batch: its terminator, or the line as it came */
    if (ctx->batch_failed) {
      ctx->batch.len = ctx->batch_line;
      return ZHFIX_ERR_OUTPUT; /* (as put_out() says) */
    }
    if (!(direct ? zhfix__buf_add(&ctx->batch, s, len)
                 : zhfix__buf_add(&ctx->batch, s + body, tl)))
      return ZHFIX_ERR_NOMEM;
    return ctx->batch.len >= BATCH ? flush_out(ctx) : ZHFIX_OK;
  }
  if (direct) /* the line, terminator and all, as it came */
    return put_out(ctx, s, len, write, user);
  if (!zhfix__buf_add(&ctx->out, s + body, tl))
    return ZHFIX_ERR_NOMEM;
  if (ctx->auto_conv[0] && !ctx->conv) /* --to=auto, script not chosen yet */
    return zhfix__auto_line(ctx, ctx->out.data, ctx->out.len, !term, write, user);
  return put_out(ctx, ctx->out.data, ctx->out.len, write, user);
}

/* Process s[0, len), which ends with its terminator if term is set: a line,
 * or the rest of a line processed in windows. */
static zhfix_status do_line(zhfix_ctx *ctx, const char *s, size_t len, bool term,
                            zhfix_write_fn write, void *user)
{
  size_t body = len;
  zhfix_status st;
  bool direct = false;
  /* A line of the quick path goes straight into ctx->batch (put_out()'s),
   * converted there: no copy through ctx->out. Not with --to=auto, whose
   * lines put_out() writes one by one. */
  bool batched = !ctx->auto_conv[0] && !ctx->windowed;

  /* A line ends with LF, CRLF or a lone CR. */
  if (term) {
    body--;
    if (s[body] == '\n' && body > 0 && s[body - 1] == '\r')
      body--;
  }
  ctx->out.len = 0;
  ctx->linetext.len = 0;
  if (ctx->windowed) {
    st = do_sentences(ctx, s, body);
    if (st == ZHFIX_OK) {
      ctx->win_col = ctx->last_col;
      ctx->win_byte = ctx->last_byte;
      count_line(ctx, zhfix__script_of_counts(&ctx->win_count, ctx->win_bias), &ctx->win_count,
                 ctx->linetext.data, ctx->linetext.len);
    }
  } else {
    st = line_body(ctx, s, body, &batched, &direct);
  }
  return line_out(ctx, s, len, body, term, st, batched, direct, write, user);
}

/* Process s[0, len) of the kind AHEAD_* now. */
static zhfix_status take(zhfix_ctx *ctx, const char *s, size_t len, unsigned kind,
                         zhfix_write_fn write, void *user)
{
  return kind == AHEAD_WINDOW ? window_now(ctx, s, len, write, user)
                              : do_line(ctx, s, len, kind == AHEAD_TERM, write, user);
}

/* Process what hold() holds, in order. */
static zhfix_status ahead_replay(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  const uint64_t *rec = (const uint64_t *)(void *)ctx->ahead_lines.data;
  size_t n = ctx->ahead_lines.len / sizeof *rec, k, at = 0;
  zhfix_status st = ZHFIX_OK;

  for (k = 0; k < n && st == ZHFIX_OK; k++) {
    size_t len = (size_t)(rec[k] >> 2);
    st = take(ctx, ctx->ahead.data + at, len, (unsigned)(rec[k] & 3), write, user);
    at += len;
  }
  ctx->ahead.len = ctx->ahead_lines.len = 0;
  return st;
}

/* Take s[0, len) of the kind AHEAD_*: every line and window of a document
 * comes through here, and the evidence of what converted the document
 * (zhfix__misconv_evidence()) is read here. Until it is decided, the lines and
 * windows are held, and processed once it is: every line of a document is
 * repaired with the same decision, the first ones too. AHEAD_HOLD bytes at
 * most are held: then what is held is processed undecided, and holding
 * starts again. */
static zhfix_status hold(zhfix_ctx *ctx, const char *s, size_t len, unsigned kind,
                         zhfix_write_fn write, void *user)
{
  uint64_t rec = (uint64_t)len << 2 | kind;
  bool now;

  zhfix__misconv_evidence(ctx, s, len); /* (a no-op once decided or set) */
  now = ctx->converter != ZHFIX_CONVERTER_UNKNOWN || (ctx->flags & ZHFIX_NO_REPAIR);
  if (now && !ctx->ahead_lines.len)
    return take(ctx, s, len, kind, write, user);
  if (!zhfix__buf_add(&ctx->ahead, s, len) ||
      !zhfix__buf_add(&ctx->ahead_lines, &rec, sizeof rec))
    return ZHFIX_ERR_NOMEM;
  if (now || ctx->ahead.len >= AHEAD_HOLD)
    return ahead_replay(ctx, write, user);
  return ZHFIX_OK;
}

/* A line (term: it ends with its terminator), or held (hold()). */
static inline zhfix_status line_in(zhfix_ctx *ctx, const char *s, size_t len, bool term,
                                   zhfix_write_fn write, void *user)
{
  /* (decided and nothing held: hold() would take it at once) */
  if (ctx->converter != ZHFIX_CONVERTER_UNKNOWN && !ctx->ahead_lines.len)
    return do_line(ctx, s, len, term, write, user);
  return hold(ctx, s, len, term ? AHEAD_TERM : AHEAD_LINE, write, user);
}

/* Decode *in[0, *inleft) from the input encoding, appending UTF-8 to
 * ctx->decoded; bytes invalid in the encoding pass through as they are (*invalid
 * set). Stops before an incomplete character unless last. */
static zhfix_status decode_run(zhfix_ctx *ctx, char **in, size_t *inleft, bool last,
                               bool *invalid)
{
  char *out;
  size_t outleft;

  while (*inleft > 0) {
    size_t before;
    if (!zhfix__buf_reserve(&ctx->decoded, 4 * *inleft + 16))
      return ZHFIX_ERR_NOMEM;
    out = ctx->decoded.data + ctx->decoded.len;
    outleft = ctx->decoded.cap - ctx->decoded.len;
    before = outleft;
    if (iconv(ctx->in_cd, in, inleft, &out, &outleft) != (size_t)-1) {
      ctx->decoded.len += before - outleft;
      break;
    }
    ctx->decoded.len += before - outleft;
    if (errno == E2BIG)
      continue;
    if (errno == EINVAL && !last)
      break; /* an incomplete character: wait for the rest */
    if (errno != EILSEQ && errno != EINVAL)
      return zhfix__fail(ctx, ZHFIX_ERR_CODEC, "iconv: %s", strerror(errno));
    /* Invalid (or incomplete at the end): the byte passes through as it is. */
    ctx->decoded.data[ctx->decoded.len++] = *(*in)++;
    (*inleft)--;
    *invalid = true;
    iconv(ctx->in_cd, NULL, NULL, NULL, NULL);
  }
  return ZHFIX_OK;
}

/* A line of UTF-8 with text beyond ASCII? */
static bool utf8_text_line(const char *s, size_t len)
{
  size_t i;
  for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
    ;
  return i < len && zhfix__utf8_valid(s, len);
}

/* Decode buf[0, len) from the input encoding into ctx->decoded (UTF-8),
 * keeping an incomplete character for the next call (or, at the end of the
 * document, passing it through). Bytes invalid in the encoding pass through.
 * A line in valid UTF-8 that the encoding finds invalid bytes in (a UTF-8
 * line in a GBK file, beyond what detection saw or with --from) passes
 * through as it is: read in the encoding, it became mojibake whose invalid
 * bytes broke it up. So a line not ended yet waits for its end, up to
 * LINE_HOLD bytes; a longer one is decoded as it comes, without the check, so
 * that the output does not depend on where the input was cut. */
static zhfix_status decode_input(zhfix_ctx *ctx, const char *buf, size_t len, bool last)
{
  char *data, *in, *end, *p;
  size_t inleft, old = ctx->in_pending.len;
  bool invalid = false;
  zhfix_status st;

  if (!zhfix__buf_add(&ctx->in_pending, buf, len))
    return ZHFIX_ERR_NOMEM;
  ctx->decoded.len = 0;
  data = in = ctx->in_pending.data;
  end = data + ctx->in_pending.len;
  if (ctx->in_lines && !last) {
    /* The start of the line not ended yet: what was kept from the call
     * before has no line feed (a held line, or an incomplete character). */
    char *tail = end;
    while (tail > data + old && tail[-1] != '\n')
      tail--;
    if (tail == data + old)
      tail = data;
    if ((size_t)(end - tail) <= LINE_HOLD)
      end = tail;
  }
  for (p = in; ctx->in_lines && p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl + 1 : end;
    size_t mark;
    char *q = p;
    if (!ctx->in_long && (nl || last) && (size_t)(le - p) <= LINE_HOLD &&
        utf8_text_line(p, (size_t)(le - p))) {
      inleft = (size_t)(p - in); /* the lines before, as they are */
      if ((st = decode_run(ctx, &in, &inleft, true, &invalid)) != ZHFIX_OK)
        return st;
      mark = ctx->decoded.len;
      inleft = (size_t)(le - p);
      invalid = false;
      if ((st = decode_run(ctx, &q, &inleft, true, &invalid)) != ZHFIX_OK)
        return st;
      if (invalid) { /* UTF-8, not the encoding: as it is */
        ctx->decoded.len = mark;
        if (!zhfix__buf_add(&ctx->decoded, p, (size_t)(le - p)))
          return ZHFIX_ERR_NOMEM;
      }
      in = le;
    }
    if (nl)
      ctx->in_long = false;
    p = le;
  }
  inleft = (size_t)(end - in);
  if ((st = decode_run(ctx, &in, &inleft, last, &invalid)) != ZHFIX_OK)
    return st;
  /* A line decoded in part: the rest of it comes unchecked. */
  if (ctx->in_lines && end > data && end[-1] != '\n' && !last)
    ctx->in_long = true;
  inleft = (size_t)(ctx->in_pending.data + ctx->in_pending.len - in);
  if (in != data) /* (a held line alone stays where it is) */
    memmove(ctx->in_pending.data, in, inleft);
  ctx->in_pending.len = inleft;
  if (last)
    ctx->in_long = false;
  return ZHFIX_OK;
}

static zhfix_status feed_utf8(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                              void *user);

static zhfix_status feed(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                         void *user);

/* Where a call's output goes; what it gathered is written before it returns
 * (also when a later line failed: the lines before it are out, as they would
 * be without the batch). */
static void batch_begin(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  ctx->batch_write = write;
  ctx->batch_user = user;
  ctx->batch_failed = false;
  ctx->batch.len = 0;
  /* What quick_line() would ask of every line: the options do not change
   * within a call. */
  ctx->quick_off = ctx->no_quick || ctx->punct != ZHFIX_PUNCT_OFF || ctx->punct_space;
  ctx->ascii_kept = ctx->conv && zhfix__conv_keeps_ascii(ctx->conv);
}

static zhfix_status batch_end(zhfix_ctx *ctx, zhfix_status st)
{
  zhfix_status fl = flush_out(ctx);
  ctx->batch_failed = false;
  return st != ZHFIX_OK ? st : fl;
}

zhfix_status zhfix_feed(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                        void *user)
{
  if (!ctx || !write || (!buf && len))
    return ZHFIX_ERR_ARG;
  batch_begin(ctx, write, user);
  return batch_end(ctx, feed(ctx, buf, len, write, user));
}

static zhfix_status feed(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                         void *user)
{
  zhfix_status st;

  if (ctx->doc_done) {
    memset(&ctx->stats, 0, sizeof ctx->stats);
    ctx->doc_done = false;
  }
  if (ctx->in_cd == (iconv_t)-1)
    return feed_utf8(ctx, buf, len, write, user);
  /* Decoded in slices, so that memory stays bounded whatever len is. */
  do {
    size_t n = len < DECODE_SLICE ? len : DECODE_SLICE;
    st = decode_input(ctx, buf, n, false);
    if (st == ZHFIX_OK)
      st = feed_utf8(ctx, ctx->decoded.data, ctx->decoded.len, write, user);
    buf += n;
    len -= n;
  } while (st == ZHFIX_OK && len > 0);
  return st;
}

/* Is s[i] the first byte of a character (ASCII, or not a UTF-8 continuation byte)? */
static bool char_start(const char *s, size_t i)
{
  return ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* Where to cut a window off the long line s[0, len) (len > window): a safe
 * point at most `window` bytes in and, if there is one, at least half of it:
 * after a sentence end (。！？), else after ASCII .!? and a space, else after
 * a space or tab, else at a character boundary. Nothing the stages repair or
 * convert (phrases, byte-shift runs, ruby annotations, mojibake spans) spans
 * a sentence end, and the window's sentences are processed one by one
 * (do_sentences), so the output is what the line cut after each sentence end
 * gives, wherever the windows fall between sentences. */
static size_t window_cut(const char *s, size_t len, size_t window)
{
  size_t lo = window / 2, i;

  (void)len;
  for (i = window; i > lo; i--)
    if (i >= 3 && sentence_mark(s + i - 3))
      return i;
  for (i = window; i > lo; i--)
    if (i >= 2 && s[i - 1] == ' ' && (s[i - 2] == '.' || s[i - 2] == '!' || s[i - 2] == '?'))
      return i;
  for (i = window; i > lo; i--)
    if (s[i - 1] == ' ' || s[i - 1] == '\t')
      return i;
  for (i = window; i > 0 && !char_start(s, i); i--)
    ;
  return i > 0 ? i : window;
}

/* Process windows off the front of the long line *s[0, *n) while more than a
 * window (and a line end) is left; advance *s and *n past them. */
static zhfix_status cut_windows(zhfix_ctx *ctx, const char **s, size_t *n, zhfix_write_fn write,
                                void *user)
{
  while (*n > ctx->window + 2) {
    size_t cut = window_cut(*s, *n, ctx->window);
    zhfix_status st = do_window(ctx, *s, cut, write, user);
    if (st != ZHFIX_OK)
      return st;
    *s += cut;
    *n -= cut;
  }
  return ZHFIX_OK;
}

/* The same for the line kept in ctx->pending. */
static zhfix_status flush_windows(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  const char *s = ctx->pending.data;
  size_t n = ctx->pending.len;
  zhfix_status st = cut_windows(ctx, &s, &n, write, user);
  if (s != ctx->pending.data)
    memmove(ctx->pending.data, s, n);
  ctx->pending.len = n;
  return st;
}

/* feed_utf8()'s common case: the lines from *p on that end with an LF, nl
 * the first one's, before stop (the next CR, or the end of the input), each
 * no longer than a window, while nothing is pending and the converter is
 * decided, no line in windows (as feed_utf8(), hold() and do_line() would,
 * without their checks for each line). *p is advanced past the lines
 * processed. */
static zhfix_status plain_lines(zhfix_ctx *ctx, const char **p, const char *nl, const char *stop,
                                zhfix_write_fn write, void *user)
{
  const char *s = *p;
  size_t max = ctx->window + 2;
  zhfix_status st = ZHFIX_OK;

  while (nl && (size_t)(nl + 1 - s) <= max) {
    /* do_line() of a line that ends with LF alone, not in windows */
    size_t len = (size_t)(nl + 1 - s);
    bool batched = !ctx->auto_conv[0], direct = false;
    ctx->out.len = 0;
    ctx->linetext.len = 0;
    st = line_body(ctx, s, len - 1, &batched, &direct);
    if (batched && st == ZHFIX_OK && !ctx->batch_failed) {
      /* line_out() of a line in the batch, its terminator a byte */
      ctx->windowed = false;
      ctx->win_col = ctx->win_byte = 0;
      ctx->stats.lines++;
      ctx->line++;
      if (direct) {
        if (!zhfix__buf_add(&ctx->batch, s, len))
          return ZHFIX_ERR_NOMEM;
      } else if (ctx->batch.len < ctx->batch.cap) {
        ctx->batch.data[ctx->batch.len++] = '\n';
      } else if (!zhfix__buf_add(&ctx->batch, "\n", 1)) {
        return ZHFIX_ERR_NOMEM;
      }
      if (ctx->batch.len >= BATCH)
        st = flush_out(ctx);
    } else {
      st = line_out(ctx, s, len, len - 1, true, st, batched, direct, write, user);
    }
    if (st != ZHFIX_OK)
      break;
    s = nl + 1;
    nl = memchr(s, '\n', (size_t)(stop - s));
  }
  *p = s;
  return st;
}

/* Split buf[0, len) into lines (ending with LF, CRLF or a lone CR) and
 * process each; a line longer than the window is processed in windows. A CR
 * at the end of buf waits for the next byte (it may start a CRLF). */
static zhfix_status feed_utf8(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                              void *user)
{
  const char *p = buf, *end = buf + len, *nl, *cr;
  zhfix_status st;

  /* A CR kept from the last call ends its line, with this LF or alone. */
  if (p < end && ctx->pending.len && ctx->pending.data[ctx->pending.len - 1] == '\r') {
    bool lf = *p == '\n';
    if (lf && !zhfix__buf_add(&ctx->pending, p, 1))
      return ZHFIX_ERR_NOMEM;
    p += lf;
    st = line_in(ctx, ctx->pending.data, ctx->pending.len, true, write, user);
    ctx->pending.len = 0;
    if (st != ZHFIX_OK)
      return st;
  }
  /* (buf may be NULL when len is 0: memchr must not see it) */
  cr = p < end ? memchr(p, '\r', (size_t)(end - p)) : NULL;
  nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
  while (p < end && (nl || cr)) {
    const char *e; /* the line's last byte */
    size_t n;
    if (nl && (!cr || nl < cr) && !ctx->pending.len && !ctx->windowed &&
        ctx->converter != ZHFIX_CONVERTER_UNKNOWN && !ctx->ahead_lines.len) {
      st = plain_lines(ctx, &p, nl, cr ? cr : end, write, user);
      if (st != ZHFIX_OK)
        return st;
      /* (stopped before a CR, a long line or the end) */
      nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
      if (!(p < end && (nl || cr)))
        break;
    }
    if (cr && (!nl || cr < nl)) {
      if (cr + 1 == end)
        break; /* CR LF or a lone CR: the next call tells */
      e = cr[1] == '\n' ? cr + 1 : cr;
    } else {
      e = nl;
    }
    n = (size_t)(e + 1 - p);
    if (!ctx->pending.len && n <= ctx->window + 2) { /* (most lines) */
      st = line_in(ctx, p, n, true, write, user);
    } else if (ctx->pending.len) {
      if (!zhfix__buf_add(&ctx->pending, p, n))
        return ZHFIX_ERR_NOMEM;
      st = flush_windows(ctx, write, user);
      if (st == ZHFIX_OK)
        st = line_in(ctx, ctx->pending.data, ctx->pending.len, true, write, user);
      ctx->pending.len = 0;
    } else {
      const char *q = p;
      size_t m = n;
      st = cut_windows(ctx, &q, &m, write, user);
      if (st == ZHFIX_OK)
        st = line_in(ctx, q, m, true, write, user);
    }
    if (st != ZHFIX_OK)
      return st;
    p += n;
    if (cr && cr < p)
      cr = memchr(p, '\r', (size_t)(end - p));
    if (nl && nl < p)
      nl = memchr(p, '\n', (size_t)(end - p));
  }
  if (p < end && ctx->pending.len == 0) {
    size_t m = (size_t)(end - p);
    st = cut_windows(ctx, &p, &m, write, user);
    if (st != ZHFIX_OK)
      return st;
  }
  if (p < end && !zhfix__buf_add(&ctx->pending, p, (size_t)(end - p)))
    return ZHFIX_ERR_NOMEM;
  return flush_windows(ctx, write, user);
}

static zhfix_status finish(zhfix_ctx *ctx, zhfix_write_fn write, void *user);

zhfix_status zhfix_finish(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  if (!ctx || !write)
    return ZHFIX_ERR_ARG;
  batch_begin(ctx, write, user);
  return batch_end(ctx, finish(ctx, write, user));
}

static zhfix_status finish(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  zhfix_status st = ZHFIX_OK;

  if (ctx->doc_done) { /* an empty document */
    memset(&ctx->stats, 0, sizeof ctx->stats);
    ctx->doc_done = false;
  }
  if (ctx->in_cd != (iconv_t)-1 && ctx->in_pending.len) {
    st = decode_input(ctx, "", 0, true);
    if (st == ZHFIX_OK)
      st = feed_utf8(ctx, ctx->decoded.data, ctx->decoded.len, write, user);
  }
  if (st == ZHFIX_OK && ctx->pending.len)
    st = line_in(ctx, ctx->pending.data, ctx->pending.len,
                 ctx->pending.data[ctx->pending.len - 1] == '\r', write, user);
  if (st == ZHFIX_OK && ctx->ahead_lines.len)
    st = ahead_replay(ctx, write, user);
  if (st == ZHFIX_OK && ctx->auto_conv[0] && !ctx->conv && ctx->held.len) {
    ctx->linetext.len = 0;
    st = zhfix__auto_line(ctx, "", 0, true, write, user);
  }
  zhfix__auto_reset(ctx);
  ctx->pending.len = 0;
  ctx->windowed = false;
  ctx->punct_open = false;
  if (!ctx->converter_set)
    ctx->converter = ZHFIX_CONVERTER_UNKNOWN;
  ctx->converter_han[0] = ctx->converter_han[1] = 0;
  ctx->ahead.len = ctx->ahead_lines.len = 0;
  ctx->win_col = ctx->win_byte = 0;
  ctx->in_pending.len = 0;
  ctx->line = 0;
  ctx->doc_done = true;
  return st;
}

static int to_buf(void *user, const char *p, size_t n)
{
  return zhfix__buf_add(user, p, n) ? 0 : 1;
}

zhfix_status zhfix_process(zhfix_ctx *ctx, const char *in, size_t len, char **out,
                           size_t *out_len)
{
  struct zhfix__buf b = {0};
  zhfix_status st;

  if (!out || !out_len)
    return ZHFIX_ERR_ARG;
  *out = NULL;
  *out_len = 0;
  st = zhfix_feed(ctx, in, len, to_buf, &b);
  if (st == ZHFIX_OK)
    st = zhfix_finish(ctx, to_buf, &b);
  if (st == ZHFIX_OK && !zhfix__buf_add(&b, "", 1))
    st = ZHFIX_ERR_NOMEM;
  if (st != ZHFIX_OK) {
    zhfix__buf_free(&b);
    return st == ZHFIX_ERR_OUTPUT ? ZHFIX_ERR_NOMEM : st;
  }
  *out = b.data;
  *out_len = b.len - 1;
  return ZHFIX_OK;
}
