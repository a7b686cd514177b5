/* Converter errors: text that went through a Simplified/Traditional converter
 * which took the wrong one of several conversions of a source character
 * (发 -> 發 or 髮: 被髮明 for 被發明; 么 -> 麼, 幺 or 么: 什幺 for 什么), or a
 * phrase converter run twice that doubled characters (演演算法 for 演算法).
 *
 * The alternatives of a character come from OpenCC's character dictionaries
 * (tables/misconv.c): in a Traditional line, the other Traditional candidates
 * of its Simplified source; in a Simplified line, the other Simplified
 * candidates of its Traditional source and the variant pairs a Taiwan or Hong
 * Kong converter confuses. The evidence is a lexicon of words (jieba's
 * dict.txt; for Traditional, each word converted alone by OpenCC, so no
 * converter's segmentation of running text plays a part): a span of 2-4 Han
 * characters around the character, read with any member of each set, matches
 * the words it could have been before a converter chose; the most frequent
 * such word decides, when it beats every word the text's own character is in
 * by a margin (MARGIN_*, lower for the characters a one-character converter
 * writes first). Without a conversion target (repair mode) a repair also
 * needs the character language model to read the window better by
 * REPAIR_MODEL nats and a larger lexicon margin. A member that is its own
 * source (classical 至于) is never replaced. Lines without Han characters or
 * with both scripts (a half-converted line) are not touched. Doublings are the exact forms the
 * generator found and are repaired wherever they occur. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Margins in nats (ln of a ratio of word frequencies), measured on Debian's
 * zh_TW and zh_CN documentation and fortunes-zh (bench/misconv.sh). */
#define MARGIN_FIRST_TRAD 1.5 /* a Traditional converter's first choice (發 for 发) */
#define MARGIN_FIRST_SIMP 3.0 /* a Simplified one's (覆 for 覆, 幺 for 么 read as a variant) */
#define MARGIN_OTHER 6.0      /* any other member of a set (髮 for 发) */
/* Repair mode (no conversion asked for) wants more: the lexicon's margin, and
 * the character language model's over WINDOW characters on each side. */
#define REPAIR_LEXICON 7.5
#define REPAIR_LEXICON_SIMP 10.5 /* Simplified text keeps old forms (计画, 其馀) */
#define REPAIR_MODEL 8.0
#define WINDOW 2

/* The doublings as code points, decoded once. */
static struct doubling {
  uint32_t bad[32], good[32];
  size_t nbad, ngood;
} *doublings;
static size_t ndoublings;
static pthread_once_t doublings_once = PTHREAD_ONCE_INIT;

static size_t decode_all(const char *s, uint32_t *out, size_t max)
{
  const char *end = s + strlen(s);
  size_t n = 0, l;
  while (s < end && n < max && (l = zhfix__utf8_decode(s, end, &out[n])) > 0) {
    s += l;
    n++;
  }
  return n;
}

static void doublings_build(void)
{
  size_t i;
  doublings = calloc(zhfix__misconv.ndoubling, sizeof *doublings);
  if (!doublings)
    return;
  for (i = 0; i < zhfix__misconv.ndoubling; i++) {
    doublings[i].nbad = decode_all(zhfix__misconv.doubling[2 * i], doublings[i].bad, 32);
    doublings[i].ngood = decode_all(zhfix__misconv.doubling[2 * i + 1], doublings[i].good, 32);
  }
  ndoublings = zhfix__misconv.ndoubling;
}

/* Replace every doubled form in t by its right form. */
static bool undouble(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  size_t i, k;

  pthread_once(&doublings_once, doublings_build);
  for (i = 0; i < t->n; i++) {
    if (!zhfix__is_han(t->cp[i]))
      continue;
    for (k = 0; k < ndoublings; k++) {
      const struct doubling *d = &doublings[k];
      struct zhfix__edit ed;
      if (d->bad[0] != t->cp[i] || i + d->nbad > t->n ||
          memcmp(t->cp + i, d->bad, d->nbad * sizeof *d->bad) != 0)
        continue;
      ed.from = t->src[i];
      ed.to = t->src[i + d->nbad - 1] + 1;
      ed.kind = "misconversion";
      ed.margin = 0;
      ed.after = d->good;
      ed.nafter = d->ngood;
      if (!zhfix__text_splice(t, i, d->nbad, d->good, d->ngood, t->src[i]))
        return false;
      report(ctx, &ed);
      i = i > 0 ? i - 1 : 0; /* a tripled form: look again */
      break;
    }
  }
  return true;
}

/* Per side, the index + 1 of each BMP character in cp[] (0: none), built once:
 * every Han character of every line is looked up. */
static uint16_t bmp_index[2][0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

static void bmp_build(void)
{
  int side;
  size_t k;
  for (side = 0; side < 2; side++)
    for (k = 0; k < zhfix__misconv.n[side]; k++)
      if (zhfix__misconv.cp[side][k] < 0x10000)
        bmp_index[side][zhfix__misconv.cp[side][k]] = (uint16_t)(k + 1);
}

static long index_of(int side, uint32_t cp)
{
  if (cp < 0x10000) /* built by zhfix__misconv_repair */
    return (long)bmp_index[side][cp] - 1;
  return zhfix__find_u32(zhfix__misconv.cp[side], zhfix__misconv.n[side], cp);
}

static long alternatives(int side, uint32_t cp, const uint32_t **alt)
{
  long k = index_of(side, cp);
  if (k < 0)
    return 0;
  *alt = zhfix__misconv.alt[side] + zhfix__misconv.first[side][k];
  return zhfix__misconv.first[side][k + 1] - zhfix__misconv.first[side][k];
}

/* The margin to replace cp: lower for a converter's first choice, the
 * character a one-character converter writes where it had a choice. */
static double margin_for(int side, uint32_t cp)
{
  static const double first[2] = {MARGIN_FIRST_TRAD, MARGIN_FIRST_SIMP};
  return zhfix__find_u32(zhfix__misconv.first_choice[side], zhfix__misconv.nfirst_choice[side],
                         cp) >= 0 ? first[side] : MARGIN_OTHER;
}

/* Cost of t[lo, hi) under the language model of the side's script. */
static double lm_window(const struct zhfix__text *t, size_t lo, size_t hi, int side)
{
  return zhfix__lm_cost_in(side == 0, lo ? t->cp[lo - 1] : 0, t->cp + lo, hi - lo,
                           hi < t->n ? t->cp[hi] : 0);
}

/* The representative of cp's set of alternatives, or cp. */
static uint32_t rep_of(int side, uint32_t cp)
{
  long k = index_of(side, cp);
  return k < 0 ? cp : zhfix__misconv.rep[side][k];
}

/* Compare the NUL-terminated key s with key[0, n). */
static int keycmp(const char *s, const char *key, size_t n)
{
  size_t l = strlen(s);
  int c = memcmp(s, key, l < n ? l : n);
  return c ? c : l < n ? -1 : l > n;
}

/* For each lexicon word whose key is key[0, n), the character at code point
 * offset k: raise its score in cand/score (ncand entries) to the word's cost. */
static void lex_scores(int side, const char *key, size_t n, size_t k, const uint32_t *cand,
                       int *score, size_t ncand)
{
  const char *lex = zhfix__misconv.lex[side];
  const uint32_t *off = zhfix__misconv.lex_off[side];
  size_t lo = 0, hi = zhfix__misconv.nlex[side], j;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (keycmp(lex + off[mid], key, n) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < zhfix__misconv.nlex[side] && keycmp(lex + off[lo], key, n) == 0; lo++) {
    const char *w = lex + off[lo] + n + 1, *end = w + strlen(w);
    uint32_t cp = 0;
    size_t i;
    for (i = 0; i <= k && w < end; i++)
      w += zhfix__utf8_decode(w, end, &cp);
    for (j = 0; j < ncand; j++)
      if (cand[j] == cp && zhfix__misconv.lex_cost[side][lo] > score[j])
        score[j] = zhfix__misconv.lex_cost[side][lo];
  }
}

/* Per side, a bit per hash of the first two characters of every lexicon key:
 * most spans of text start no word, and one lookup here says so. */
#define PREFIX_LOG 22 /* 512 KiB per script: few false positives among ~300k keys */
#define PREFIX_BITS (1u << PREFIX_LOG)
static uint8_t prefix_bits[2][PREFIX_BITS / 8];
static pthread_once_t prefix_once = PTHREAD_ONCE_INIT;

static uint32_t prefix_hash(uint32_t a, uint32_t b)
{
  return ((a * 0x9E3779B1u) ^ (b * 0x85EBCA77u)) >> (32 - PREFIX_LOG);
}

static void prefix_build(void)
{
  int side;
  size_t k;
  for (side = 0; side < 2; side++)
    for (k = 0; k < zhfix__misconv.nlex[side]; k++) {
      const char *key = zhfix__misconv.lex[side] + zhfix__misconv.lex_off[side][k];
      const char *end = key + strlen(key);
      uint32_t a, b;
      size_t l = zhfix__utf8_decode(key, end, &a);
      if (l && zhfix__utf8_decode(key + l, end, &b)) {
        uint32_t h = prefix_hash(a, b);
        prefix_bits[side][h >> 3] |= (uint8_t)(1u << (h & 7));
      }
    }
}

static bool may_start_word(int side, uint32_t a, uint32_t b)
{
  uint32_t h = prefix_hash(a, b);
  return prefix_bits[side][h >> 3] >> (h & 7) & 1;
}

/* Decide t->cp[i], which has alternatives: the lexicon words that the spans
 * of 2-4 Han characters around it could have been, read with any member of
 * each set, vote for the member they have at i with their frequency. The most
 * frequent word's member replaces the character when its word is more frequent
 * than any word the character itself is in by the margin (in nats). */
static void choose(zhfix_ctx *ctx, struct zhfix__text *t, size_t i, int side,
                   zhfix__edit_fn report)
{
  const uint32_t *alt;
  uint32_t cand[8];
  int score[8];
  size_t ncand, len, s, j, best = 0, lo;
  uint32_t rep[7];
  double gain, need;
  char key[64];

  ncand = (size_t)alternatives(side, t->cp[i], &alt);
  if (ncand > 7)
    ncand = 7;
  cand[0] = t->cp[i];
  memcpy(cand + 1, alt, ncand * sizeof *alt);
  ncand++;
  for (j = 0; j < ncand; j++)
    score[j] = 0;
  /* The representatives of t[i - 3, i + 4), once. */
  lo = i > 3 ? i - 3 : 0;
  for (j = lo; j < i + 4 && j < t->n; j++)
    rep[j - lo] = zhfix__is_han(t->cp[j]) ? rep_of(side, t->cp[j]) : 0;
  for (len = 2; len <= 4; len++)
    for (s = i + 1 >= len ? i + 1 - len : 0; s <= i && s + len <= t->n; s++) {
      size_t n = 0;
      if (!rep[s - lo] || !rep[s + 1 - lo] || !may_start_word(side, rep[s - lo], rep[s + 1 - lo]))
        continue;
      for (j = s; j < s + len && rep[j - lo]; j++)
        n += zhfix__utf8_encode(rep[j - lo], key + n);
      if (j == s + len)
        lex_scores(side, key, n, i - s, cand, score, ncand);
    }
  for (j = 1; j < ncand; j++)
    if (score[j] > score[best])
      best = j;
  gain = (score[best] - score[0]) / 8.0;
  need = margin_for(side, t->cp[i]);
  if (best && gain >= need && !ctx->conv && !ctx->auto_conv[0]) {
    /* Repair mode: only when the language model reads the window with the
     * alternative much better too. */
    size_t wlo = i > WINDOW ? i - WINDOW : 0, whi = i + WINDOW + 1 < t->n ? i + WINDOW + 1 : t->n;
    uint32_t orig = t->cp[i];
    double lm = lm_window(t, wlo, whi, side);
    t->cp[i] = cand[best];
    lm -= lm_window(t, wlo, whi, side);
    t->cp[i] = orig;
    if (gain < (side ? REPAIR_LEXICON_SIMP : REPAIR_LEXICON) || lm < REPAIR_MODEL)
      best = 0;
  }
  /* A member that is its own source (于 among 於 于) is never a converter's
   * first choice: text that has it chose it (classical 至于). */
  if (best && zhfix__find_u32(zhfix__misconv.ident[side], zhfix__misconv.nident[side],
                              t->cp[i]) >= 0)
    best = 0;
  if (best && gain >= need) {
    struct zhfix__edit ed;
    t->cp[i] = cand[best];
    ed.from = t->src[i];
    ed.to = t->src[i] + 1;
    ed.kind = "misconversion";
    ed.margin = gain;
    ed.after = &t->cp[i];
    ed.nafter = 1;
    report(ctx, &ed);
  }
}

bool zhfix__misconv_member(uint32_t c)
{
  size_t k;
  pthread_once(&bmp_once, bmp_build);
  pthread_once(&doublings_once, doublings_build);
  if (index_of(0, c) >= 0 || index_of(1, c) >= 0)
    return true;
  for (k = 0; k < ndoublings; k++)
    if (doublings[k].nbad && doublings[k].bad[0] == c)
      return true;
  return false;
}

bool zhfix__misconv_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  const uint32_t *alt;
  zhfix_script script;
  size_t i;
  int side;

  pthread_once(&bmp_once, bmp_build);
  pthread_once(&prefix_once, prefix_build);
  if (!undouble(ctx, t, report))
    return false;
  script = zhfix__classify(t->cp, t->n, NULL);
  if (script != ZHFIX_SCRIPT_SIMPLIFIED && script != ZHFIX_SCRIPT_TRADITIONAL)
    return true;
  side = script == ZHFIX_SCRIPT_SIMPLIFIED;
  for (i = 0; i < t->n; i++)
    if (zhfix__is_han(t->cp[i]) && alternatives(side, t->cp[i], &alt))
      choose(ctx, t, i, side, report);
  return true;
}
