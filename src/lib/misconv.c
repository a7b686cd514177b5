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
 * writes first). Unless a Traditional text shows that a character-only
 * converter made it (below), a repair also needs the character language
 * model to read the window better by REPAIR_MODEL nats and a larger lexicon
 * margin, with a conversion target or without. A member that is its own
 * source (classical 至于) is never replaced. Lines without Han characters or
 * with both scripts (a half-converted line) are not touched. Doublings are the
 * exact forms the generator found and are repaired wherever they occur.
 *
 * In Traditional text, what converted the document changes this (see
 * zhfix_set_converter() and zhfix__misconv_evidence()): after a character-only
 * converter (the text holds none of the characters it never writes) the
 * lexicon's margin suffices, and a line without Simplified-only characters
 * is Traditional; after a person or a phrase
 * converter a character is weighed only inside a value of OpenCC's phrase
 * dictionaries that the text spells there (phrase_explains()), with the
 * repair-mode margins.
 *
 * The Traditional lexicon also holds OpenCC's phrases that jieba lacks (周数
 * -> 週數, 滚动条 -> 捲軸), at the lowest frequency a word has: such a word
 * also needs the model not to read the window much worse (PHRASE_MODEL).
 * Where STPhrases has a phrase both ways (才能 纔能, 回覆 回復), the text's
 * spelling stays (equal_spelling()). */
#include <pthread.h>
#include <stdatomic.h>
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
#define PHRASE_MODEL (-REPAIR_MODEL / 2) /* what a word known only as a phrase needs */
#define WINDOW 2
/* What converted the document (zhfix_set_converter()): Han characters of
 * Traditional lines without a character no character-only converter writes
 * that make it CHARACTER (human Traditional text has one every ~130-260 Han
 * characters: Debian's LibreOffice help, maint-guide, manpages-zh zh_TW), and
 * Han characters of any lines after which, undecided, it is OTHER. */
#define EVIDENCE_CHARACTER 4000
#define EVIDENCE_ANY 40000
/* A lexicon cost's bit: the word is known only as a value of OpenCC's phrase
 * dictionaries (data/gen_misconv.py), not from the word list. */
#define PHRASE_ONLY 0x80

/* The doublings as code points, decoded once. */
static struct doubling {
  uint32_t bad[32], good[32];
  size_t nbad, ngood;
} *doublings;
static size_t ndoublings;
static uint8_t doubling_first[0x10000 / 8]; /* a bit per BMP first character of a doubling */
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
    if (doublings[i].nbad && doublings[i].bad[0] < 0x10000)
      doubling_first[doublings[i].bad[0] >> 3] |= (uint8_t)(1u << (doublings[i].bad[0] & 7));
  }
  ndoublings = zhfix__misconv.ndoubling;
}

/* Replace every doubled form in t by its right form. */
static bool undouble(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report,
                     bool *changed)
{
  size_t i, k;

  pthread_once(&doublings_once, doublings_build);
  for (i = 0; i < t->n; i++) {
    uint32_t c = t->cp[i];
    if (c < 0x10000 && !(doubling_first[c >> 3] >> (c & 7) & 1))
      continue;
    if (!zhfix__is_han(c))
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
      *changed = true;
      i = i > 0 ? i - 1 : 0; /* a tripled form: look again */
      break;
    }
  }
  return true;
}

/* Per side, the index + 1 of each BMP character in cp[] (0: none), built once:
 * every Han character of every line is looked up. */
static uint16_t bmp_index[2][0x10000];
/* Per side, what choose() reads of each BMP character: its set's
 * representative if it is a Han character (rep_of()), else 0. */
static uint16_t bmp_rep[2][0x10000]; /* (a set's least member: in the BMP too) */
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

static void bmp_build(void)
{
  int side;
  size_t k;
  uint32_t c;
  for (side = 0; side < 2; side++)
    for (k = 0; k < zhfix__misconv.n[side]; k++)
      if (zhfix__misconv.cp[side][k] < 0x10000)
        bmp_index[side][zhfix__misconv.cp[side][k]] = (uint16_t)(k + 1);
  /* A Han character is its own representative, unless it is a member. */
  for (c = 0x2E80; c < 0x10000; c++)
    if (zhfix__is_han(c))
      bmp_rep[0][c] = bmp_rep[1][c] = (uint16_t)c;
  for (side = 0; side < 2; side++)
    for (k = 0; k < zhfix__misconv.n[side]; k++) {
      c = zhfix__misconv.cp[side][k];
      if (c < 0x10000 && zhfix__is_han(c))
        bmp_rep[side][c] = (uint16_t)zhfix__misconv.rep[side][k];
    }
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

/* How much better (nats) the language model reads the WINDOW characters on
 * each side of t->cp[i] with c there instead. */
static double model_gain(struct zhfix__text *t, size_t i, uint32_t c, int side)
{
  size_t lo = i > WINDOW ? i - WINDOW : 0, hi = i + WINDOW + 1 < t->n ? i + WINDOW + 1 : t->n;
  uint32_t orig = t->cp[i];
  double lm = lm_window(t, lo, hi, side);
  t->cp[i] = c;
  lm -= lm_window(t, lo, hi, side);
  t->cp[i] = orig;
  return lm;
}

/* The representative of cp's set of alternatives, or cp. */
static uint32_t rep_of(int side, uint32_t cp)
{
  long k = index_of(side, cp);
  return k < 0 ? cp : zhfix__misconv.rep[side][k];
}

/* Decode one character of the lexicon (valid UTF-8, as data/gen_misconv.py
 * writes it) at p < end: its length. */
static inline size_t lex_decode(const char *p, const char *end, uint32_t *cp)
{
  const unsigned char *u = (const unsigned char *)p;
  if ((u[0] & 0xF0) == 0xE0 && end - p >= 3) {
    *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return 3;
  }
  return zhfix__utf8_decode(p, end, cp);
}

/* The character at code point offset k of lexicon entry e's word (its last
 * one if the word is shorter), as lex_scores() reads it; n: the key's bytes. */
static uint32_t word_char(int side, size_t e, size_t n, size_t k)
{
  const char *w = zhfix__misconv.lex[side] + zhfix__misconv.lex_off[side][e] + n + 1;
  const char *end = w + strlen(w);
  uint32_t cp = 0;
  size_t i;
  for (i = 0; i <= k && w < end; i++)
    w += lex_decode(w, end, &cp);
  return cp;
}

/* Per side, the lexicon's keys of 2-4 characters (zhfix__misconv.lexkey[],
 * decoded, grouped and hashed by data/gen_misconv.py) in an open-addressing
 * hash table: a span's words without a binary search over the key strings,
 * and, per offset, the character all of a key's words have there
 * (ZHFIX__AT_MANY: they differ), which tells that the words of a span cannot
 * vote for another member than the text's own (see may_change()). */

/* key_hash() must stay what data/gen_misconv.py's key_hash() computes: the
 * generator places the keys in lexslot[] by it. cp[0, len): code points. */
static uint32_t key_hash(const uint32_t *cp, size_t len)
{
  uint32_t h = (uint32_t)len * 0x9E3779B1u;
  size_t i;
  for (i = 0; i < len; i++)
    h = (h ^ cp[i]) * 0x85EBCA77u;
  return h ^ (h >> 15);
}

/* The key cp[0, len) (code points, representatives) of the side's lexicon,
 * or NULL. */
static const struct zhfix__lexkey *lexkey_find(int side, const uint32_t *cp, size_t len)
{
  const uint32_t *slot = zhfix__misconv.lexslot[side], mask = zhfix__misconv.lexmask[side];
  uint32_t h = key_hash(cp, len) & mask, x;
  while ((x = slot[h]) != 0) {
    const struct zhfix__lexkey *e = &zhfix__misconv.lexkey[side][x - 1];
    if (e->len == len && memcmp(e->cp, cp, len * sizeof *cp) == 0)
      return e;
    h = (h + 1) & mask;
  }
  return NULL;
}

/* The character all of key e's words have at offset k (< e->len), or
 * ZHFIX__AT_MANY (the table writes 0 where it is the key's own). */
static uint32_t key_at(const struct zhfix__lexkey *e, size_t k)
{
  return e->at[k] ? e->at[k] : e->cp[k];
}

/* The lexicon words whose key is kcp[0, klen) (code points): entries
 * [*lo, *hi) (empty if none). */
static void lex_range(int side, const uint32_t *kcp, size_t klen, size_t *lo, size_t *hi)
{
  const struct zhfix__lexkey *e = lexkey_find(side, kcp, klen);
  *lo = e ? e->lo : 0;
  *hi = e ? e[1].lo : 0; /* (the next key's first word, or the end's) */
}

/* For each lexicon word whose key is kcp[0, klen) (n bytes as UTF-8), the
 * character at code point offset k: raise its score in cand/score (ncand
 * entries) to the word's cost; phrase[j]: the score is that of a word known
 * only from OpenCC's phrases (PHRASE_ONLY; a word of the word list of the
 * same cost wins). Such a word never scores for cand[0], the text's own
 * character: a phrase converter writes it, right or wrong (被髮 of 被髮明),
 * so it says nothing for it. */
static void lex_scores(int side, size_t n, const uint32_t *kcp, size_t klen,
                       size_t k, const uint32_t *cand, int *score, bool *phrase, size_t ncand)
{
  size_t lo, hi, j;

  lex_range(side, kcp, klen, &lo, &hi);
  for (; lo < hi; lo++) {
    uint32_t cp = word_char(side, lo, n, k);
    int cost = zhfix__misconv.lex_cost[side][lo] & ~PHRASE_ONLY;
    bool only = zhfix__misconv.lex_cost[side][lo] & PHRASE_ONLY;
    for (j = only; j < ncand; j++)
      if (cand[j] == cp && (cost > score[j] || (cost == score[j] && !only))) {
        score[j] = cost;
        phrase[j] = only;
      }
  }
}

/* Per side, a bit per hash of the first two characters of every lexicon key:
 * most spans of text start no word, and one lookup here says so. 64 KiB per
 * script for 23k prefixes on the Traditional side: about 4% false positives,
 * which only cost a lexkey_find() (a larger table costs more memory touched
 * at start than it saves). */
#define PREFIX_LOG 19
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
  /* Only the keys of 2-4 characters (lexkey[]) are ever found: theirs are
   * the prefixes that matter. */
  for (side = 0; side < 2; side++)
    for (k = 0; k < zhfix__misconv.nlexkey[side]; k++) {
      const struct zhfix__lexkey *e = &zhfix__misconv.lexkey[side][k];
      uint32_t h = prefix_hash(e->cp[0], e->cp[1]);
      prefix_bits[side][h >> 3] |= (uint8_t)(1u << (h & 7));
    }
}

static bool may_start_word(int side, uint32_t a, uint32_t b)
{
  uint32_t h = prefix_hash(a, b);
  return prefix_bits[side][h >> 3] >> (h & 7) & 1;
}

/* Is the NUL-terminated key one of the n sorted strings of blob, which start
 * at off[] (data/gen_misconv.py's write_blob())? */
static bool blob_has(const char *blob, const uint32_t *off, size_t n, const char *key)
{
  size_t a = 0, b = n;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    int c = strcmp(blob + off[mid], key);
    if (c == 0)
      return true;
    if (c < 0)
      a = mid + 1;
    else
      b = mid;
  }
  return false;
}

/* Write t->cp[s, s + len) as UTF-8 to out, with c in place of t->cp[i]:
 * the bytes written (at most 4 per character). */
static size_t span_utf8(const struct zhfix__text *t, size_t s, size_t len, size_t i, uint32_t c,
                        char *out)
{
  size_t n = 0, j;
  for (j = s; j < s + len; j++)
    n += zhfix__utf8_encode(j == i ? c : t->cp[j], out + n);
  return n;
}

/* Is t->cp[i] inside a value of a phrase converter's dictionary
 * (zhfix__misconv.phrase: STPhrases, TWPhrases) that the text spells there?
 * Then a phrase converter may have written it, right or wrong (被髮 in 被髮明:
 * s2t took 被发 as a phrase). */
static bool phrase_explains(const struct zhfix__text *t, size_t i)
{
  size_t len, s, n;
  char key[8 * 4 + 1];

  for (len = 2; len <= 8; len++)
    for (s = i + 1 >= len ? i + 1 - len : 0; s <= i && s + len <= t->n; s++) {
      n = span_utf8(t, s, len, i, t->cp[i], key);
      key[n] = '\0';
      if (blob_has(zhfix__misconv.phrase, zhfix__misconv.phrase_off, zhfix__misconv.nphrase, key))
        return true;
    }
  return false;
}

/* Does a span of 2-8 characters around t->cp[i] spell one value of an
 * STPhrases key, and with c at i another (才能 纔能)? Then OpenCC has the
 * phrase both ways, and the text's spelling is not an error. */
static bool equal_spelling(const struct zhfix__text *t, size_t i, uint32_t c)
{
  size_t len, s, n;
  char key[2 * 8 * 4 + 2];

  for (len = 2; len <= 8; len++)
    for (s = i + 1 >= len ? i + 1 - len : 0; s <= i && s + len <= t->n; s++) {
      n = span_utf8(t, s, len, i, t->cp[i], key);
      key[n++] = '\t';
      n += span_utf8(t, s, len, i, c, key + n);
      key[n] = '\0';
      if (blob_has(zhfix__misconv.equal, zhfix__misconv.equal_off, zhfix__misconv.nequal, key))
        return true;
    }
  return false;
}

/* A bit per BMP character of zhfix__misconv.never, set once. */
static uint8_t never_bits[0x10000 / 8];
static pthread_once_t never_once = PTHREAD_ONCE_INIT;

static void never_build(void)
{
  size_t k;
  for (k = 0; k < zhfix__misconv.nnever; k++)
    if (zhfix__misconv.never[k] < 0x10000)
      never_bits[zhfix__misconv.never[k] >> 3] |= (uint8_t)(1u << (zhfix__misconv.never[k] & 7));
}

/* Is c one of the Traditional members no character-only converter writes? */
static bool never_written(uint32_t c)
{
  if (c < 0x10000)
    return never_bits[c >> 3] >> (c & 7) & 1;
  return zhfix__find_u32(zhfix__misconv.never, zhfix__misconv.nnever, c) >= 0;
}

/* zhfix__utf8_decode() at p < end, with valid three-byte characters inline. */
static inline size_t decode_at(const unsigned char *p, const unsigned char *end, uint32_t *c)
{
  if ((p[0] & 0xF0) == 0xE0 && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
    uint32_t v = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
      *c = v;
      return 3;
    }
  }
  return zhfix__utf8_decode((const char *)p, (const char *)end, c);
}

/* zhfix__misconv_evidence() while undecided: the Han characters of text[0,
 * len) (UTF-8; invalid bytes are skipped, ASCII runs at once). */
static void evidence_read(zhfix_ctx *ctx, const char *text, size_t len)
{
  const unsigned char *p = (const unsigned char *)text, *end = p + len;
  struct zhfix__script_count c = {0, 0, 0};
  uint32_t cp[256];
  bool never = false;
  size_t n = 0, l;

  pthread_once(&never_once, never_build);
  while (p < end) {
    if (*p < 0x80) {
      p = (const unsigned char *)zhfix__ascii_end((const char *)p, (const char *)end);
      continue;
    }
    if ((l = decode_at(p, end, &cp[n])) == 0) {
      p++;
      continue;
    }
    p += l;
    if (cp[n] < 0x2E80)
      continue; /* (no Han below U+2E80: zhfix__script_counted() skips them) */
    if (cp[n] >= 0x3400 && never_written(cp[n]))
      never = true;
    if (++n == sizeof cp / sizeof *cp) {
      zhfix__script_counted(cp, n, &c);
      n = 0;
    }
  }
  if (n)
    zhfix__script_counted(cp, n, &c);
  if (c.han == 0)
    return;
  ctx->converter_han[1] += c.han;
  if (c.traditional_only > 0 && c.simplified_only == 0) {
    if (never) {
      ctx->converter = ZHFIX_CONVERTER_OTHER;
      return;
    }
    if ((ctx->converter_han[0] += c.han) >= EVIDENCE_CHARACTER)
      ctx->converter = ZHFIX_CONVERTER_CHARACTER;
  }
  if (ctx->converter == ZHFIX_CONVERTER_UNKNOWN && ctx->converter_han[1] >= EVIDENCE_ANY)
    ctx->converter = ZHFIX_CONVERTER_OTHER;
}

void zhfix__misconv_evidence(zhfix_ctx *ctx, const char *text, size_t len)
{
  if (ctx->converter == ZHFIX_CONVERTER_UNKNOWN)
    evidence_read(ctx, text, len); /* (else decided, or set) */
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
  bool phrase[8];
  size_t ncand, len, s, j, best = 0, lo;
  uint32_t rep[7];
  double gain, need;
  bool strict;

  ncand = (size_t)alternatives(side, t->cp[i], &alt);
  if (ncand > 7)
    ncand = 7;
  cand[0] = t->cp[i];
  memcpy(cand + 1, alt, ncand * sizeof *alt);
  ncand++;
  for (j = 0; j < ncand; j++) {
    score[j] = 0;
    phrase[j] = false;
  }
  /* The representatives of t[i - 3, i + 4), once. */
  lo = i > 3 ? i - 3 : 0;
  for (j = lo; j < i + 4 && j < t->n; j++)
    rep[j - lo] = t->cp[j] < 0x10000 ? bmp_rep[side][t->cp[j]]
                  : zhfix__is_han(t->cp[j]) ? rep_of(side, t->cp[j]) : 0;
  for (len = 2; len <= 4; len++)
    for (s = i + 1 >= len ? i + 1 - len : 0; s <= i && s + len <= t->n; s++) {
      size_t n = 0;
      if (!rep[s - lo] || !rep[s + 1 - lo] || !may_start_word(side, rep[s - lo], rep[s + 1 - lo]))
        continue;
      for (j = s; j < s + len && rep[j - lo]; j++)
        n += rep[j - lo] < 0x10000 ? 3 : 4; /* (UTF-8 bytes: Han is >= U+2E80) */
      if (j == s + len)
        lex_scores(side, n, rep + (s - lo), len, i - s, cand, score, phrase, ncand);
    }
  for (j = 1; j < ncand; j++)
    if (score[j] > score[best])
      best = j;
  gain = (score[best] - score[0]) / 8.0;
  need = margin_for(side, t->cp[i]);
  /* How sure to be. In a Traditional text a character-only converter wrote,
   * its first choices are suspects and the lexicon's margin suffices; after
   * a person or a phrase converter only a character a phrase explains is
   * weighed; else (undecided, and in Simplified text: 画出 is not 划出) the
   * strict margins: the language model must read the window with the
   * alternative much better too. With or without a conversion target. */
  strict = side == 1 || ctx->converter != ZHFIX_CONVERTER_CHARACTER;
  /* (each test below can only keep the character, so the cheap ones come
   * first: the strict lexicon margin, and members that are their own source) */
  if (best && gain >= need && strict && gain < (side ? REPAIR_LEXICON_SIMP : REPAIR_LEXICON))
    best = 0;
  /* A member that is its own source (于 among 於 于) is never a converter's
   * first choice: text that has it chose it (classical 至于). */
  if (best && zhfix__find_u32(zhfix__misconv.ident[side], zhfix__misconv.nident[side],
                              t->cp[i]) >= 0)
    best = 0;
  if (side == 0 && ctx->converter == ZHFIX_CONVERTER_OTHER && best && gain >= need &&
      !phrase_explains(t, i))
    best = 0;
  /* A word known only from OpenCC's phrases has no frequency of its own:
   * it also needs the model not to read the window much worse with it. */
  if (best && gain >= need && !strict && phrase[best] &&
      model_gain(t, i, cand[best], side) < PHRASE_MODEL)
    best = 0;
  if (best && gain >= need && strict &&
      (gain < (side ? REPAIR_LEXICON_SIMP : REPAIR_LEXICON) ||
       model_gain(t, i, cand[best], side) < REPAIR_MODEL))
    best = 0;
  if (best && gain >= need && side == 0 && equal_spelling(t, i, cand[best]))
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

/* Set (release) once bmp_build() and doublings_build() have run:
 * zhfix__misconv_member_of(), asked for every BMP character by quick.c,
 * loads it (acquire) rather than calling pthread_once() twice each time. */
static atomic_bool member_ready;

unsigned zhfix__misconv_member_of(uint32_t c)
{
  unsigned m = 0;
  size_t k;
  if (!atomic_load_explicit(&member_ready, memory_order_acquire)) {
    pthread_once(&bmp_once, bmp_build);
    pthread_once(&doublings_once, doublings_build);
    atomic_store_explicit(&member_ready, true, memory_order_release);
  }
  if (c < 0x10000 && doublings) /* (the tables, for the BMP) */
    return (bmp_index[0][c] ? ZHFIX__MISCONV_TRAD : 0) | (bmp_index[1][c] ? ZHFIX__MISCONV_SIMP : 0) |
           (doubling_first[c >> 3] >> (c & 7) & 1 ? ZHFIX__MISCONV_DOUBLING : 0);
  if (index_of(0, c) >= 0)
    m |= ZHFIX__MISCONV_TRAD;
  if (index_of(1, c) >= 0)
    m |= ZHFIX__MISCONV_SIMP;
  for (k = 0; k < ndoublings; k++)
    if (doublings[k].nbad && doublings[k].bad[0] == c)
      m |= ZHFIX__MISCONV_DOUBLING;
  return m;
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

/* Could choose() change t->cp[i]? Only when a word of some span around i
 * votes for another member than t->cp[i]: a key of the lexicon whose words
 * do not all have t->cp[i] at i's offset. Without one every alternative
 * scores 0 and choose() keeps the character, so skipping it changes
 * nothing (tests/unit/test_properties.c compares with and without). */
static bool may_change(const struct zhfix__text *t, size_t i, int side)
{
  uint32_t rep[7];
  size_t lo = i > 3 ? i - 3 : 0, len, s, j;

  for (j = lo; j < i + 4 && j < t->n; j++)
    rep[j - lo] = t->cp[j] < 0x10000 ? bmp_rep[side][t->cp[j]]
                  : zhfix__is_han(t->cp[j]) ? rep_of(side, t->cp[j]) : 0;
  for (s = lo; s <= i && s + 1 < t->n; s++) {
    if (!rep[s - lo] || !rep[s + 1 - lo] || !may_start_word(side, rep[s - lo], rep[s + 1 - lo]))
      continue;
    for (len = i - s + 1 > 2 ? i - s + 1 : 2; len <= 4 && s + len <= t->n; len++) {
      const struct zhfix__lexkey *e;
      for (j = s; j < s + len && rep[j - lo]; j++)
        ;
      if (j < s + len)
        break; /* (longer spans hold the same non-Han character) */
      e = lexkey_find(side, rep + (s - lo), len);
      if (e && key_at(e, i - s) != t->cp[i])
        return true;
    }
  }
  return false;
}

/* A cheaper test that may_change() needs to pass, for each character of a
 * line: per side, a bit per hash of (member c, representative r, direction),
 * set when some lexicon key has c's representative at an offset k where its
 * words do not all have c (a key that may vote against c) and r beside it:
 * at k - 1 (r is the left neighbour), or at 1 when k is 0 (the right one).
 * may_change(t, i) needs such a key over i: a key holds i's left neighbour
 * (k >= 1) or, starting at i, its right one. With neither bit set for i's
 * neighbours it is false, so choose() is not called there either way. */
#define NEAR_LOG ZHFIX__NEAR_LOG /* 256 KiB per side: about 27k bits set on the Traditional side */
static uint8_t near_bits[2][(1u << NEAR_LOG) / 8]; /* (set from zhfix__misconv.near[]) */
static bool near_ok; /* built (else every character passes) */
static pthread_once_t near_once = PTHREAD_ONCE_INIT;

/* The bit of (member c, representative r beside it, right: r after c).
 * data/gen_misconv.py's near_hash() must compute the same: it sets the bits
 * (zhfix__misconv.near[]). */
static uint32_t near_hash(uint32_t c, uint32_t r, int right)
{
  uint32_t h = (c * 0x9E3779B1u) ^ (r + (right ? 0x7F4A7C15u : 0));
  h *= 0x85EBCA77u;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  return h >> (32 - NEAR_LOG);
}

/* Per BMP character: ZHFIX__MISCONV_TRAD, _SIMP (a member of a set of that
 * side), _DOUBLING (the first character of a doubled form), MEMBER_HAN. */
#define MEMBER_HAN 8
static uint8_t member_bits[0x10000];

static void near_build(void)
{
  int side;
  size_t k;
  uint32_t u;

  pthread_once(&bmp_once, bmp_build);
  pthread_once(&doublings_once, doublings_build);
  if (!doublings)
    return;
  for (k = 0; k < ndoublings; k++)
    if (doublings[k].nbad && doublings[k].bad[0] < 0x10000)
      member_bits[doublings[k].bad[0]] |= ZHFIX__MISCONV_DOUBLING;
  for (u = 0x2E80; u < 0x10000; u++)
    if (zhfix__is_han(u))
      member_bits[u] |= MEMBER_HAN;
  for (side = 0; side < 2; side++) {
    const uint32_t *near = zhfix__misconv.near[side];
    for (k = 0; k < zhfix__misconv.n[side]; k++)
      if (zhfix__misconv.cp[side][k] < 0x10000)
        member_bits[zhfix__misconv.cp[side][k]] |= side ? ZHFIX__MISCONV_SIMP : ZHFIX__MISCONV_TRAD;
    for (k = 0; k < zhfix__misconv.nnear[side]; k++)
      near_bits[side][near[k] >> 3] |= (uint8_t)(1u << (near[k] & 7));
  }
  near_ok = true;
}

/* Can may_change() be true for member c between neighbours whose
 * representatives (as may_change() reads them, 0: not Han) are left and right? */
static inline bool near_word(int side, uint32_t c, uint32_t left, uint32_t right)
{
  uint32_t h;
  if (!near_ok)
    return true;
  if (left) {
    h = near_hash(c, left, 0);
    if (near_bits[side][h >> 3] >> (h & 7) & 1)
      return true;
  }
  if (right) {
    h = near_hash(c, right, 1);
    if (near_bits[side][h >> 3] >> (h & 7) & 1)
      return true;
  }
  return false;
}

/* The representative of t->cp[j] as may_change() reads it (0: not Han). */
static uint32_t rep_at(const struct zhfix__text *t, size_t j, int side)
{
  return t->cp[j] < 0x10000 ? bmp_rep[side][t->cp[j]]
         : zhfix__is_han(t->cp[j]) ? rep_of(side, t->cp[j]) : 0;
}

/* Decode the character at p < end of valid UTF-8 (three-byte ones inline). */
static inline size_t next_char(const unsigned char *p, const unsigned char *end, uint32_t *c)
{
  if (p[0] < 0x80) {
    *c = p[0];
    return 1;
  }
  if ((p[0] & 0xF0) == 0xE0 && end - p >= 3) {
    *c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    return 3;
  }
  return zhfix__utf8_decode((const char *)p, (const char *)end, c);
}

/* bmp_rep[side][c], read only for members (a Han character that is none
 * is its own representative, any other character 0). */
static uint32_t quiet_rep(int side, uint32_t c)
{
  unsigned f = member_bits[c];
  if (f & (side ? ZHFIX__MISCONV_SIMP : ZHFIX__MISCONV_TRAD))
    return bmp_rep[side][c];
  return f & MEMBER_HAN ? c : 0;
}

/* Could a lexicon word next to member c (between prev and next) vote against
 * it, on the sides in bits (ZHFIX__MISCONV_TRAD, _SIMP)? */
static bool member_near_word(unsigned bits, uint32_t c, uint32_t prev, uint32_t next)
{
  return ((bits & ZHFIX__MISCONV_TRAD) && near_word(0, c, quiet_rep(0, prev), quiet_rep(0, next))) ||
         ((bits & ZHFIX__MISCONV_SIMP) && near_word(1, c, quiet_rep(1, prev), quiet_rep(1, next)));
}

bool zhfix__misconv_quiet(const char *s, size_t len, unsigned sides)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  uint32_t prev = 0;

  pthread_once(&near_once, near_build);
  if (!near_ok)
    return false;
  while (p < end) {
    uint32_t c, next = 0;
    unsigned f;
    size_t l = next_char(p, end, &c);
    if (l == 0 || c >= 0x10000)
      return false; /* (astral characters: let the stage look) */
    p += l;
    f = member_bits[c];
    if (f & ZHFIX__MISCONV_DOUBLING)
      return false;
    if (f & sides) {
      if (p < end && (next_char(p, end, &next) == 0 || next >= 0x10000))
        return false;
      if (member_near_word(f & sides, c, prev, next))
        return false;
    }
    prev = c;
  }
  return true;
}

/* The characters before and after the character of l bytes at p in the
 * line u[0, end) (valid UTF-8): *prev and *next, 0 at the line's ends. False
 * where one is astral (the stage is left to look). Three-byte neighbours,
 * most of them, are found without a scan: in valid UTF-8 a lead byte three
 * bytes back starts the character before. */
static inline bool neighbours(const unsigned char *u, const unsigned char *p, size_t l,
                              const unsigned char *end, uint32_t *prev, uint32_t *next)
{
  const unsigned char *b = p;

  *prev = *next = 0;
  if (p - u >= 3 && (p[-3] & 0xF0) == 0xE0) {
    b = p - 3;
  } else if (b > u) {
    do
      b--;
    while (b > u && (*b & 0xC0) == 0x80);
  }
  if (b < p && (next_char(b, p, prev) != (size_t)(p - b) || *prev >= 0x10000))
    return false;
  return p + l >= end || (next_char(p + l, end, next) > 0 && *next < 0x10000);
}

bool zhfix__misconv_quiet_at(const char *s, size_t len, const uint32_t *at, size_t n,
                             unsigned sides)
{
  const unsigned char *u = (const unsigned char *)s, *end = u + len;
  size_t k;

  pthread_once(&near_once, near_build);
  if (!near_ok)
    return false;
  for (k = 0; k < n; k++) {
    const unsigned char *p = u + at[k];
    uint32_t c, prev, next;
    size_t l = p < end ? next_char(p, end, &c) : 0;
    unsigned f;
    if (l == 0 || c >= 0x10000)
      return false;
    f = member_bits[c];
    if (f & ZHFIX__MISCONV_DOUBLING)
      return false;
    if (!(f & sides))
      continue;
    if (!neighbours(u, p, l, end, &prev, &next))
      return false;
    if (member_near_word(f & sides, c, prev, next))
      return false;
  }
  return true;
}

bool zhfix__misconv_no_filter; /* for tests: call choose() everywhere */

/* Characters on each side of a member that choose() and may_change() read:
 * phrase_explains() and equal_spelling() spans of up to 8 characters. */
#define TRIAL_SIDE 7

/* Decode the characters around the one at byte p of the valid UTF-8 line
 * s[0, len), up to TRIAL_SIDE on each side, into cp[] and src[] (room for
 * 2 * TRIAL_SIDE + 1): their number; *at receives the index of p's. 0 if
 * one of them is outside the BMP. */
static size_t trial_window(const char *s, size_t len, size_t p, uint32_t *cp, uint32_t *src,
                           size_t *at)
{
  const unsigned char *u = (const unsigned char *)s, *end = u + len, *b = u + p;
  size_t n = 0, k, l;

  for (k = 0; k < TRIAL_SIDE && b > u; k++)
    do
      b--;
    while (b > u && (*b & 0xC0) == 0x80);
  *at = k;
  for (; b < end && n <= *at + TRIAL_SIDE; b += l, n++) {
    l = next_char(b, end, &cp[n]);
    if (l == 0 || cp[n] >= 0x10000)
      return 0;
    src[n] = (uint32_t)n;
  }
  return n;
}

/* Does a doubled form start at p < end (valid UTF-8, c the character
 * there)? Then undouble() changes the line. */
static bool doubled_at(const unsigned char *p, const unsigned char *end, uint32_t c)
{
  size_t k;
  if (!zhfix__is_han(c))
    return false; /* (undouble() looks at Han characters only) */
  for (k = 0; k < ndoublings; k++) {
    const char *bad = zhfix__misconv.doubling[2 * k];
    size_t l = strlen(bad);
    if (doublings[k].bad[0] == c && (size_t)(end - p) >= l && memcmp(p, bad, l) == 0)
      return true;
  }
  return false;
}

/* The tables the trial reads (those of repair_as()), in one pthread_once()
 * per line. */
static pthread_once_t trial_once = PTHREAD_ONCE_INIT;

static void trial_build(void)
{
  pthread_once(&bmp_once, bmp_build);
  pthread_once(&prefix_once, prefix_build);
  pthread_once(&near_once, near_build);
}

bool zhfix__misconv_trial_at(zhfix_ctx *ctx, const char *s, size_t len, const uint32_t *at,
                             size_t n, int script, zhfix__edit_fn report)
{
  const unsigned char *u = (const unsigned char *)s, *end = u + len;
  uint32_t cp[2 * TRIAL_SIDE + 1], src[2 * TRIAL_SIDE + 1];
  struct zhfix__text t = {cp, src, 0, 2 * TRIAL_SIDE + 1};
  const uint32_t *alt;
  int side = script == ZHFIX_SCRIPT_SIMPLIFIED;
  bool sided = script == ZHFIX_SCRIPT_SIMPLIFIED || script == ZHFIX_SCRIPT_TRADITIONAL;
  /* (the member bits of the line's side, none for other scripts) */
  unsigned bit = !sided ? 0 : side ? ZHFIX__MISCONV_SIMP : ZHFIX__MISCONV_TRAD;
  unsigned want = bit | ZHFIX__MISCONV_DOUBLING;
  size_t k, i;

  /* repair_as() classifies the line again for these (and the tests' switch
   * has choose() weigh every member). */
  if (script == ZHFIX_SCRIPT_TIE || ctx->converter == ZHFIX_CONVERTER_CHARACTER ||
      zhfix__misconv_no_filter)
    return false;
  pthread_once(&trial_once, trial_build);
  if (!near_ok)
    return false;
  for (k = 0; k < n; k++) {
    const unsigned char *p = u + at[k];
    uint32_t c, prev, next;
    unsigned f;
    /* (the scan's members are Han characters: three bytes each) */
    if (at[k] + 3 > len || (p[0] & 0xF0) != 0xE0)
      return false;
    c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    f = member_bits[c];
    if (!(f & want))
      continue;
    /* undouble() changes any doubled form. */
    if ((f & ZHFIX__MISCONV_DOUBLING) && doubled_at(p, end, c)) {
      struct zhfix__edit ed = {0, 1, "misconversion", 0, NULL, 0};
      report(ctx, &ed);
      return true;
    }
    /* choose() weighs the members of the line's side (that have
     * alternatives, below); near_word() on the neighbours answers for most. */
    if (!(f & bit))
      continue;
    if (!neighbours(u, p, 3, end, &prev, &next))
      return false;
    if (!near_word(side, c, quiet_rep(side, prev), quiet_rep(side, next)) ||
        !bmp_index[side][c] || !alternatives(side, c, &alt) || !zhfix__is_han(c))
      continue;
    /* The others on the characters around them, which is all that
     * may_change() and choose() read. */
    t.n = trial_window(s, len, at[k], cp, src, &i);
    if (t.n == 0)
      return false;
    if (may_change(&t, i, side)) {
      choose(ctx, &t, i, side, report);
      if (t.cp[i] != c)
        return true; /* (choose() reported it) */
    }
  }
  return true;
}

bool zhfix__misconv_repair_as(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report,
                              int script)
{
  const uint32_t *alt;
  size_t i, n = t->n;
  int side;
  bool changed = false;

  pthread_once(&bmp_once, bmp_build);
  pthread_once(&prefix_once, prefix_build);
  pthread_once(&near_once, near_build);
  if (!undouble(ctx, t, report, &changed))
    return false;
  if (changed || n != t->n || script == ZHFIX_SCRIPT_TIE || ctx->converter == ZHFIX_CONVERTER_CHARACTER) {
    struct zhfix__script_count c = {0, 0, 0};
    script = zhfix__classify(t->cp, t->n, &c);
    /* A document a character-only converter wrote is Traditional (that is
     * how it was told): a line with no Simplified-only character is too. */
    if (ctx->converter == ZHFIX_CONVERTER_CHARACTER && c.han && !c.simplified_only)
      script = ZHFIX_SCRIPT_TRADITIONAL;
  }
  if (script != ZHFIX_SCRIPT_SIMPLIFIED && script != ZHFIX_SCRIPT_TRADITIONAL)
    return true;
  side = script == ZHFIX_SCRIPT_SIMPLIFIED;
  for (i = 0; i < t->n; i++)
    if ((t->cp[i] >= 0x10000 || bmp_index[side][t->cp[i]]) &&
        alternatives(side, t->cp[i], &alt) && zhfix__is_han(t->cp[i]))
      if (zhfix__misconv_no_filter ||
          (near_word(side, t->cp[i], i ? rep_at(t, i - 1, side) : 0,
                     i + 1 < t->n ? rep_at(t, i + 1, side) : 0) &&
           may_change(t, i, side)))
        choose(ctx, t, i, side, report);
  return true;
}

bool zhfix__misconv_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  return zhfix__misconv_repair_as(ctx, t, report, ZHFIX_SCRIPT_TIE);
}
