/* Mojibake: text that is bytes B decoded with the wrong code page D, where B
 * were really in code page E (UTF-8 read as GBK: 鍙傛暟; GBK read as Latin-1 or
 * cp1252: ÖÐÎÄ; UTF-8 read as cp1252: ä¸­æ–‡; Big5 or Shift-JIS read as GBK).
 *
 * For each hypothesis (D, E) the stage takes the maximal spans of the line that
 * D can encode (for the single-byte code pages, ASCII included, because GBK
 * trail bytes are ASCII; for the CJK ones, runs of non-ASCII characters), encodes
 * each exactly back to B with D, and decodes B strictly with E. Candidates over
 * the same span compete; the best replaces the span only if the language model
 * prefers it by a margin per character (design.md section 3). Spans repaired
 * in one pass may hide another layer (double encoding), so the stage runs again
 * on its own output, at most LAYERS times.
 *
 * Also here: numeric character references (&#x7CFB;) for CJK text, and RFC 2047
 * encoded words split inside a character, undone before the code page layers;
 * `锟斤拷` runs (U+FFFD read through GBK) taken back to U+FFFD; and memory fill
 * (烫烫烫烫, 屯屯屯屯) glued to the end of a field removed. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>

#include "internal.h"

#define LAYERS 3         /* repair passes: mojibake of mojibake */
#define MIN_HIGH 2       /* non-ASCII characters a span needs to be a candidate */
#define MARGIN 1.0       /* nats per candidate character the repair must win by */
#define MAX_SPAN 4096    /* code points; longer spans are taken in pieces (span_piece()) */
#define SUSPECT_SHARE 0.15 /* of a CJK span's characters odd enough to try it as mojibake */
#define FILL_RUN 4       /* memory fill: this many identical 烫 or 屯 at least */
#define OUT_OF_MEMORY -2.0 /* from decoded_cost(): an allocation failed */
#define RAW_MAX_COST 9.0 /* nats per character: a line decoded from raw bytes must read as text */

struct hypothesis {
  enum zhfix__codec d, e; /* read as d, really e */
  double prior;           /* nats per candidate character: rarer damage costs more */
  size_t min_span;        /* code points: a shorter span is not evidence enough */
};

/* UTF-8 and GBK sources first: they are the common ones (design.md section 1).
 * "cp1252" here is the sloppy single-byte reading that covers Latin-1 too: every
 * byte 00-FF as the code point of the same number (Latin-1, C1 controls for
 * 80-9F), except that cp1252's own characters for 80-9F are also read back as
 * their bytes; the two never collide, so one encoder serves both.
 * CJK read as another CJK code page decodes to plausible Chinese by chance
 * (5 of 20 clean sentences re-encoded as GB18030 are valid Big5), so those
 * hypotheses need longer spans and a higher margin. */
static const struct hypothesis hypotheses[] = {
  {ZHFIX__CP1252, ZHFIX__UTF8, 0, 2},    {ZHFIX__GB18030, ZHFIX__UTF8, 0, 2},
  {ZHFIX__CP1252, ZHFIX__GB18030, 0, 2}, {ZHFIX__GB18030, ZHFIX__BIG5, 1.0, 4},
  {ZHFIX__BIG5, ZHFIX__GB18030, 1.0, 4}, {ZHFIX__GB18030, ZHFIX__SJIS, 1.0, 4},
  {ZHFIX__BIG5, ZHFIX__UTF8, 0.5, 2},    {ZHFIX__CP1252, ZHFIX__BIG5, 0.5, 2},
  /* UTF-8 of other languages read as other single-byte code pages */
  {ZHFIX__CP1251, ZHFIX__UTF8, 0, 2},    {ZHFIX__CP1250, ZHFIX__UTF8, 0, 2},
  {ZHFIX__MACROMAN, ZHFIX__UTF8, 0, 2},  {ZHFIX__CP437, ZHFIX__UTF8, 0, 2},
};

static bool kana(uint32_t c)
{
  return c >= 0x3040 && c <= 0x30FF;
}

/* A character the true text of a CJK-read-as-CJK span may hold: Han, kana,
 * CJK and fullwidth punctuation, ASCII. Pinyin letters, box drawing and other
 * symbols are what a wrong decode of CJK bytes produces. */
static bool cjk_text_char(uint32_t c)
{
  return c < 0x80 || zhfix__is_han(c) || (c >= 0x3000 && c <= 0x30FF) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x2010 && c <= 0x203B) ||
         (c >= 0x2103 && c <= 0x2109) /* ℃ ℉ */ || (c >= 0x2160 && c <= 0x217F) /* Ⅻ */ ||
         (c >= 0x2460 && c <= 0x249B) /* ① ⑴ ⒈ */ || c == 0xB0 || c == 0xB7 || c == 0xD7 ||
         c == 0xF7;
}

static bool single_byte(enum zhfix__codec d)
{
  return d == ZHFIX__CP1252 || d == ZHFIX__CP1251 || d == ZHFIX__CP1250 ||
         d == ZHFIX__MACROMAN || d == ZHFIX__CP437 || d == ZHFIX__CP1257 || d == ZHFIX__LATIN2;
}

/* The other single-byte code pages, read sloppily as cp1252 is: a byte the
 * code page leaves undefined stands for the code point of its number. Built
 * once from ICU's converters. */
struct page {
  uint16_t cp[256];      /* character of each byte */
  uint8_t byte[0x10000]; /* byte of each BMP character (0: none; ASCII is itself) */
};

static struct page pages[ZHFIX__NCODECS];
static pthread_once_t pages_once = PTHREAD_ONCE_INIT;

static void pages_build(void)
{
  static const enum zhfix__codec which[] = {ZHFIX__CP1251, ZHFIX__CP1250, ZHFIX__MACROMAN,
                                           ZHFIX__CP437,  ZHFIX__CP1257, ZHFIX__LATIN2};
  struct zhfix__codecs c;
  size_t w;
  unsigned b;

  memset(&c, 0, sizeof c);
  if (!zhfix__codecs_open(&c)) {
    zhfix__codecs_close(&c);
    return;
  }
  for (w = 0; w < sizeof which / sizeof *which; w++) {
    struct page *p = &pages[which[w]];
    for (b = 0; b < 256; b++) {
      char byte = (char)b;
      uint32_t cp;
      p->cp[b] = zhfix__decode(&c, which[w], &byte, 1, &cp, 1) == 1 && cp < 0x10000
                     ? (uint16_t)cp : (uint16_t)b;
      if (b >= 0x80 && p->cp[b] >= 0x80 && !p->byte[p->cp[b]])
        p->byte[p->cp[b]] = (uint8_t)b;
    }
  }
  zhfix__codecs_close(&c);
  free(c.u);
}

/* Can code page d hold character c (cheap test before the exact encode)? */
static int sloppy_1252(uint32_t c);

/* The byte a character stands for when bytes were read as the single-byte
 * code page d (for cp1252: or Latin-1, see hypotheses[]), or -1. */
static int sloppy_byte(enum zhfix__codec d, uint32_t c)
{
  if (d == ZHFIX__CP1252)
    return sloppy_1252(c);
  if (c < 0x80)
    return (int)c;
  if (c >= 0x10000)
    return -1;
  pthread_once(&pages_once, pages_build);
  return pages[d].byte[c] ? pages[d].byte[c] : -1;
}

static int sloppy_1252(uint32_t c)
{
  /* cp1252's characters for bytes 80-9F */
  static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  };
  int i;

  if (c <= 0xFF)
    return (int)c;
  if (c > 0x2122) /* ™, the last of them */
    return -1;
  for (i = 0; i < 32; i++)
    if (c == cp1252_high[i])
      return 0x80 + i;
  return -1;
}

static bool span_char(enum zhfix__codec d, uint32_t c)
{
  if (single_byte(d))
    return sloppy_byte(d, c) >= 0;
  /* CJK code pages: non-ASCII characters, and the ASCII digits, spaces and
   * punctuation between them (bytes both code pages read alike). */
  return c >= 0x80 || (c >= 0x20 && !zhfix__is_ascii_alpha(c));
}

bool zhfix__mojibake_span_char(enum zhfix__codec d, uint32_t c)
{
  return span_char(d, c);
}

int zhfix__mojibake_sloppy_byte(enum zhfix__codec d, uint32_t c)
{
  return sloppy_byte(d, c);
}

struct cand {
  size_t from, to;   /* span [from, to) of the text */
  uint32_t *cp;      /* replacement (malloc'd) */
  size_t n;
  double gain, margin;
  const char *kind;
  size_t hyp;        /* index in hypotheses[] */
};

/* Report and apply a replacement of t->cp[from, to). */
static bool apply(zhfix_ctx *ctx, struct zhfix__text *t, size_t from, size_t to,
                  const uint32_t *cp, size_t n, const char *kind, double margin,
                  zhfix__edit_fn report)
{
  struct zhfix__edit ed;
  ed.from = t->src[from];
  ed.to = t->src[to - 1] + 1;
  ed.kind = kind;
  ed.margin = margin;
  ed.after = cp;
  ed.nafter = n;
  report(ctx, &ed);
  return zhfix__text_splice(t, from, to - from, cp, n, t->src[from]);
}

static size_t han_count(const uint32_t *cp, size_t n)
{
  size_t i, k = 0;
  for (i = 0; i < n; i++)
    k += zhfix__is_han(cp[i]);
  return k;
}

/* Length of a truncated UTF-8 sequence at p: a lead byte and fewer
 * continuation bytes than it needs, then the end or a byte that continues
 * nothing. 0 if there is none. */
static size_t truncated_at(const unsigned char *p, const unsigned char *end)
{
  size_t need, i;
  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    need = 2;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    need = 3;
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    need = 4;
  else
    return 0;
  for (i = 1; i < need && p + i < end && (p[i] & 0xC0) == 0x80; i++)
    ;
  return i < need && (p + i == end || (p[i] & 0xC0) != 0x80) ? i : 0;
}

/* UTF-8 that lost bytes, decoded with ONE U+FFFD per character that lost a
 * byte: a truncated sequence, or a run of continuation bytes whose lead was
 * lost. holes[0, nholes) are sorted byte offsets where a byte is known to be
 * missing (a U+FFFD the first decoder left); a hole inside or before a damaged
 * character merges into its U+FFFD, a hole between whole characters stays a
 * U+FFFD of its own. Returns the count, or (size_t)-1 on bytes that are no
 * UTF-8 at all (C0, C1, F5-FF). *nlost receives the number of U+FFFD. */
static size_t utf8_lossy(const unsigned char *b, size_t n, const size_t *holes, size_t nholes,
                         uint32_t *out, size_t *nlost)
{
  size_t i = 0, h = 0, k = 0, l;

  *nlost = 0;
  while (i < n || h < nholes) {
    size_t end = h < nholes ? holes[h] : n;
    if (h < nholes && holes[h] == i) {
      h++;
      while (i < n && (b[i] & 0xC0) == 0x80 && (h == nholes || i < holes[h]))
        i++; /* the hole was a lead byte: its continuations go with it */
    } else if ((l = zhfix__utf8_decode((const char *)b + i, (const char *)b + end, &out[k])) > 0) {
      k++;
      i += l;
      continue;
    } else if ((l = truncated_at(b + i, b + end)) > 0) {
      size_t need = b[i] >= 0xF0 ? 4 : b[i] >= 0xE0 ? 3 : 2;
      i += l;
      if (h < nholes && holes[h] == i) {
        h++; /* the lost byte was this character's: so are its other continuations */
        for (l++; l < need && i < n && (b[i] & 0xC0) == 0x80 && (h == nholes || i < holes[h]); l++)
          i++;
      }
    } else if ((b[i] & 0xC0) == 0x80) {
      while (i < end && (b[i] & 0xC0) == 0x80)
        i++;
    } else {
      return (size_t)-1;
    }
    out[k++] = 0xFFFD;
    (*nlost)++;
  }
  return k;
}

/* No control characters (C0 but tab, C1) in cp[0, n): a decode that makes
 * them is no text. */
static bool no_controls(const uint32_t *cp, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if ((cp[i] < 0x20 && cp[i] != '\t') || (cp[i] >= 0x7F && cp[i] < 0xA0))
      return false;
  return true;
}

/* Text of the languages that the other single-byte code pages serve: letters
 * of Latin-1, Latin Extended-A (not ſ), Greek, Cyrillic; common punctuation
 * and symbols, emoji. A decode to rarer letters (ſ, Extended-B, IPA) or to
 * anything else is not taken from a code page this far from cp1252. */
static bool plain_text(const uint32_t *cp, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    uint32_t c = cp[i];
    if (c < 0x17F || (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x4FF) ||
        (c >= 0x2010 && c <= 0x206F) || (c >= 0x2190 && c <= 0x2BFF) || c >= 0x1F000)
      continue;
    return false;
  }
  return true;
}

/* Encode cp[0, n) exactly with d into out (replacing its contents). */
static bool encode_cps(zhfix_ctx *ctx, enum zhfix__codec d, const uint32_t *cp, size_t n,
                       struct zhfix__buf *out)
{
  size_t k;
  if (!single_byte(d))
    return zhfix__encode(&ctx->codecs, d, cp, n, out);
  out->len = 0;
  for (k = 0; k < n; k++) {
    int b = sloppy_byte(d, cp[k]);
    unsigned char byte = (unsigned char)b;
    if (b < 0)
      return false;
    if (!zhfix__buf_add(out, &byte, 1))
      return !(ctx->codecs.oom = true);
  }
  return true;
}

/* While cp[0, *n) has no Han and is UTF-8 read as d again, decode that layer
 * too (at most LAYERS - 1 more). False on out of memory only. */
static bool peel(zhfix_ctx *ctx, enum zhfix__codec d, uint32_t *cp, size_t *n)
{
  struct zhfix__buf bytes = {0};
  int layer;
  bool ok = true;

  for (layer = 1; layer < LAYERS && han_count(cp, *n) == 0; layer++) {
    size_t m;
    if (!encode_cps(ctx, d, cp, *n, &bytes))
      break;
    m = zhfix__decode(&ctx->codecs, ZHFIX__UTF8, bytes.data, bytes.len, cp, *n);
    if (m == (size_t)-1)
      break;
    *n = m;
  }
  zhfix__buf_free(&bytes);
  return ok;
}

/* The bytes of each BMP character in GB18030 and in Big5 (0 and 1 of the
 * first index), as zhfix__encode() writes them, packed first byte highest
 * (0: not asked yet; NO_BYTES: it has none), learnt on first use. Both
 * converters are stateless and map one character to one byte sequence, so a
 * span encodes to the concatenation of its characters' bytes, or not at all
 * if one of them has none. Read by the trials of zhfix__mojibake_cjk_quiet(),
 * which meet the same few thousand characters over and over; shared by all
 * threads (each entry is written whole, and always with the same value). */
#define NO_BYTES 0xFFFFFFFFu
static _Atomic uint32_t cjk_bytes[2][0x10000];

/* Encode t->cp[from, to) with d (GB18030 or Big5) into bytes from
 * cjk_bytes[]: 1 done, 0 not exactly d, -1 not known here (a character
 * outside the BMP, NUL, U+FFFD; a sequence the packing cannot hold; out of
 * memory): encode_span() then. */
static int encode_known(zhfix_ctx *ctx, const struct zhfix__text *t, size_t from, size_t to,
                        enum zhfix__codec d, struct zhfix__buf *bytes)
{
  _Atomic uint32_t *known = cjk_bytes[d == ZHFIX__BIG5];
  size_t i;

  bytes->len = 0;
  if (!zhfix__buf_reserve(bytes, 4 * (to - from)))
    return -1;
  for (i = from; i < to; i++) {
    uint32_t c = t->cp[i], v;
    unsigned char *out = (unsigned char *)bytes->data + bytes->len;
    if (c == 0 || c >= 0x10000 || c == 0xFFFD)
      return -1;
    v = atomic_load_explicit(&known[c], memory_order_relaxed);
    if (v == 0) { /* (first use: zhfix__encode() on its own) */
      struct zhfix__buf one = {0};
      size_t k;
      if (zhfix__encode(&ctx->codecs, d, &c, 1, &one)) {
        for (k = 0; k < one.len; k++)
          v = v << 8 | (unsigned char)one.data[k];
        if (one.len == 0 || one.len > 4 || (unsigned char)one.data[0] == 0 || v == NO_BYTES)
          v = 0;
      } else {
        v = ctx->codecs.oom ? 0 : NO_BYTES;
      }
      zhfix__buf_free(&one);
      if (v == 0)
        return -1;
      atomic_store_explicit(&known[c], v, memory_order_relaxed);
    }
    if (v == NO_BYTES)
      return 0;
    if (v > 0xFFFFFF)
      *out++ = (unsigned char)(v >> 24);
    if (v > 0xFFFF)
      *out++ = (unsigned char)(v >> 16);
    if (v > 0xFF)
      *out++ = (unsigned char)(v >> 8);
    *out++ = (unsigned char)v;
    bytes->len = (size_t)(out - (unsigned char *)bytes->data);
  }
  return 1;
}

/* Encode t->cp[from, to) with d into bytes; each U+FFFD (a byte the first
 * decoder could not read) becomes a hole, recorded in holes. */
static bool encode_span(zhfix_ctx *ctx, const struct zhfix__text *t, size_t from, size_t to,
                        enum zhfix__codec d, struct zhfix__buf *bytes, size_t *holes,
                        size_t *nholes)
{
  struct zhfix__buf piece = {0};
  size_t i = from, j;
  bool ok = true;

  bytes->len = 0;
  *nholes = 0;
  for (j = from; j < to && t->cp[j] != 0xFFFD; j++)
    ;
  if (j == to) /* (no hole: the usual span) */
    return encode_cps(ctx, d, t->cp + from, to - from, bytes);
  while (ok && i < to) {
    for (j = i; j < to && t->cp[j] != 0xFFFD; j++)
      ;
    if (j > i) {
      ok = encode_cps(ctx, d, t->cp + i, j - i, &piece);
      if (ok && !zhfix__buf_add(bytes, piece.data, piece.len))
        ok = !(ctx->codecs.oom = true);
    }
    if (ok && j < to)
      holes[(*nholes)++] = bytes->len;
    i = j + (j < to);
  }
  zhfix__buf_free(&piece);
  return ok;
}

/* The best hypothesis for span [from, to) of t, into *best (best->cp NULL: none);
 * with first set, the first that qualifies (is there one?). */
static bool best_for_span(zhfix_ctx *ctx, const struct zhfix__text *t, size_t from, size_t to,
                          enum zhfix__codec d, const bool *seen, bool first, struct cand *best)
{
  struct zhfix__buf *bytes = &ctx->scratch;
  uint32_t prev = from ? t->cp[from - 1] : 0, next = to < t->n ? t->cp[to] : 0;
  uint32_t *cp = NULL; /* a decode, kept for the next hypothesis unless taken */
  double orig = -1;
  size_t h, nholes, few[64], *holes = to - from <= 64 ? few : malloc((to - from) * sizeof *holes);
  bool ok = true;
  int known;

  if (!holes)
    return false;
  /* (the trials read GB18030 and Big5 bytes from what is known) */
  known = first && (d == ZHFIX__GB18030 || d == ZHFIX__BIG5)
              ? encode_known(ctx, t, from, to, d, bytes)
              : -1;
  if (known == 0 || (known < 0 && !encode_span(ctx, t, from, to, d, bytes, holes, &nholes)))
    goto out; /* not exactly D: not this hypothesis */
  if (known > 0)
    nholes = 0;
  for (h = 0; h < sizeof hypotheses / sizeof *hypotheses; h++) {
    const struct hypothesis *hy = &hypotheses[h];
    size_t n = (size_t)-1, k, lost = 0;
    double gain;
    bool latin;

    if (hy->d != d || (!seen[h] && to - from < hy->min_span) || (nholes && hy->e != ZHFIX__UTF8))
      continue;
    if (!cp && !(cp = malloc((bytes->len + nholes + 1) * sizeof *cp))) {
      ok = false;
      goto out;
    }
    /* (UTF-8 is read by utf8_lossy() alone: on valid bytes it decodes them
     * as zhfix__decode() does, with nothing lost) */
    if (!nholes && hy->e != ZHFIX__UTF8)
      n = zhfix__decode(&ctx->codecs, hy->e, bytes->data, bytes->len, cp, bytes->len + 1);
    /* UTF-8 that lost bytes on the way: structured loss, one U+FFFD per lost character. */
    if (n == (size_t)-1 && hy->e == ZHFIX__UTF8)
      n = utf8_lossy((const unsigned char *)bytes->data, bytes->len, holes, nholes, cp, &lost);
    /* Double encoding: a result with no Han that reads as the same damage
     * again is peeled once more, and judged by what comes out last. */
    if (n != (size_t)-1 && !lost && single_byte(d) && hy->e == ZHFIX__UTF8 &&
        !peel(ctx, d, cp, &n)) {
      ok = false;
      goto out;
    }
    /* The true text has Han in it (unless the line already showed this damage),
     * keeps more than it lost, and differs from what we see. */
    /* Bytes read as one of the single-byte code pages must give two Han
     * characters at least: one pair of Latin-1 signs ([x] ©) often does. */
    /* Relaxed (seen) or not, a loss the span does not already show (a hole)
     * needs full evidence: reading bytes as lost is itself a guess. */
    /* UTF-8 of other languages read as cp1252 (ÄŒeÅ¡tina): exact, no Han, and
     * shorter by two characters at least, is judged by the model alone. */
    latin = n != (size_t)-1 && single_byte(d) && hy->e == ZHFIX__UTF8 && !lost &&
            n + 2 <= to - from && han_count(cp, n) == 0 && no_controls(cp, n) &&
            (d == ZHFIX__CP1252 || plain_text(cp, n));
    if (n == (size_t)-1 || n == 0 ||
        ((!seen[h] || (lost && !nholes)) && !latin &&
         (2 * lost > n || han_count(cp, n) < (lost || single_byte(d) ? 2 : 1))) ||
        (n == to - from && memcmp(cp, t->cp + from, n * sizeof *cp) == 0))
      continue;
    for (k = 0; k < n && (single_byte(d) || (cjk_text_char(cp[k]) && (hy->e == ZHFIX__SJIS ||
                                                                       !kana(cp[k]))) ||
                          cp[k] == 0xFFFD); k++)
      ;
    if (k < n)
      continue;
    if (orig < 0)
      orig = zhfix__lm_cost(prev, t->cp + from, to - from, next);
    gain = orig - zhfix__lm_cost(prev, cp, n, next) - hy->prior * (double)n;
    /* Damage is consistent along a line: where this hypothesis was already
     * accepted, a short span needs only to read better, by any margin. */
    if (gain / (double)n >= (seen[h] && (!lost || nholes) ? 0 : MARGIN) && gain > 0 &&
        (!best->cp || gain > best->gain)) {
      free(best->cp);
      best->from = from;
      best->to = to;
      best->cp = cp;
      best->n = n;
      best->gain = gain;
      best->margin = gain / (double)n;
      best->kind = lost ? "mojibake-lossy" : "mojibake";
      best->hyp = h;
      cp = NULL;
      if (first)
        break;
    }
  }
out:
  free(cp);
  if (holes != few)
    free(holes);
  return ok;
}

/* Does the CJK span t->cp[from, to) look like bytes read with the wrong CJK
 * code page? Such text is full of rare characters, private-use characters and
 * stray letters of other scripts (Cyrillic, kana, box drawing), where clean
 * text has few: at least a share SUSPECT_SHARE of its non-ASCII characters. A
 * cheap gate, so clean text costs no encoding and decoding. */
/* Per BMP character, what looks_misread() counts: 0 not known yet, 1 not
 * odd, 2 odd (the language model's rarity is a search; text repeats its
 * characters). Shared by all threads, each entry written whole. */
static _Atomic uint8_t odd_known[0x10000];

static bool odd_char(uint32_t c)
{
  unsigned v = c < 0x10000 ? atomic_load_explicit(&odd_known[c], memory_order_relaxed) : 0;
  if (v == 0) {
    v = 1 + (zhfix__is_han(c) ? zhfix__lm_is_rare(c)
                              : c != 0xFFFD && !(c >= 0x3000 && c <= 0x303F) &&
                                    !(c >= 0xFF00 && c <= 0xFFEF) && !(c >= 0x2010 && c <= 0x2027));
    if (c < 0x10000)
      atomic_store_explicit(&odd_known[c], (uint8_t)v, memory_order_relaxed);
  }
  return v == 2;
}

static bool looks_misread(const struct zhfix__text *t, size_t from, size_t to)
{
  size_t i, high = 0, odd = 0, left;
  double need;
  for (i = from; i < to; i++)
    high += t->cp[i] >= 0x80;
  need = SUSPECT_SHARE * (double)high;
  /* (counted until the share is reached, or out of reach) */
  for (i = from, left = high; i < to; i++) {
    uint32_t c = t->cp[i];
    if (c < 0x80)
      continue;
    left--;
    odd += odd_char(c);
    if (odd > 0 && (double)odd >= need)
      return true;
    if ((double)(odd + left) < need)
      return false;
  }
  return false;
}

/* Has the line shown a hypothesis that reads bytes as d? */
static bool seen_from(const bool *seen, enum zhfix__codec d)
{
  size_t h;
  for (h = 0; h < sizeof hypotheses / sizeof *hypotheses; h++)
    if (seen[h] && hypotheses[h].d == d)
      return true;
  return false;
}

/* Where the first piece of the span [i, j), read as code page d, ends: j if
 * the span is at most MAX_SPAN long; else after its last character below
 * U+0040 (a space, digit or ASCII sign, one byte in every code page and a
 * character boundary in every encoding a span is read back into: UTF-8,
 * GBK/GB18030 and Big5 trail bytes are 0x40 or more) within MAX_SPAN; with
 * none and a single-byte d, before its last byte in the second half of
 * MAX_SPAN that leads a UTF-8 character; i if neither. */
static size_t span_piece(const struct zhfix__text *t, size_t i, size_t j, enum zhfix__codec d)
{
  size_t k;
  if (j - i <= MAX_SPAN)
    return j;
  for (k = i + MAX_SPAN; k > i; k--)
    if (t->cp[k - 1] < 0x40)
      return k;
  if (single_byte(d))
    for (k = i + MAX_SPAN; k > i + MAX_SPAN / 2; k--) {
      unsigned b = sloppy_byte(d, t->cp[k]);
      if (b >= 0xC2 && b <= 0xF4)
        return k;
    }
  return i;
}

/* The span of code page d that starts at t->cp[*i], as the code page
 * hypotheses cut them (span_char(), span_piece(); CJK spans start and end
 * with non-ASCII): true with its end in *j and its high characters in
 * *high; else false, with *i moved on past where no span starts. Single-byte
 * sources need Latin-1 letters or signs (A1-FF) as high characters: cp1252's
 * own punctuation alone (——, “”) is just text, and so are no-break spaces
 * (web pages indent paragraphs with them: four of them are not GBK's 牋牋). */
static inline bool span_at(const struct zhfix__text *t, enum zhfix__codec d, size_t *i, size_t *j,
                    size_t *high)
{
  size_t a = *i, b, k;

  if (!span_char(d, t->cp[a]) || (!single_byte(d) && t->cp[a] < 0x80)) {
    *i = a + 1;
    return false;
  }
  for (b = a; b < t->n && span_char(d, t->cp[b]); b++)
    ;
  while (!single_byte(d) && b > a && t->cp[b - 1] < 0x80)
    b--;
  if ((k = span_piece(t, a, b, d)) == a) {
    *i = b > a ? b : a + 1;
    return false;
  }
  *j = k;
  *high = 0;
  for (k = a; k < *j; k++)
    *high += t->cp[k] != 0xA0 &&
             (d == ZHFIX__CP1252 ? t->cp[k] >= 0xA0 && t->cp[k] <= 0xFF : t->cp[k] >= 0x80);
  return true;
}

/* The spans of t read as code page d, each replaced by its best hypothesis
 * (reported). Sets *changed. With report NULL nothing is replaced: *changed
 * tells that some span has a candidate. False on out of memory only. */
static bool source_pass(zhfix_ctx *ctx, struct zhfix__text *t, enum zhfix__codec d,
                        zhfix__edit_fn report, bool *seen, bool *changed)
{
  size_t i, j, high;

  for (i = 0; i < t->n;) {
    struct cand best = {0};
    if (!span_at(t, d, &i, &j, &high))
      continue;
    if (high >= (seen_from(seen, d) ? 1 : MIN_HIGH) &&
        (single_byte(d) || seen_from(seen, d) || looks_misread(t, i, j)) &&
        !best_for_span(ctx, t, i, j, d, seen, false, &best))
      return false;
    if (best.cp && !report) {
      free(best.cp);
      *changed = true;
      return true;
    }
    if (best.cp) {
      bool ok = apply(ctx, t, best.from, best.to, best.cp, best.n, best.kind, best.margin,
                      report);
      seen[best.hyp] = true;
      j = best.from + best.n;
      free(best.cp);
      if (!ok)
        return false;
      *changed = true;
    }
    i = j;
  }
  return true;
}

/* One pass of the code page hypotheses over the line. Sets *changed. */
static bool codepage_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report,
                          bool *seen, bool *changed)
{
  static const enum zhfix__codec sources[] = {ZHFIX__CP1252, ZHFIX__CP1251, ZHFIX__CP1250,
                                              ZHFIX__MACROMAN, ZHFIX__CP437, ZHFIX__GB18030,
                                              ZHFIX__BIG5};
  size_t s;

  *changed = false;
  for (s = 0; s < sizeof sources / sizeof *sources; s++)
    if (!source_pass(ctx, t, sources[s], report, seen, changed))
      return false;
  return true;
}

int zhfix__mojibake_cjk_quiet(zhfix_ctx *ctx, struct zhfix__text *t)
{
  static const enum zhfix__codec sources[] = {ZHFIX__GB18030, ZHFIX__BIG5};
  bool seen[sizeof hypotheses / sizeof *hypotheses] = {false};
  size_t i, j, high, s;

  /* source_pass() with each of the two, but in one walk: both read the same
   * spans (span_char(), span_piece() are the same for all CJK code pages),
   * the line has shown no hypothesis (seen[]), and the first candidate
   * answers. */
  for (i = 0; i < t->n;) {
    if (!span_at(t, ZHFIX__GB18030, &i, &j, &high))
      continue;
    if (high >= MIN_HIGH && looks_misread(t, i, j))
      for (s = 0; s < sizeof sources / sizeof *sources; s++) {
        struct cand best = {0};
        if (!best_for_span(ctx, t, i, j, sources[s], seen, true, &best))
          return -1;
        if (best.cp) {
          free(best.cp);
          return 0;
        }
      }
    i = j;
  }
  return ctx->codecs.oom ? -1 : 1;
}

/* ---- UTF-8 of any alphabet read as a single-byte code page ---- */

/* Latin, Greek, Cyrillic, Hebrew, Arabic, Indic, Thai... text in UTF-8 read as
 * a single-byte code page (rÃ©gime, Ð±ÑŠÐ», wei√ü, ×‘×”×•), as a whole or in
 * places, with the usual losses on the way: the NBSP byte A0 turned into a
 * space (Ã perturber), bytes lost to U+FFFD or, in cp1252, to '?' (â€?),
 * surrogate pairs encoded one by one (CESU-8: í ½í¸). Each candidate is the
 * span's bytes decoded as UTF-8; it replaces the span when it is less odd by
 * zhfix__badness() plus the byte-shape evidence below. Candidates that decode
 * to Han or kana are left to the code page hypotheses and the language model.
 *
 * Trigger characters for a clean-text pre-filter: see latin_worth(). */

/* Code pages UTF-8 is read as, most common first (cp1252 covers Latin-1). */
static const enum zhfix__codec latin_pages[] = {ZHFIX__CP1252, ZHFIX__CP1251, ZHFIX__CP1250,
                                                ZHFIX__LATIN2, ZHFIX__CP1257, ZHFIX__MACROMAN,
                                                ZHFIX__CP437};

/* Per BMP character, per code page p of latin_pages: bit p when the character
 * stands for a UTF-8 lead byte (C2-F4), bit 8 + p when for a continuation
 * byte (80-BF; U+FFFD too, a byte that was lost), bit 16 + p when for a lead
 * byte a space may follow as A0 (see seq_at()), bit 24 + p when the code page
 * has it at all. Built once; a line with no lead before a continuation costs
 * one lookup per character. */
#define LEAD(p) (1u << (p))
#define CONT(p) (0x100u << (p))
#define SPACE_LEAD(p) (0x10000u << (p))
#define IN_PAGE(p) (0x1000000u << (p))
static uint32_t latin_mask[0x10000];
static pthread_once_t latin_once = PTHREAD_ONCE_INIT;

static void latin_mark(size_t p, uint32_t c)
{
  int b = sloppy_byte(latin_pages[p], c);
  if (b < 0 && c != 0xFFFD)
    return;
  latin_mask[c] |= IN_PAGE(p);
  if (b >= 0xC2 && b <= 0xF4)
    latin_mask[c] |= LEAD(p);
  if ((b >= 0x80 && b <= 0xBF) || c == 0xFFFD || (c == '?' && latin_pages[p] == ZHFIX__CP1252))
    latin_mask[c] |= CONT(p);
  if (b == 0xC2 || b == 0xC3 || b == 0xC5 || b == 0xCE || b == 0xD0 || b == 0xD9 ||
      (b >= 0xE0 && b <= 0xE3) || b == 0xF0)
    latin_mask[c] |= SPACE_LEAD(p);
}

/* Each code page's characters: cp1252 (sloppy, with Latin-1) those up to ™;
 * the others those of their 256 bytes. */
static void latin_build(void)
{
  uint32_t c;
  size_t p;
  unsigned b;
  for (p = 0; p < sizeof latin_pages / sizeof *latin_pages; p++) {
    latin_mark(p, 0xFFFD);
    if (latin_pages[p] == ZHFIX__CP1252) {
      for (c = 0; c <= 0x2122; c++)
        latin_mark(p, c);
      continue;
    }
    for (b = 0; b < 0x80; b++)
      latin_mark(p, b);
    pthread_once(&pages_once, pages_build);
    for (b = 0x80; b < 0x100; b++)
      latin_mark(p, pages[latin_pages[p]].cp[b]);
  }
}

static uint32_t mask_of(uint32_t c)
{
  return c < 0x10000 ? latin_mask[c] : 0;
}

/* Can c stand for a UTF-8 lead byte in some code page of latin_pages? Never:
 * ASCII, C1, CJK (MacRoman's ¬ « », cp437's ± are). */
static bool may_lead(uint32_t c)
{
  return !(c < 0xA0 || (c >= 0x2E80 && c < 0xFB00) || c >= 0x10000);
}

/* The code pages (bits p of latin_pages) in which c then next stand for a
 * lead and a continuation byte. latin_mask must be built. */
static uint32_t pair_mask(uint32_t c, uint32_t next)
{
  uint32_t m = latin_mask[c] & 0xFF;
  return m ? (next == ' ' ? latin_mask[c] >> 16 : mask_of(next) >> 8) & m : 0;
}

/* The code pages (bits p of latin_pages) in which t->cp[from, to) holds a
 * lead followed by a continuation. */
static uint32_t pair_pages(const struct zhfix__text *t, size_t from, size_t to)
{
  size_t i;
  uint32_t found = 0;
  bool ready = false;
  for (i = from; i + 1 < to; i++) {
    if (!may_lead(t->cp[i]))
      continue;
    if (!ready)
      ready = !pthread_once(&latin_once, latin_build);
    found |= pair_mask(t->cp[i], t->cp[i + 1]);
  }
  return found;
}

bool zhfix__mojibake_latin_lead(uint32_t c)
{
  if (!may_lead(c))
    return false;
  pthread_once(&latin_once, latin_build);
  return (latin_mask[c] & 0xFF) != 0;
}

bool zhfix__mojibake_latin_pair(uint32_t c, uint32_t next)
{
  if (!may_lead(c))
    return false;
  pthread_once(&latin_once, latin_build);
  return pair_mask(c, next) != 0;
}

/* A span of the line read back as bytes of code page d: byte k stands for the
 * character cp[k]; hole[k] when that character is U+FFFD (a byte lost before). */
struct bytespan {
  const uint32_t *cp;
  uint8_t *b;
  bool *hole;
  size_t n;
  enum zhfix__codec d;
};

static bool cont_byte(unsigned b)
{
  return b >= 0x80 && b <= 0xBF;
}

/* Words that à begins in Portuguese (às, àquele, àquela, àquilo): after
 * "Ã " they show that the space was à's own byte A0, not a space after it
 * ("s" only before a space: "Ã s'éloigner" is "à s'éloigner"). */
static bool a_grave_word(const struct bytespan *s, size_t k)
{
  static const char *const words[] = {"s", "quele", "queles", "quela", "quelas", "quilo"};
  size_t w, l;
  for (w = 0; w < sizeof words / sizeof *words; w++) {
    for (l = 0; words[w][l] && k + l < s->n && s->cp[k + l] == (uint8_t)words[w][l]; l++)
      ;
    if (!words[w][l] && (w == 0 ? k + l < s->n && s->cp[k + l] == ' '
                                : k + l == s->n || !u_isalpha((UChar32)s->cp[k + l])))
      return true;
  }
  return false;
}

/* The UTF-8 sequence at byte k of s, allowing the losses above: its length in
 * bytes, or 0 if none; the character in *c (U+FFFD where bytes were lost).
 * *restored is set when a space was read as byte A0 (weak evidence: it costs
 * the candidate one point). */
static size_t seq_at(const struct bytespan *s, size_t k, uint32_t *c, bool *restored)
{
  const uint8_t *b = s->b + k;
  uint8_t x[4];
  size_t need, i, lost = 0, asked = 0, spaces = 0, left = s->n - k;

  *restored = false;
  if (s->hole[k] || b[0] < 0xC2 || b[0] > 0xF4)
    return 0;
  need = b[0] < 0xE0 ? 2 : b[0] < 0xF0 ? 3 : 4;
  /* à whose A0 became a space: "Ã  ", "Ã." and "Ã s " take the space back,
   * "Ã le" keeps it (spaces coalesced). */
  if (b[0] == 0xC3 && left >= 2 && b[1] == ' ' && !s->hole[k + 1]) {
    *c = 0xE0;
    return left == 2 || s->hole[k + 2] || !u_isalnum((UChar32)s->cp[k + 2]) || a_grave_word(s, k + 2)
               ? 2
               : 1;
  }
  if (left < need)
    return 0;
  x[0] = b[0];
  for (i = 1; i < need; i++) {
    if (s->hole[k + i])
      lost++, x[i] = 0x80;
    else if (b[i] == '?' && s->d == ZHFIX__CP1252)
      asked++, x[i] = 0x80;
    else if (b[i] == ' ')
      spaces++, x[i] = 0xA0;
    else if (cont_byte(b[i]))
      x[i] = b[i];
    else
      return 0;
  }
  if (asked > 1 || spaces > 1 || (spaces && (lost || asked)))
    return 0;
  if (spaces) { /* where a space stands for A0 (ftfy's observation) */
    bool ok = need == 2 ? (b[0] == 0xC2 || b[0] == 0xC5 || b[0] == 0xCE || b[0] == 0xD0 ||
                           b[0] == 0xD9)
            : need == 3 ? b[0] <= 0xE3 && x[1] != 0x85 && x[2] != 0x85 &&
                              (b[1] == ' ' ? b[0] >= 0xE2 && x[2] != 0xA0 : x[1] != 0xA0)
                        : b[0] == 0xF0;
    if (!ok)
      return 0;
    *restored = true;
  }
  if (lost || asked) {
    /* The bytes left must still fit the lead: no overlong form, no surrogate. */
    if ((need == 2 && asked && b[0] > 0xC3) || (need > 2 && !s->hole[k + 1] && b[1] != '?' &&
                                                ((b[0] == 0xE0 && x[1] < 0xA0) ||
                                                 (b[0] == 0xED && x[1] >= 0xA0) ||
                                                 (b[0] == 0xF0 && x[1] < 0x90) ||
                                                 (b[0] == 0xF4 && x[1] >= 0x90))))
      return 0;
    *c = 0xFFFD;
    return need;
  }
  /* CESU-8: a surrogate pair as two three-byte sequences. */
  if (b[0] == 0xED && x[1] >= 0xA0) {
    if (x[1] > 0xAF || left < 6 || s->b[k + 3] != 0xED || s->hole[k + 3] || s->hole[k + 4] ||
        s->hole[k + 5] || s->b[k + 4] < 0xB0 || s->b[k + 4] > 0xBF || !cont_byte(s->b[k + 5]))
      return 0;
    *c = 0x10000 + ((((uint32_t)(x[1] & 0x0F) << 6 | (x[2] & 0x3F)) << 10) |
                    ((uint32_t)(s->b[k + 4] & 0x0F) << 6 | (s->b[k + 5] & 0x3F)));
    return 6;
  }
  return zhfix__utf8_decode((const char *)x, (const char *)x + need, c) == need ? need : 0;
}

/* Byte-shape evidence that cp[0, n) is UTF-8 read as d: Â or Ã (lead bytes
 * C2 C3) before a sign, punctuation or a byte 80-9F (Ã©, Â£, Ãœ;
 * … ’ ” › » ® © ™ ´ count only inside a word), and the three-byte sequences
 * of general punctuation (â€œ, â„¢: lead E2) and of U+FFFD and the byte-order
 * mark (ï¿½, ï»¿). 2 per occurrence. */
static int shape(enum zhfix__codec d, const uint32_t *cp, size_t n, bool whole)
{
  size_t i;
  int cost = 0;
  for (i = 0; i + 1 < n; i++) {
    int b0 = sloppy_byte(d, cp[i]), b1, b2;
    if (b0 < 0xC2 || (b0 > 0xC3 && b0 != 0xE2 && b0 != 0xEF))
      continue;
    b1 = sloppy_byte(d, cp[i + 1]);
    if (b1 < 0 || !cont_byte((unsigned)b1))
      continue;
    if (b0 <= 0xC3) {
      uint32_t c = cp[i + 1];
      bool final = c == 0x2026 || c == 0x2019 || c == 0x201D || c == 0x203A || c == 0xBB ||
                   c == 0xAE || c == 0xA9 || c == 0x2122 || c == 0xB4;
      /* Where the lead is a sign (MacRoman ¬ √, cp437 ┬ ├), a Latin letter
       * or a sign of the Latin-1 range after it (¬†, √©, ├⌐; but not √π,
       * `¬´, ├┤). */
      if (!u_isalpha((UChar32)cp[i])) {
        if ((c >= 0xC0 && c <= 0x24F && u_isalpha((UChar32)c)) || c == 0x2020 || c == 0xA2 ||
            c == 0xA3 || c == 0xA7 || c == 0xB6 || c == 0xAE || c == 0xA9 || c == 0x2122 ||
            c == 0x2260 || c == 0xA5 || c == 0x2264 || c == 0x2265 || c == 0x2310)
          cost += 2;
        continue;
      }
      /* Â Ã: Ã before ¢ £ ¤ ¥ (â ã ä å) is also capital-and-currency
       * leetspeak, and the word-final signs end words (VOCÊ…): weak
       * evidence, 1 where the whole span decodes, none in a lone run. */
      if ((b0 == 0xC3 && c >= 0xA2 && c <= 0xA5) ||
          (final && !(i + 2 < n && u_isalpha((UChar32)cp[i + 2]))))
        cost += whole;
      else if (!u_isalpha((UChar32)c) || b1 <= 0x9F || c == 0xAA || c == 0xBA) /* ª º too */
        cost += 2;
      continue;
    }
    b2 = i + 2 < n ? sloppy_byte(d, cp[i + 2]) : -1;
    if (b2 >= 0 && cont_byte((unsigned)b2) &&
        (b0 == 0xE2 || (b1 == 0xBF && b2 == 0xBD) || (b1 == 0xBB && b2 == 0xBF)))
      cost += 2;
  }
  return cost;
}

#define LATIN_CONTEXT 2 /* characters of context on each side of a candidate */
#define LATIN_RUN_GAIN 2 /* points a lone run of sequences must win by (a whole span: 1) */
#define LATIN_LAYERS 8   /* passes at most: each one that changes the line shortens it */

/* Oddness of t->cp[from, to) replaced by cp[0, n), with context: badness plus
 * byte-shape evidence (whole: the span decodes entirely); the badness alone in
 * *plain. With cp NULL, of the text as it is. */
static int oddness(const struct zhfix__text *t, size_t from, size_t to, const uint32_t *cp,
                   size_t n, enum zhfix__codec d, bool whole, uint32_t *scratch, int *plain)
{
  size_t a = from >= LATIN_CONTEXT ? from - LATIN_CONTEXT : 0;
  size_t z = to + LATIN_CONTEXT <= t->n ? to + LATIN_CONTEXT : t->n, m = 0;
  if (!cp) {
    cp = t->cp + from;
    n = to - from;
  }
  memcpy(scratch, t->cp + a, (from - a) * sizeof *scratch);
  m = from - a;
  memcpy(scratch + m, cp, n * sizeof *scratch);
  m += n;
  memcpy(scratch + m, t->cp + to, (z - to) * sizeof *scratch);
  m += z - to;
  *plain = zhfix__badness(scratch, m);
  return *plain + shape(d, scratch, m, whole);
}

/* Han or kana (the language model's to judge), or controls (no text; but
 * C1 controls from cp1252 are the next layer's bytes, or c1_pass's). */
static bool not_for_latin(enum zhfix__codec d, const uint32_t *cp, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (zhfix__is_han(cp[i]) || (cp[i] >= 0x3040 && cp[i] <= 0x30FF) ||
        (cp[i] < 0x20 && cp[i] != '\t') ||
        (cp[i] >= 0x7F && cp[i] < 0xA0 && d != ZHFIX__CP1252))
      return true;
  return false;
}

struct group {
  size_t from, to;   /* span of t */
  size_t at, n;      /* its replacement: out[at, at + n) */
  bool lossy, letters;
  int penalty;       /* spaces read as A0 */
  int gain;          /* badness points the replacement won by */
};

/* The line being rebuilt by one pass: t->cp[0, done) is copied already. */
struct rebuild {
  uint32_t *cp, *src;
  size_t n, cap, done;
};

static bool rebuild_add(struct rebuild *r, uint32_t c, uint32_t src)
{
  if (r->n == r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 256;
    uint32_t *a = realloc(r->cp, cap * sizeof *a), *b;
    if (!a)
      return false;
    r->cp = a;
    if (!(b = realloc(r->src, cap * sizeof *b)))
      return false;
    r->src = b;
    r->cap = cap;
  }
  r->cp[r->n] = c;
  r->src[r->n++] = src;
  return true;
}

/* Copy t up to `to`, then the runs g[0, ng) (sorted, inside t->cp[i, j))
 * replaced by their decodes out[g.at, g.at + g.n), reporting each: every
 * character keeps the input position it came from. One copy per pass keeps
 * a line with many repaired spans linear. */
static bool rebuild_span(zhfix_ctx *ctx, const struct zhfix__text *t, struct rebuild *r,
                         size_t i, size_t j, const struct group *g, size_t ng,
                         const uint32_t *out, zhfix__edit_fn report)
{
  size_t k, q = 0, l;
  for (k = r->done; k < i; k++)
    if (!rebuild_add(r, t->cp[k], t->src[k]))
      return false;
  while (k < j) {
    if (q < ng && g[q].from == k) {
      struct zhfix__edit ed;
      ed.from = t->src[g[q].from];
      ed.to = t->src[g[q].to - 1] + 1;
      ed.kind = g[q].lossy ? "mojibake-lossy" : "mojibake";
      ed.margin = (double)g[q].gain / (double)g[q].n;
      ed.after = out + g[q].at;
      ed.nafter = g[q].n;
      report(ctx, &ed);
      for (l = 0; l < g[q].n; l++)
        if (!rebuild_add(r, out[g[q].at + l], t->src[k]))
          return false;
      k = g[q++].to;
    } else if (!rebuild_add(r, t->cp[k], t->src[k])) {
      return false;
    } else {
      k++;
    }
  }
  r->done = j;
  return true;
}

/* Finish a rebuild: the rest of t, then t takes the new contents. */
static bool rebuild_finish(struct zhfix__text *t, struct rebuild *r)
{
  size_t k;
  bool ok = true;
  for (k = r->done; ok && k < t->n; k++)
    ok = rebuild_add(r, t->cp[k], t->src[k]);
  if (ok && (ok = zhfix__text_splice(t, 0, t->n, r->cp, r->n, 0)))
    memcpy(t->src, r->src, r->n * sizeof *r->src);
  free(r->cp);
  free(r->src);
  memset(r, 0, sizeof *r);
  return ok;
}

/* One pass over the line for each code page of latin_pages in `only` (bits
 * LEAD(p)); with dry non-NULL, nothing is changed and *dry is increased by the
 * points the code pages' repairs would win. whole: only spans
 * that decode entirely (every non-ASCII byte in a sequence) are taken, judged
 * as one; otherwise each run of sequences is judged alone, and where the line
 * already showed this damage (*seen) a run needs only not to read worse. */
static bool latin_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report, bool whole,
                       bool *seen, bool *changed, uint32_t only, int *dry)
{
  size_t p, i, j, k;
  bool ok = true;
  uint32_t in_pages = pair_pages(t, 0, t->n) & only;
  struct rebuild r = {0};

  *changed = false;
  for (p = 0; p < sizeof latin_pages / sizeof *latin_pages && ok; p++) {
    enum zhfix__codec d = latin_pages[p];
    if (!(in_pages & LEAD(p)))
      continue;
    for (i = 0; i < t->n && ok;) {
      struct bytespan s;
      struct group *g = NULL;
      uint32_t *out = NULL, *scratch = NULL;
      size_t ng = 0, nout = 0, covered = 0, high = 0;

      for (j = i; j < t->n && (mask_of(t->cp[j]) & IN_PAGE(p)); j++)
        ;
      if (j == i) {
        i++;
        continue;
      }
      if ((k = span_piece(t, i, j, d)) == i) {
        i = j;
        continue;
      }
      j = k;
      if (!(pair_pages(t, i, j) & LEAD(p))) {
        i = j;
        continue;
      }
      s.cp = t->cp + i;
      s.n = j - i;
      s.d = d;
      s.b = malloc(s.n);
      s.hole = malloc(s.n * sizeof *s.hole);
      g = malloc(s.n * sizeof *g);
      out = malloc((s.n + 1) * sizeof *out);
      scratch = malloc((s.n + 2 * LATIN_CONTEXT + 1) * sizeof *scratch);
      if (!s.b || !s.hole || !g || !out || !scratch) {
        ok = false;
        goto next;
      }
      for (k = 0; k < s.n; k++) {
        s.hole[k] = s.cp[k] == 0xFFFD;
        s.b[k] = s.hole[k] ? 0 : (uint8_t)sloppy_byte(d, s.cp[k]);
        high += s.b[k] >= 0x80 || s.hole[k];
      }
      /* Runs of sequences, each decoded into out. */
      for (k = 0; k < s.n;) {
        uint32_t c;
        bool restored;
        size_t l = seq_at(&s, k, &c, &restored);
        if (!l) {
          k++;
          continue;
        }
        if (!ng || g[ng - 1].to != i + k) {
          g[ng].from = i + k;
          g[ng].to = i + k;
          g[ng].at = nout;
          g[ng].n = 0;
          g[ng].lossy = g[ng].letters = false;
          g[ng].penalty = g[ng].gain = 0;
          ng++;
        }
        out[nout++] = c;
        g[ng - 1].n++;
        g[ng - 1].to = i + k + l;
        g[ng - 1].lossy |= c == 0xFFFD;
        /* A decode to letters or marks, or CESU-8, is evidence in itself;
         * one to signs alone (`¬´ to «) needs the byte shape too. */
        g[ng - 1].letters |= u_isalpha((UChar32)c) || (U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK) ||
                             l == 6;
        g[ng - 1].penalty += restored;
        for (; l; l--, k++)
          covered += s.b[k] >= 0x80 || s.hole[k];
      }
      if (!ng)
        goto next;
      if (whole) {
        /* Every non-ASCII byte in a sequence: judge the span as one. */
        uint32_t *all;
        size_t m = 0, q = 0, n0;
        int gain = 0, plain_orig, plain_cand;
        bool letters = false, lossy = false;
        /* A span cut short by a character of another code page's range
         * (tĹ\x99: ISO-8859-2, not cp1250) is that code page's to judge. */
        if (covered < high || (i > 0 && t->cp[i - 1] >= 0x80 && t->cp[i - 1] < 0x530) ||
            (j < t->n && t->cp[j] >= 0x80 && t->cp[j] < 0x530))
          goto next;
        all = malloc((s.n + 1) * sizeof *all);
        if (!all) {
          ok = false;
          goto next;
        }
        for (k = i; k < j;) {
          if (q < ng && g[q].from == k) {
            gain -= g[q].penalty;
            letters |= g[q].letters;
            lossy |= g[q].lossy;
            memcpy(all + m, out + g[q].at, g[q].n * sizeof *all);
            m += g[q].n;
            k = g[q++].to;
          } else {
            all[m++] = t->cp[k++];
          }
        }
        n0 = m;
        gain += oddness(t, i, j, NULL, 0, d, true, scratch, &plain_orig) -
                oddness(t, i, j, all, n0, d, true, scratch, &plain_cand);
        free(all);
        if (gain < 1 || not_for_latin(d, out, nout) ||
            !(letters || lossy || shape(d, t->cp + i, j - i, true) > 0))
          goto next;
        for (q = 0; q < ng; q++)
          g[q].gain = gain;
        /* Code pages compete on how the text reads, not on byte shapes. */
        if (dry)
          *dry += 1000 + plain_orig - plain_cand; /* any repair beats none */
      } else {
        /* Judge each run alone; keep the ones that win, and where the line
         * shows this damage, the ones that read no worse. */
        size_t q, kept = 0;
        int *gain = malloc(ng * sizeof *gain), plain;
        bool sure = *seen;
        if (!gain) {
          ok = false;
          goto next;
        }
        for (q = 0; q < ng; q++) {
          gain[q] = not_for_latin(d, out + g[q].at, g[q].n)
                        ? -1
                        : oddness(t, g[q].from, g[q].to, NULL, 0, d, false, scratch, &plain) -
                              oddness(t, g[q].from, g[q].to, out + g[q].at, g[q].n, d, false,
                                      scratch, &plain) -
                              g[q].penalty;
          if (!g[q].letters && !g[q].lossy &&
              !shape(d, t->cp + g[q].from, g[q].to - g[q].from + (g[q].to < t->n), false))
            gain[q] = gain[q] > 0 ? 0 : gain[q];
          sure |= gain[q] >= LATIN_RUN_GAIN;
        }
        for (q = 0; q < ng; q++)
          if (gain[q] >= LATIN_RUN_GAIN || (gain[q] >= (g[q].lossy ? 1 : 0) && sure)) {
            g[q].gain = gain[q];
            g[kept++] = g[q];
          }
        free(gain);
        ng = kept;
      }
      if (dry) /* only say how much this code page would win */
        goto next;
      if (ng && !(ok = rebuild_span(ctx, t, &r, i, j, g, ng, out, report)))
        goto next;
      *changed |= ng > 0;
      *seen |= ng > 0;
    next:
      free(s.b);
      free(s.hole);
      free(g);
      free(out);
      free(scratch);
      i = j;
    }
    if (!ok) {
      free(r.cp);
      free(r.src);
      return false;
    }
    if (r.done) /* the next pass starts again with cp1252: layers are mostly cp1252 */
      return rebuild_finish(t, &r);
  }
  return true;
}

/* The whole-span pass with the code pages competing: where several decode
 * (ĂŠ is é in ISO-8859-2, Ê in cp1250), the one whose text reads best wins;
 * on a tie, the more common code page. */
static bool latin_whole(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report, bool *seen,
                        bool *changed)
{
  uint32_t in_pages = pair_pages(t, 0, t->n), best = 0;
  int best_gain = 0;
  size_t p;

  *changed = false;
  if (in_pages & (in_pages - 1)) { /* more than one code page to try */
    for (p = 0; p < sizeof latin_pages / sizeof *latin_pages; p++) {
      int gain = 0;
      if (!(in_pages & LEAD(p)))
        continue;
      if (!latin_pass(ctx, t, report, true, seen, changed, LEAD(p), &gain))
        return false;
      if (gain > best_gain) {
        best_gain = gain;
        best = LEAD(p);
      }
    }
    in_pages = best;
  }
  return !in_pages || latin_pass(ctx, t, report, true, seen, changed, in_pages, NULL);
}

/* C1 controls (U+0080-U+009F) are bytes 80-9F of cp1252 text read as Latin-1:
 * taken back to cp1252's characters (the five bytes cp1252 leaves undefined
 * stay) when the line showed single-byte damage, or holds two of them at least
 * (a lone U+0085 may be a next-line control). */
static void c1_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report, bool seen)
{
  static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  };
  size_t i, n = 0;
  for (i = 0; i < t->n; i++)
    n += t->cp[i] >= 0x80 && t->cp[i] <= 0x9F && cp1252_high[t->cp[i] - 0x80];
  if (n == 0 || (n < 2 && !seen))
    return;
  for (i = 0; i < t->n; i++) {
    uint32_t c;
    if (t->cp[i] < 0x80 || t->cp[i] > 0x9F || !cp1252_high[t->cp[i] - 0x80])
      continue;
    struct zhfix__edit ed;
    c = cp1252_high[t->cp[i] - 0x80];
    ed.from = t->src[i];
    ed.to = t->src[i] + 1;
    ed.kind = "c1-control";
    ed.margin = 0;
    ed.after = &c;
    ed.nafter = 1;
    report(ctx, &ed);
    t->cp[i] = c; /* one for one: no splice */
  }
}

/* Can latin_pass or c1_pass change the line: a character that stands for a
 * UTF-8 lead byte in one of latin_pages followed by one that stands for a
 * continuation byte, or a C1 control? This is the gate for clean text (the
 * exact set of trigger characters is latin_mask's lead bits). A pre-filter in
 * front of the stages must let through every line with a character of
 * U+0080-U+05FF (C1, Latin-1, Latin Extended, Greek, Cyrillic), U+2000-U+25FF
 * (cp1252 and MacRoman punctuation, €, ™, math, cp437 box drawing),
 * U+FB01-U+FB02 (MacRoman ﬁ ﬂ) or U+FFFD: they stand for UTF-8 bytes. */
static bool latin_worth(const struct zhfix__text *t)
{
  size_t i;
  for (i = 0; i < t->n; i++)
    if (t->cp[i] >= 0x80 && t->cp[i] <= 0x9F)
      return true;
  return pair_pages(t, 0, t->n) != 0;
}

/* ---- 锟斤拷: U+FFFD (EF BF BD) read through GBK ---- */

/* Runs of non-ASCII text holding 锟斤拷 go back through GBK and UTF-8: the
 * reversible layer is undone, the loss below it stays U+FFFD. */
static bool fffd_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  static const uint32_t kjk[3] = {0x951F, 0x65A4, 0x62F7}; /* 锟斤拷 */
  size_t i, j, k;

  for (i = 0; i + 3 <= t->n; i++) {
    uint32_t *cp;
    size_t n;
    bool has = false;
    if (t->cp[i] < 0x80)
      continue;
    for (j = i; j < t->n && t->cp[j] >= 0x80; j++)
      ;
    for (k = i; k + 3 <= j && !has; k++)
      has = memcmp(t->cp + k, kjk, sizeof kjk) == 0;
    if (!has || !zhfix__encode(&ctx->codecs, ZHFIX__GB18030, t->cp + i, j - i, &ctx->scratch)) {
      i = j;
      continue;
    }
    cp = malloc((ctx->scratch.len + 1) * sizeof *cp);
    if (!cp)
      return false;
    n = zhfix__decode(&ctx->codecs, ZHFIX__UTF8, ctx->scratch.data, ctx->scratch.len, cp,
                      ctx->scratch.len + 1);
    if (n != (size_t)-1 && !apply(ctx, t, i, j, cp, n, "fffd-as-gbk", 0, report)) {
      free(cp);
      return false;
    }
    if (n != (size_t)-1)
      j = i + n;
    free(cp);
    i = j;
  }
  return true;
}

/* ---- memory fill ---- */

/* MSVC debug fill read as GBK: 0xCCCC uninitialised stack is 烫, 0xCDCD
 * uninitialised heap is 屯. A run of FILL_RUN or more identical ones glued to
 * the end of a field (end of line, or before ASCII) is removed; 烫 alone is a
 * word. */
static bool fill_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  size_t i, j;
  for (i = 0; i < t->n; i = j) {
    uint32_t c = t->cp[i];
    j = i + 1;
    if (c != 0x70EB && c != 0x5C6F)
      continue;
    while (j < t->n && t->cp[j] == c)
      j++;
    if (j - i >= FILL_RUN && (j == t->n || t->cp[j] < 0x80) && i > 0 &&
        !zhfix__is_han(t->cp[i - 1])) {
      if (!apply(ctx, t, i, j, NULL, 0, "memory-fill", 0, report))
        return false;
      j = i;
    }
  }
  return true;
}

/* ---- numeric character references ---- */

static bool cjk(uint32_t c)
{
  return zhfix__is_han(c) || (c >= 0x3000 && c <= 0x30FF) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* Parse "&#x7CFB;" or "&#33274;" at t->cp[i]; returns its length, 0 if none. */
static size_t ncr_at(const struct zhfix__text *t, size_t i, uint32_t *value)
{
  size_t j = i + 2;
  uint32_t v = 0;
  bool hex;

  if (i + 3 >= t->n || t->cp[i] != '&' || t->cp[i + 1] != '#')
    return 0;
  hex = t->cp[j] == 'x' || t->cp[j] == 'X';
  j += hex;
  for (; j < t->n && j - i < 12; j++) {
    uint32_t c = t->cp[j], d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
      d = (c | 0x20) - 'a' + 10;
    else
      break;
    v = v * (hex ? 16 : 10) + d;
  }
  if (j >= t->n || t->cp[j] != ';' || j == i + 2 + hex)
    return 0;
  *value = v;
  return j + 1 - i;
}

/* Character references in a line that has one for a CJK character are decoded
 * (those for non-ASCII characters; "&#60;" may be meant as markup): in scraped
 * text they are an HTML renderer's escaping left in the text, never meant to be
 * read as such. */
static bool entity_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  struct rebuild r = {0};
  size_t i, len;
  uint32_t v;
  bool any = false;

  for (i = 0; i < t->n && !any; i++)
    any = t->cp[i] == '&' && (len = ncr_at(t, i, &v)) && v <= 0x10FFFF && cjk(v);
  if (!any)
    return true;
  /* One copy of the line, not a splice per reference: a long line of them
   * stays linear. */
  for (i = 0; i < t->n;) {
    if (t->cp[i] == '&' && (len = ncr_at(t, i, &v)) && v >= 0x80 && v <= 0x10FFFF &&
        !(v >= 0xD800 && v <= 0xDFFF)) {
      struct zhfix__edit ed;
      ed.from = t->src[i];
      ed.to = t->src[i + len - 1] + 1;
      ed.kind = "html-entity";
      ed.margin = 0;
      ed.after = &v;
      ed.nafter = 1;
      report(ctx, &ed);
      if (!rebuild_add(&r, v, t->src[i]))
        goto nomem;
      i += len;
    } else if (!rebuild_add(&r, t->cp[i], t->src[i])) {
      goto nomem;
    } else {
      i++;
    }
  }
  r.done = t->n;
  return rebuild_finish(t, &r);
nomem:
  free(r.cp);
  free(r.src);
  return false;
}

/* ---- RFC 2047 encoded words ---- */

static int b64(uint32_t c)
{
  if (c >= 'A' && c <= 'Z')
    return (int)(c - 'A');
  if (c >= 'a' && c <= 'z')
    return (int)(c - 'a' + 26);
  if (c >= '0' && c <= '9')
    return (int)(c - '0' + 52);
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

struct word {
  size_t from, to;       /* "=?" .. "?=" */
  char charset[32];
};

/* Parse an encoded word "=?charset?B|Q?text?=" at i, appending its bytes. */
static bool encoded_word(const struct zhfix__text *t, size_t i, struct word *w,
                         struct zhfix__buf *bytes)
{
  size_t j = i + 2, k = 0;
  uint32_t enc;
  unsigned acc = 0;
  int bits = 0;

  if (i + 8 > t->n || t->cp[i] != '=' || t->cp[i + 1] != '?')
    return false;
  for (; j < t->n && t->cp[j] != '?' && k + 1 < sizeof w->charset; j++) {
    if (t->cp[j] >= 0x80 || t->cp[j] <= ' ')
      return false;
    w->charset[k++] = (char)t->cp[j];
  }
  w->charset[k] = '\0';
  if (j + 3 >= t->n || t->cp[j] != '?' || k == 0)
    return false;
  enc = t->cp[j + 1] | 0x20;
  if ((enc != 'b' && enc != 'q') || t->cp[j + 2] != '?')
    return false;
  for (j += 3; j + 1 < t->n && !(t->cp[j] == '?' && t->cp[j + 1] == '='); j++) {
    uint32_t c = t->cp[j];
    unsigned char byte;
    if (enc == 'b') {
      int v = b64(c);
      if (c == '=')
        continue;
      if (v < 0)
        return false;
      acc = (acc << 6) | (unsigned)v;
      bits += 6;
      if (bits < 8)
        continue;
      bits -= 8;
      byte = (unsigned char)(acc >> bits);
    } else if (c == '=' && j + 2 < t->n && b64(t->cp[j + 1]) >= 0) {
      unsigned hi = (unsigned)(t->cp[j + 1] <= '9' ? t->cp[j + 1] - '0' : (t->cp[j + 1] | 0x20) - 'a' + 10);
      unsigned lo = (unsigned)(t->cp[j + 2] <= '9' ? t->cp[j + 2] - '0' : (t->cp[j + 2] | 0x20) - 'a' + 10);
      if (hi > 15 || lo > 15)
        return false;
      byte = (unsigned char)(hi << 4 | lo);
      j += 2;
    } else if (c < 0x80) {
      byte = c == '_' ? ' ' : (unsigned char)c;
    } else {
      return false;
    }
    if (!zhfix__buf_add(bytes, &byte, 1))
      return false;
  }
  if (j + 1 >= t->n)
    return false;
  w->from = i;
  w->to = j + 2;
  return true;
}

/* Adjacent encoded words in the same charset are joined as bytes before
 * decoding (mailers split them inside a character, which RFC 2047 forbids);
 * gb2312 is decoded as GB18030, its superset, as browsers do. */
static bool rfc2047_pass(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  struct rebuild r = {0};
  size_t i = 0;
  bool any = false;

  /* One copy of the line, not a splice per word: a long line of them stays
   * linear. */
  while (i < t->n) {
    struct zhfix__buf *bytes = &ctx->scratch;
    struct word first, w;
    size_t end, j, n;
    uint32_t *cp;
    enum zhfix__codec codec;

    bytes->len = 0;
    if (i + 8 > t->n || t->cp[i] != '=' || !encoded_word(t, i, &first, bytes))
      goto copy;
    end = first.to;
    for (;;) { /* the next word after white space, same charset */
      size_t mark = bytes->len;
      for (j = end; j < t->n && (t->cp[j] == ' ' || t->cp[j] == '\t'); j++)
        ;
      if (j == end || !encoded_word(t, j, &w, bytes) || strcasecmp(w.charset, first.charset)) {
        bytes->len = mark;
        break;
      }
      end = w.to;
    }
    if (zhfix__gb_label(first.charset))
      codec = ZHFIX__GB18030;
    else if (!strcasecmp(first.charset, "utf-8"))
      codec = ZHFIX__UTF8;
    else if (!strcasecmp(first.charset, "big5"))
      codec = ZHFIX__BIG5;
    else
      goto copy;
    if (!(cp = malloc((bytes->len + 1) * sizeof *cp)))
      goto nomem;
    n = zhfix__decode(&ctx->codecs, codec, bytes->data, bytes->len, cp, bytes->len + 1);
    if (n != (size_t)-1) {
      struct zhfix__edit ed;
      ed.from = t->src[i];
      ed.to = t->src[end - 1] + 1;
      ed.kind = "rfc2047";
      ed.margin = 0;
      ed.after = cp;
      ed.nafter = n;
      report(ctx, &ed);
      for (j = 0; j < n; j++)
        if (!rebuild_add(&r, cp[j], t->src[i])) {
          free(cp);
          goto nomem;
        }
      free(cp);
      any = true;
      i = end;
      continue;
    }
    free(cp);
  copy:
    if (!rebuild_add(&r, t->cp[i], t->src[i]))
      goto nomem;
    i++;
  }
  if (!any) {
    free(r.cp);
    free(r.src);
    return true;
  }
  r.done = t->n;
  return rebuild_finish(t, &r);
nomem:
  free(r.cp);
  free(r.src);
  return false;
}

/* Can any code page hypothesis apply to the line? Single-byte sources need
 * characters between U+0080 and U+2FFF (Latin, Greek, Cyrillic, symbols, box
 * drawing), CJK sources rare, private-use or stray characters: a line of ASCII,
 * common Han and CJK punctuation needs no pass at all. */
static bool worth_a_pass(const struct zhfix__text *t)
{
  size_t i;
  for (i = 0; i < t->n; i++) {
    uint32_t c = t->cp[i];
    if (c < 0x80 || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF))
      continue;
    if (c < 0x3000 || !zhfix__is_han(c) || zhfix__lm_is_rare(c))
      return true;
  }
  return false;
}

bool zhfix__mojibake_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  bool changed = true, seen[sizeof hypotheses / sizeof *hypotheses] = {false};
  bool latin = false, latin_seen = false;
  int layer;

  if (!entity_pass(ctx, t, report) || !rfc2047_pass(ctx, t, report))
    return false;
  /* Other alphabets first where a whole span decodes (the CJK hypotheses
   * would read such bytes as rare Han), the rest after the CJK hypotheses. */
  latin = latin_worth(t);
  for (layer = 0; layer < LATIN_LAYERS && changed && latin; layer++)
    if (!latin_whole(ctx, t, report, &latin_seen, &changed))
      return false;
  for (changed = true, layer = 0; layer < LAYERS && changed && worth_a_pass(t); layer++)
    if (!codepage_pass(ctx, t, report, seen, &changed))
      return false;
  /* C1 controls before the runs inside good text, so that what they stand
   * for is read there too (in cp1252 they are the same bytes), and after. */
  if (latin)
    c1_pass(ctx, t, report, latin_seen);
  for (changed = true, layer = 0; layer < LATIN_LAYERS && changed && latin; layer++)
    if (!latin_pass(ctx, t, report, false, &latin_seen, &changed, 0xFF, NULL))
      return false;
  if (latin)
    c1_pass(ctx, t, report, latin_seen);
  return fffd_pass(ctx, t, report) && fill_pass(ctx, t, report);
}

/* ---- lines that are not UTF-8 ---- */

/* UTF-8 cut inside characters (substr() by bytes): each cut character becomes
 * one U+FFFD, if every invalid byte of the line belongs to such a cut. */
static bool truncated_utf8(const char *s, size_t len, struct zhfix__buf *out)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  uint32_t cp;
  size_t cuts = 0, multi = 0;

  out->len = 0;
  while (p < end) {
    size_t l = zhfix__utf8_decode((const char *)p, (const char *)end, &cp);
    if (l) {
      if (!zhfix__buf_add(out, p, l))
        return false;
      p += l;
      multi += l > 1;
    } else if ((l = truncated_at(p, end)) != 0) {
      if (!zhfix__buf_add_cp(out, 0xFFFD))
        return false;
      p += l;
      cuts++;
    } else {
      return false;
    }
  }
  /* A line cut by bytes is UTF-8 text with a cut here and there; a line of
   * lone lead bytes is a single-byte code page (caf\xE9, cp1251 Russian),
   * whose bytes stay as they are. */
  return cuts > 0 && multi >= cuts;
}

/* GBK bytes whose trail byte 0x5C (backslash) a path normaliser turned into
 * 0x2F: inside a two-byte cell 0x2F is never a trail byte, so lead + 2F goes
 * back to lead + 5C, and only inside a pair. */
static bool unmangle_5c(const char *s, size_t len, struct zhfix__buf *out)
{
  size_t i = 0, fixed = 0;
  out->len = 0;
  if (!zhfix__buf_add(out, s, len))
    return false;
  while (i < len) {
    unsigned char b = (unsigned char)out->data[i];
    if (b < 0x81 || b == 0xFF || i + 1 >= len) {
      i++;
      continue;
    }
    if (out->data[i + 1] == '/') {
      out->data[i + 1] = '\\';
      fixed++;
    }
    i += (unsigned char)out->data[i + 1] >= 0x30 && (unsigned char)out->data[i + 1] <= 0x39 ? 4 : 2;
  }
  return fixed > 0;
}

/* Decode bytes with codec into out as UTF-8; returns the cost per character
 * under the language model, or -1 if the bytes are not valid in the codec. */
static double decoded_cost(zhfix_ctx *ctx, enum zhfix__codec codec, const char *s, size_t len,
                           struct zhfix__buf *out)
{
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  size_t n, i;
  double cost = -1;

  out->len = 0;
  if (!cp)
    return OUT_OF_MEMORY;
  n = zhfix__decode(&ctx->codecs, codec, s, len, cp, len + 1);
  /* A private-use character (GB18030's user-defined cells) is no text: Latin-1
   * German "Gr\xFC\xDFe" is not GB18030. */
  for (i = 0; n != (size_t)-1 && i < n; i++)
    if (zhfix__is_pua(cp[i]))
      n = (size_t)-1;
  if (n != (size_t)-1 && n > 0 && han_count(cp, n) > 0) {
    for (i = 0; i < n; i++)
      if (!zhfix__buf_add_cp(out, cp[i]))
        break;
    cost = i == n ? zhfix__lm_cost(0, cp, n, 0) / (double)n : OUT_OF_MEMORY;
  }
  free(cp);
  return cost;
}

/* Are the bytes of s[0, len) read as GBK/GB18030 or Big5 pairs all pairs
 * whose trail is an ASCII letter glued to a Latin word (an ASCII letter
 * right before the pair or right after it)? Then the line is Latin text with
 * stray high bytes (Le r\xE9gime, s\xE4bin), not Chinese in a legacy code
 * page, whose pairs mostly have high trail bytes. False if it has no pair. */
bool zhfix__latin_glued(const char *s, size_t len)
{
  const unsigned char *b = (const unsigned char *)s;
  size_t i = 0, pairs = 0;
  bool glued = true, after_letter = false; /* an ASCII letter of its own right before */

#define LETTER(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
  while (i < len && glued) {
    if (b[i] < 0x81 || i + 1 >= len) {
      after_letter = LETTER(b[i]);
      i++;
      continue;
    }
    pairs++;
    /* (the byte before may be the trail of the pair before: no letter then) */
    glued = LETTER(b[i + 1]) && (after_letter || (i + 2 < len && LETTER(b[i + 2])));
    after_letter = false;
    i += b[i + 1] >= 0x30 && b[i + 1] <= 0x39 ? 4 : 2;
  }
#undef LETTER
  return pairs > 0 && glued;
}

const char *zhfix__raw_repair(zhfix_ctx *ctx, const char *s, size_t len, struct zhfix__buf *out,
                              bool *nomem)
{
  static const enum zhfix__codec legacy[] = {ZHFIX__GB18030, ZHFIX__BIG5};
  struct zhfix__buf alt = {0}, fixed = {0};
  const char *kind = NULL;
  double best = RAW_MAX_COST;
  size_t i;

  *nomem = false;
  if (truncated_utf8(s, len, out))
    return "truncated-utf8";
  if (zhfix__latin_glued(s, len))
    return NULL;
  /* The line is in a legacy code page: the one whose text reads best. */
  for (i = 0; i < sizeof legacy / sizeof *legacy; i++) {
    double c = decoded_cost(ctx, legacy[i], s, len, &alt);
    if (c != OUT_OF_MEMORY && c < 0 && legacy[i] == ZHFIX__GB18030 &&
        unmangle_5c(s, len, &fixed)) {
      c = decoded_cost(ctx, legacy[i], fixed.data, fixed.len, &alt);
      if (c == OUT_OF_MEMORY)
        goto nomem;
      if (c >= 0 && c < best) {
        best = c;
        kind = "gbk-0x5c-mangled";
        out->len = 0;
        zhfix__buf_add(out, alt.data, alt.len);
      }
      continue;
    }
    if (c == OUT_OF_MEMORY)
      goto nomem;
    if (c >= 0 && c < best) {
      best = c;
      kind = legacy[i] == ZHFIX__GB18030 ? "decode-gb18030" : "decode-big5";
      out->len = 0;
      zhfix__buf_add(out, alt.data, alt.len);
    }
  }
  zhfix__buf_free(&alt);
  zhfix__buf_free(&fixed);
  return kind;
nomem:
  zhfix__buf_free(&alt);
  zhfix__buf_free(&fixed);
  *nomem = true;
  return NULL;
}
