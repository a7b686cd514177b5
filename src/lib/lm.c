/* Character language model: unigram and word-internal bigram costs from the
 * generated tables (tables/lm.c: jieba's dict.txt, and the same words through
 * OpenCC for Traditional), interpolated, plus fixed costs for non-Han text.
 *
 * Costs are in nats (-ln P). A sequence is scored under the Simplified and the
 * Traditional model and the lower cost wins, so text in either script, or
 * converted to either, scores alike. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unicode/uchar.h>

#include "internal.h"

#define COST_SCALE 8.0   /* table units per nat (data/gen_tables.py) */
#define UNKNOWN_HAN 16.0 /* a Han character absent from the model */
#define UNKNOWN_END 0.69 /* -ln 1/2: an unknown character ends a word or not */
#define RARE_HAN 11.5    /* at or above: rare enough to be evidence of damage */
#define PUA 20.0         /* private use: a user-defined GB cell, damage */
#define LOST 9.0         /* U+FFFD: one character lost, as dear as an unknown one */
#define GLUED_LATIN 8.0  /* an ASCII letter touching Han or damage */
#define LATIN 1.0        /* an ASCII letter inside Latin text */
#define DIGIT 2.0
#define RARE_PUNCT 6.5   /* punctuation and symbols not in punct_cost() */
#define WORD_LETTER 3.0  /* accented Latin inside a word */
#define KANA 4.5         /* kana among kana or kanji: about -ln 1/90 */
#define HANGUL 7.0       /* Hangul syllable among others: about -ln 1/1000 */
#define LONE_LETTER 8.0  /* kana or accented Latin alone among other text */
#define SYMBOL 10.0      /* any other symbol: rare in Chinese text */

long zhfix__find_u32(const uint32_t *a, size_t n, uint32_t key)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && a[lo] == key ? (long)lo : -1;
}

/* exp(-k / COST_SCALE) for every k a cost sum can take (two table costs),
 * the same doubles han_cost() would compute each time. Built once. */
static double exp_cost[511];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
/* Set (release) once the tables are built: a lookup loads it (acquire)
 * rather than calling pthread_once() each time (tables_need()). */
static atomic_bool tables_ready;
static void tables_build(void); /* (below: bmp_build, exp_build) */

static inline void tables_need(void)
{
  if (!atomic_load_explicit(&tables_ready, memory_order_acquire))
    pthread_once(&tables_once, tables_build);
}

static void exp_build(void)
{
  size_t i;
  for (i = 0; i < sizeof exp_cost / sizeof *exp_cost; i++)
    exp_cost[i] = exp(-(double)i / COST_SCALE);
}

/* Per model and BMP character, built once, its unigram index + 1 (0: absent;
 * scoring candidates looks characters up millions of times) with its costs,
 * in one record: the cost of a Han character reads the records of it and of
 * the one before, rather than an index and three arrays for each (fewer
 * cache misses). */
struct bmp_rec {
  uint16_t idx; /* unigram index + 1; 0: absent */
  uint8_t uni, start, end;
};
static struct bmp_rec bmp_rec[2][0x10000];

static void bmp_build(void)
{
  static const struct zhfix__lm_table *const models[2] = {&zhfix__lm_simp, &zhfix__lm_trad};
  size_t i;
  int m;
  for (m = 0; m < 2; m++)
    for (i = 0; i < models[m]->nuni && models[m]->uni_cp[i] < 0x10000; i++) {
      struct bmp_rec *r = &bmp_rec[m][models[m]->uni_cp[i]];
      r->idx = (uint16_t)(i + 1);
      r->uni = models[m]->uni_cost[i];
      r->start = models[m]->start_cost[i];
      r->end = models[m]->end_cost[i];
    }
}

static inline long uni_index(const struct zhfix__lm_table *m, uint32_t cp)
{
  if (cp < 0x10000) {
    tables_need();
    return (long)bmp_rec[m == &zhfix__lm_trad][cp].idx - 1;
  }
  return zhfix__find_u32(m->uni_cp, m->nuni, cp);
}

/* Both of the above, built at once on first use (tables_need()). */
static void tables_build(void)
{
  bmp_build();
  exp_build();
  atomic_store_explicit(&tables_ready, true, memory_order_release);
}

static int bigram_cost(const struct zhfix__lm_table *m, long a, long b)
{
  uint32_t key = ((uint32_t)a << 16) | (uint32_t)b;
  const uint32_t *start = m->bi_start; /* (where each a's bigrams start: data/gen_tables.py) */
  long i;

  if ((size_t)a < m->nuni && a < 0x10000) {
    /* (zhfix__find_u32 over a's bigrams, inline) */
    size_t lo = start[a], hi = start[a + 1];
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (m->bi_key[mid] < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < start[a + 1] && m->bi_key[lo] == key ? m->bi_cost[lo] : -1;
  }
  i = zhfix__find_u32(m->bi_key, m->nbi, key);
  return i < 0 ? -1 : m->bi_cost[i];
}

/* Cost of Han character cp after prev (any character) under one model:
 * P(c | p) = P(p continues) P(c | p, inside a word) + P(p ends) P(c) P(c starts).
 * han_term() gives it as *v (returns false), or gives P as *v (returns true:
 * the cost is -log(*v)), so that two models' terms compare without the log. */
static bool han_term_bmp(const struct zhfix__lm_table *m, uint32_t prev, uint32_t cp, double *v);

static bool han_term(const struct zhfix__lm_table *m, uint32_t prev, uint32_t cp, double *v)
{
  long ic, ip;
  double end, p;
  int bc;

  if (cp < 0x10000 && prev < 0x10000)
    return han_term_bmp(m, prev, cp, v);
  ic = uni_index(m, cp);

  if (ic < 0) {
    *v = UNKNOWN_HAN;
    return false;
  }
  if (!zhfix__is_han(prev) || (ip = uni_index(m, prev)) < 0) {
    *v = m->uni_cost[ic] / COST_SCALE + m->start_cost[ic] / COST_SCALE;
    return false;
  }
  /* exp(-uni - start) and the others, from the table (costs are multiples
   * of 1/COST_SCALE, so the arguments are exact). */
  tables_need();
  end = exp_cost[m->end_cost[ip]];
  p = end * exp_cost[m->uni_cost[ic] + m->start_cost[ic]];
  bc = bigram_cost(m, ip, ic);
  if (bc >= 0)
    p += (1.0 - end) * exp_cost[bc];
  *v = p;
  return true;
}

/* han_term() for BMP characters, from their records: the same values. */
static bool han_term_bmp(const struct zhfix__lm_table *m, uint32_t prev, uint32_t cp, double *v)
{
  int t = m == &zhfix__lm_trad;
  const struct bmp_rec *rc, *rp;
  double end, p;
  int bc;

  tables_need();
  rc = &bmp_rec[t][cp];
  if (!rc->idx) {
    *v = UNKNOWN_HAN;
    return false;
  }
  rp = &bmp_rec[t][prev];
  if (prev < 0x2E80 || !rp->idx || !zhfix__is_han(prev)) { /* (no Han below U+2E80) */
    *v = rc->uni / COST_SCALE + rc->start / COST_SCALE;
    return false;
  }
  tables_need();
  end = exp_cost[rp->end];
  p = end * exp_cost[rc->uni + rc->start];
  bc = bigram_cost(m, rp->idx - 1, rc->idx - 1);
  if (bc >= 0)
    p += (1.0 - end) * exp_cost[bc];
  *v = p;
  return true;
}

static double han_cost(const struct zhfix__lm_table *m, uint32_t prev, uint32_t cp)
{
  double v;
  return han_term(m, prev, cp, &v) ? -log(v) : v;
}

/* Cost of ending a word at Han character cp (before punctuation, Latin, ...). */
static double end_cost(const struct zhfix__lm_table *m, uint32_t cp)
{
  long ic;
  if (cp < 0x10000) {
    const struct bmp_rec *r;
    tables_need();
    r = &bmp_rec[m == &zhfix__lm_trad][cp];
    return r->idx ? r->end / COST_SCALE : UNKNOWN_END;
  }
  ic = uni_index(m, cp);
  return ic < 0 ? UNKNOWN_END : m->end_cost[ic] / COST_SCALE;
}

static bool damage_or_han(uint32_t c)
{
  return c && (zhfix__is_han(c) || zhfix__is_pua(c) || c == 0xFFFD);
}

/* Costs of the punctuation of running Chinese text, fullwidth or folded to
 * ASCII: roughly -ln of its share of characters in modern prose (， about 5%,
 * 。 4%, 、 1%, ； ： ？ ！ well under 1%). Other marks cost RARE_PUNCT. */
static double punct_cost(uint32_t c)
{
  static const struct {
    uint32_t c;
    double cost;
  } marks[] = {
    {',', 3.0}, {0xFF0C, 3.0}, {0x3002, 3.3}, {'.', 4.0}, {0x3001, 4.5}, {' ', 4.0},
    {0x201C, 4.5}, {0x201D, 4.5}, {'"', 4.5}, {':', 5.0}, {0xFF1A, 5.0}, {';', 5.5},
    {0xFF1B, 5.5}, {'?', 5.5}, {0xFF1F, 5.5}, {'!', 5.5}, {0xFF01, 5.5}, {'(', 5.5},
    {')', 5.5}, {0xFF08, 5.5}, {0xFF09, 5.5}, {0x300A, 5.5}, {0x300B, 5.5},
    {0x300C, 5.5}, {0x300D, 5.5}, {0x3000, 5.5}, {0x2014, 4.5}, {0x2026, 4.5},
    {0x2018, 5.5}, {0x2019, 5.5}, {0x00B7, 5.5}, {0x300E, 5.5}, {0x300F, 5.5},
  };
  size_t i;
  for (i = 0; i < sizeof marks / sizeof *marks; i++)
    if (c == marks[i].c)
      return marks[i].cost;
  return 0;
}

/* Same script as c, for letters outside Han: a run of kana is Japanese, a run
 * of accented Latin letters is a European word. */
static bool kana(uint32_t c)
{
  return c >= 0x3040 && c <= 0x30FF;
}

static bool hangul(uint32_t c)
{
  return c >= 0xAC00 && c <= 0xD7A3;
}

static bool same_run(uint32_t c, uint32_t other)
{
  if (kana(c))
    return kana(other); /* a kana alone among Han is no Japanese, a wrong decode */
  if (hangul(c))
    return hangul(other);
  return other < 0x250 && u_isalpha((UChar32)other);
}

static double other_cost(uint32_t prev, uint32_t cp, uint32_t next)
{
  if (zhfix__is_pua(cp))
    return PUA;
  if (cp == 0xFFFD)
    return LOST;
  if (zhfix__is_ascii_alpha(cp))
    return damage_or_han(prev) || damage_or_han(next) ? GLUED_LATIN : LATIN;
  if (cp >= '0' && cp <= '9')
    return DIGIT;
  if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F)
    return PUA; /* controls: what a wrong decode makes */
  if (punct_cost(cp) > 0)
    return punct_cost(cp);
  if (cp < 0x80 || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF65) ||
      (cp >= 0x2010 && cp <= 0x206F))
    return RARE_PUNCT;
  /* Kana and accented Latin letters are cheap inside words of their own script
   * and dear alone among Han; every other symbol (box drawing, units, Greek,
   * Cyrillic, zhuyin) is rare in Chinese text: what a wrong decode produces. */
  if (kana(cp))
    return same_run(cp, prev) || same_run(cp, next) ? KANA : LONE_LETTER;
  if (hangul(cp))
    return same_run(cp, prev) || same_run(cp, next) ? HANGUL : LONE_LETTER;
  if (cp >= 0xC0 && cp < 0x17F && u_isalpha((UChar32)cp)) /* not ſ, Extended-B, IPA: rare */
    return same_run(cp, prev) || same_run(cp, next) ? WORD_LETTER : LONE_LETTER;
  if (u_charType((UChar32)cp) == U_UNASSIGNED || u_charType((UChar32)cp) == U_CONTROL_CHAR)
    return PUA; /* what a wrong decode makes: as dear as a private-use character */
  return SYMBOL;
}
static double seq_cost(const struct zhfix__lm_table *m, uint32_t prev, const uint32_t *cp,
                       size_t n, uint32_t next)
{
  double sum = 0;
  size_t i;

  for (i = 0; i <= n; i++) {
    uint32_t c = i < n ? cp[i] : next, p = i ? cp[i - 1] : prev;
    uint32_t after = i + 1 < n ? cp[i + 1] : i + 1 == n ? next : 0;
    if (c == 0 && i == n) /* the end (a NUL inside the text costs as a control) */
      break;
    if (zhfix__is_han(c))
      sum += han_cost(m, p, c);
    else
      sum += other_cost(p, c, after) + (zhfix__is_han(p) ? end_cost(m, p) : 0);
  }
  return sum;
}

double zhfix__lm_cost(uint32_t prev, const uint32_t *cp, size_t n, uint32_t next)
{
  double s = seq_cost(&zhfix__lm_simp, prev, cp, n, next);
  double t = seq_cost(&zhfix__lm_trad, prev, cp, n, next);
  return s < t ? s : t;
}

double zhfix__lm_cost_in(bool trad, uint32_t prev, const uint32_t *cp, size_t n, uint32_t next)
{
  return seq_cost(trad ? &zhfix__lm_trad : &zhfix__lm_simp, prev, cp, n, next);
}

double zhfix__lm_script_bias(const uint32_t *cp, size_t n)
{
  return seq_cost(&zhfix__lm_simp, 0, cp, n, 0) - seq_cost(&zhfix__lm_trad, 0, cp, n, 0);
}

/* No term of seq_cost() is larger: other_cost() is at most PUA; with an end
 * cost, or as -ln P of a Han character, at most three table costs (each
 * below 256 / COST_SCALE) and a little; UNKNOWN_HAN for good measure. */
#define TERM_MAX (3.0 * 255 / COST_SCALE + PUA + UNKNOWN_HAN)

bool zhfix__lm_reads_simplified(const uint32_t *cp, size_t n)
{
  double d = 0, bound;
  bool differ = false, prev_han = false;
  size_t i;

  /* Both sums of zhfix__lm_script_bias() add a term per character, in the
   * same order. Only the terms of a Han character, and of the character after
   * one (the word's end cost), can differ between the models; the others
   * (Latin letters, digits, punctuation: most characters of a line whose
   * counts tie) are the same double in both. When every term is the same in
   * both, so are the sums: the bias is 0, Simplified. */
  for (i = 0; i < n && cp[i] != 0; i++) {
    uint32_t c = cp[i], p = i ? cp[i - 1] : 0;
    double s, t;
    bool han = c >= 0x2E80 && zhfix__is_han(c); /* (nothing below is Han) */
    if (!han && !prev_han)
      continue;
    prev_han = han;
    if (han) {
      bool ls = han_term(&zhfix__lm_simp, p, c, &s), lt = han_term(&zhfix__lm_trad, p, c, &t);
      if (ls == lt && s == t)
        continue; /* (the same P, or the same cost: the same term) */
      s = ls ? -log(s) : s;
      t = lt ? -log(t) : t;
    } else {
      /* after Han: the terms are other_cost() + these, equal when these are */
      s = end_cost(&zhfix__lm_simp, p);
      t = end_cost(&zhfix__lm_trad, p);
    }
    if (s != t) {
      differ = true;
      d += s - t;
    }
  }
  if (!differ)
    return true;
  /* d is the bias but for rounding: each sum of up to n + 1 terms of at most
   * TERM_MAX is off by at most (n + 1)^2 TERM_MAX DBL_EPSILON / 2, and d by
   * less (its terms: the differences, each rounded once or twice). Outside
   * twice that, the bias has d's sign; inside, it is computed in full. */
  bound = 4.0 * (double)(n + 1) * (double)(n + 1) * DBL_EPSILON * TERM_MAX;
  if (d > bound)
    return false;
  if (d < -bound)
    return true;
  return zhfix__lm_script_bias(cp, n) <= 0;
}

double zhfix__lm_unigram(uint32_t cp)
{
  long is = uni_index(&zhfix__lm_simp, cp), it = uni_index(&zhfix__lm_trad, cp);
  double s = is < 0 ? UNKNOWN_HAN : zhfix__lm_simp.uni_cost[is] / COST_SCALE;
  double t = it < 0 ? UNKNOWN_HAN : zhfix__lm_trad.uni_cost[it] / COST_SCALE;
  return s < t ? s : t;
}

bool zhfix__lm_is_rare(uint32_t cp)
{
  const struct bmp_rec *s, *t;
  if (!zhfix__is_han(cp))
    return false;
  if (cp >= 0x10000)
    return zhfix__lm_unigram(cp) >= RARE_HAN;
  /* zhfix__lm_unigram(cp) >= RARE_HAN from the records: an unknown
   * character costs UNKNOWN_HAN (rare); a cost in table units is rare from
   * RARE_HAN * COST_SCALE on (exact: 92). */
  tables_need();
  s = &bmp_rec[0][cp];
  t = &bmp_rec[1][cp];
  return (!s->idx || s->uni >= RARE_HAN * COST_SCALE) && (!t->idx || t->uni >= RARE_HAN * COST_SCALE);
}
