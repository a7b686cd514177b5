/* --to=auto: convert a document to its dominant script.
 *
 * Lines are repaired as usual and held, unconverted, until the document has
 * shown AUTO_EVIDENCE points of evidence (or AUTO_HOLD bytes are held, or the
 * document ends); then the script with more points wins, the held lines are
 * converted to it (OpenCC t2s or s2t) and the rest of the document is
 * converted as it comes. A point is a character only one script uses
 * (tables/script.c); a word only Taiwan uses (软体, 介面) counts VOCAB_POINTS
 * for Traditional and one only the mainland uses (软件, 界面) as many for
 * Simplified, read in any mix of scripts through OpenCC's TSCharacters: a
 * half-converted Taiwan text is still Taiwan's. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define AUTO_EVIDENCE 400        /* points to decide on */
#define AUTO_HOLD (4u << 20)     /* bytes held at most before deciding */
#define VOCAB_POINTS 2

static uint32_t t2s(uint32_t cp)
{
  long k = zhfix__find_u32(zhfix__misconv.t2s_from, zhfix__misconv.nt2s, cp);
  return k < 0 ? cp : zhfix__misconv.t2s_to[k];
}

static bool in_vocab(int which, const char *w, size_t n)
{
  const char *const *v = zhfix__misconv.vocab[which];
  size_t lo = 0, hi = zhfix__misconv.nvocab[which];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2, l = strlen(v[mid]);
    int c = memcmp(v[mid], w, l < n ? l : n);
    if (c == 0)
      c = l < n ? -1 : l > n;
    if (c == 0)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

/* Add the vocabulary points of the UTF-8 line s[0, len). */
static void vocab_points(zhfix_ctx *ctx, const char *s, size_t len)
{
  uint32_t cp[256];
  size_t n = 0, i = 0, l, k, j;
  char w[6 * 4];

  while (i < len && n < sizeof cp / sizeof *cp &&
         (l = zhfix__utf8_decode(s + i, s + len, &cp[n])) > 0) {
    cp[n] = t2s(cp[n]);
    i += l;
    n++;
  }
  for (i = 0; i + 1 < n; i++) {
    size_t bytes = 0;
    if (!zhfix__is_han(cp[i]))
      continue;
    for (k = i; k < n && k < i + 6 && zhfix__is_han(cp[k]); k++) {
      bytes += zhfix__utf8_encode(cp[k], w + bytes);
      if (k == i)
        continue;
      for (j = 0; j < 2; j++)
        if (in_vocab((int)j, w, bytes))
          ctx->auto_points[j == 0] += VOCAB_POINTS;
    }
  }
}

/* Convert the held text with the chosen converter: its valid, NUL-free UTF-8
 * runs through OpenCC, the bytes between them as they are. */
static zhfix_status convert_held(zhfix_ctx *ctx, struct zhfix__buf *out)
{
  const char *s = ctx->held.data;
  size_t len = ctx->held.len, i = 0;
  uint32_t cp;

  while (i < len) {
    size_t start = i, l;
    while (i < len && s[i] != '\0' && s[i] != '\n' && s[i] != '\r' &&
           (l = zhfix__utf8_decode(s + i, s + len, &cp)) > 0)
      i += l;
    if (i > start) {
      zhfix_status st = zhfix__conv_run(ctx->conv, s + start, i - start, out);
      if (st != ZHFIX_OK)
        return st;
    }
    start = i;
    while (i < len && (s[i] == '\0' || s[i] == '\n' || s[i] == '\r' ||
                       zhfix__utf8_decode(s + i, s + len, &cp) == 0))
      i++;
    if (i > start && !zhfix__buf_add(out, s + start, i - start))
      return ZHFIX_ERR_NOMEM;
  }
  return ZHFIX_OK;
}

zhfix_status zhfix__auto_line(zhfix_ctx *ctx, const char *line, size_t len, bool last,
                              zhfix_write_fn write, void *user)
{
  struct zhfix__buf out = {0};
  zhfix_status st;
  bool trad;

  if (ctx->linetext.len) {
    struct zhfix__script_count count = {0, 0, 0};
    uint32_t *cp = malloc(ctx->linetext.len * sizeof *cp);
    size_t n = 0, i = 0, l;
    if (!cp)
      return ZHFIX_ERR_NOMEM;
    while (i < ctx->linetext.len &&
           (l = zhfix__utf8_decode(ctx->linetext.data + i, ctx->linetext.data + ctx->linetext.len,
                                   &cp[n])) > 0) {
      i += l;
      n++;
    }
    zhfix__classify(cp, n, &count);
    free(cp);
    ctx->auto_points[0] += count.simplified_only;
    ctx->auto_points[1] += count.traditional_only;
    vocab_points(ctx, ctx->linetext.data, ctx->linetext.len);
  }
  if (!zhfix__buf_add(&ctx->held, line, len))
    return ZHFIX_ERR_NOMEM;
  if (!last && ctx->auto_points[0] + ctx->auto_points[1] < AUTO_EVIDENCE &&
      ctx->held.len < AUTO_HOLD)
    return ZHFIX_OK;
  trad = ctx->auto_points[1] > ctx->auto_points[0];
  ctx->conv = ctx->auto_conv[trad];
  st = convert_held(ctx, &out);
  if (st == ZHFIX_OK && out.len && write(user, out.data, out.len) != 0)
    st = zhfix__fail(ctx, ZHFIX_ERR_OUTPUT, "write failed");
  zhfix__buf_free(&out);
  ctx->held.len = 0;
  return st;
}

void zhfix__auto_reset(zhfix_ctx *ctx)
{
  if (!ctx->auto_conv[0])
    return;
  ctx->conv = NULL;
  ctx->held.len = 0;
  ctx->auto_points[0] = ctx->auto_points[1] = 0;
}
