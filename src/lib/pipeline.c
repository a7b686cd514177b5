/* The pipeline over lines: split the input into lines, each line into valid
 * UTF-8 segments and the bytes between them (invalid UTF-8, NUL), repair each
 * segment (byte-shift resync, then ruby residue), convert it, write it. Bytes
 * between segments and line terminators are written unchanged. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Report a stage's edit through the user's callback, in input terms. */
static void report_edit(zhfix_ctx *ctx, const struct zhfix__edit *e)
{
  struct zhfix__buf after = {0};
  zhfix_change ch;
  size_t i;

  if (!ctx->change_fn)
    return;
  for (i = 0; i < e->nafter; i++)
    if (!zhfix__buf_add_cp(&after, e->after[i]))
      break;
  ch.line = ctx->line + 1;
  ch.column = ctx->seg_col + e->from + 1;
  ch.byte_offset = ctx->seg_byte + ctx->offsets[e->from];
  ch.kind = e->kind;
  ch.before = ctx->seg_bytes + ctx->offsets[e->from];
  ch.before_len = ctx->offsets[e->to] - ctx->offsets[e->from];
  ch.after = after.data ? after.data : "";
  ch.after_len = after.len;
  ch.margin = e->margin;
  ctx->change_fn(ctx->change_user, &ch);
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
  while (i < len) {
    size_t l = zhfix__utf8_decode(s + i, s + len, &cp);
    if (!zhfix__text_splice(&ctx->text, n, 0, &cp, 1, (uint32_t)n))
      return false;
    ctx->offsets[n++] = (uint32_t)i;
    i += l;
  }
  ctx->offsets[n] = (uint32_t)len;
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

/* Repair one valid UTF-8 segment; the result goes to ctx->seg. */
static zhfix_status repair(zhfix_ctx *ctx, const char *s, size_t len, uint64_t col, uint64_t byte)
{
  size_t i;

  ctx->seg.len = 0;
  if ((ctx->flags & ZHFIX_NO_REPAIR) || !may_need_repair(s, len))
    return zhfix__buf_add(&ctx->seg, s, len) ? ZHFIX_OK : ZHFIX_ERR_NOMEM;
  if (!load(ctx, s, len))
    return ZHFIX_ERR_NOMEM;
  ctx->seg_bytes = s;
  ctx->seg_col = col;
  ctx->seg_byte = byte;
  /* Byte-shift first: its runs are recognised by their resync byte and splice
   * marks, and the code page hypotheses would read them as other mojibake.
   * Ruby next, so annotations are gone before spans of Latin letters are read
   * as code page mojibake. */
  if (!zhfix__shift_repair(ctx, &ctx->text, report_edit) ||
      !zhfix__ruby_repair(ctx, &ctx->text, report_edit) ||
      !zhfix__mojibake_repair(ctx, &ctx->text, report_edit))
    return ZHFIX_ERR_NOMEM;
  for (i = 0; i < ctx->text.n; i++)
    if (!zhfix__buf_add_cp(&ctx->seg, ctx->text.cp[i]))
      return ZHFIX_ERR_NOMEM;
  return ZHFIX_OK;
}

/* Is s[0, len) valid UTF-8 (NUL allowed)? */
static bool valid_utf8(const char *s, size_t len)
{
  size_t i = 0, l;
  uint32_t cp;
  while (i < len && (l = zhfix__utf8_decode(s + i, s + len, &cp)) > 0)
    i += l;
  return i == len;
}

/* Report a repair of a whole line that was not UTF-8. */
static void report_raw(zhfix_ctx *ctx, const char *kind, const char *s, size_t len)
{
  zhfix_change ch;
  if (!ctx->change_fn)
    return;
  ch.line = ctx->line + 1;
  ch.column = 1;
  ch.byte_offset = 0;
  ch.kind = kind;
  ch.before = s;
  ch.before_len = len;
  ch.after = ctx->rawline.data;
  ch.after_len = ctx->rawline.len;
  ch.margin = 0;
  ctx->change_fn(ctx->change_user, &ch);
}

/* Process one line without its terminator; append the result to ctx->out. */
static zhfix_status process_line(zhfix_ctx *ctx, const char *s, size_t len)
{
  size_t i = 0;
  uint64_t col = 0;

  /* A line that is not UTF-8 may be claimed whole by a repair (a cut UTF-8
   * character, a legacy code page); otherwise its invalid bytes pass through. */
  if (!(ctx->flags & ZHFIX_NO_REPAIR) && !valid_utf8(s, len)) {
    const char *kind = zhfix__raw_repair(ctx, s, len, &ctx->rawline);
    if (kind) {
      report_raw(ctx, kind, s, len);
      s = ctx->rawline.data;
      len = ctx->rawline.len;
    }
  }

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
    /* Bytes that are not valid UTF-8, and NUL, pass through as they are. */
    start = i;
    while (i < len && (s[i] == '\0' || zhfix__utf8_decode(s + i, s + len, &cp) == 0)) {
      i++;
      col++;
    }
    if (i > start && !zhfix__buf_add(&ctx->out, s + start, i - start))
      return ZHFIX_ERR_NOMEM;
  }
  return ZHFIX_OK;
}

/* Process s[0, len), which ends with its terminator if term is set. */
static zhfix_status do_line(zhfix_ctx *ctx, const char *s, size_t len, bool term,
                            zhfix_write_fn write, void *user)
{
  size_t body = len, tl;
  zhfix_status st;

  if (term) {
    body--;
    if (body > 0 && s[body - 1] == '\r')
      body--;
  }
  tl = len - body;
  ctx->out.len = 0;
  st = process_line(ctx, s, body);
  if (st != ZHFIX_OK)
    return st;
  if (!zhfix__buf_add(&ctx->out, s + body, tl))
    return ZHFIX_ERR_NOMEM;
  if (term)
    ctx->line++;
  if (ctx->out.len && write(user, ctx->out.data, ctx->out.len) != 0)
    return zhfix__fail(ctx, ZHFIX_ERR_OUTPUT, "write failed");
  return ZHFIX_OK;
}

zhfix_status zhfix_feed(zhfix_ctx *ctx, const char *buf, size_t len, zhfix_write_fn write,
                        void *user)
{
  const char *p = buf, *end = buf + len, *nl;
  zhfix_status st;

  if (!ctx || !write || (!buf && len))
    return ZHFIX_ERR_ARG;
  while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    size_t n = (size_t)(nl + 1 - p);
    if (ctx->pending.len) {
      if (!zhfix__buf_add(&ctx->pending, p, n))
        return ZHFIX_ERR_NOMEM;
      st = do_line(ctx, ctx->pending.data, ctx->pending.len, true, write, user);
      ctx->pending.len = 0;
    } else {
      st = do_line(ctx, p, n, true, write, user);
    }
    if (st != ZHFIX_OK)
      return st;
    p += n;
  }
  if (p < end && !zhfix__buf_add(&ctx->pending, p, (size_t)(end - p)))
    return ZHFIX_ERR_NOMEM;
  return ZHFIX_OK;
}

zhfix_status zhfix_finish(zhfix_ctx *ctx, zhfix_write_fn write, void *user)
{
  zhfix_status st = ZHFIX_OK;

  if (!ctx || !write)
    return ZHFIX_ERR_ARG;
  if (ctx->pending.len)
    st = do_line(ctx, ctx->pending.data, ctx->pending.len, false, write, user);
  ctx->pending.len = 0;
  ctx->line = 0;
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
