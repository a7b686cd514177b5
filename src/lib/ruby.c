/* Ruby residue: a reading left behind when ruby markup was flattened to text,
 * `業(yè)`, `行(xing2)`, `臺ㄊㄞˊ`.
 *
 * An annotation is a candidate when it is one syllable of pinyin (tone marks or
 * tone digits, any case) in ASCII or fullwidth parentheses, or one syllable of
 * zhuyin, right after a Han character, and the syllable is one of that
 * character's readings (tables/readings.c: the Unihan union of kMandarin,
 * kHanyuPinyin, kXHC1983, kTGHZ2013, kHanyuPinlu).
 *
 * The line decides: its candidates are removed together, unless the line is
 * about pronunciation, which it shows by a teaching word (拼音, 读音, 多音字, …)
 * or by giving one character two different readings (重(chóng)新、重(zhòng)要).
 * Glosses of words (北京(Běijīng)) are never candidates: two syllables are not
 * a reading of one character. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>

#include "internal.h"

#define ANNOT_MAX 12 /* longest annotation, in code points */
#define GLOSSED_HAN 10.0 /* nats: a character this rare is worth a reading gloss */

/* Words that make a line about pronunciation, Simplified and Traditional. */
static const char *const teaching_words[] = {
  "拼音", "注音", "读音", "讀音", "多音字", "破音字", "读作", "讀作", "读成", "讀成",
  "念作", "唸作", "发音", "發音", "声调", "聲調", "音标", "音標", "读法", "讀法",
  "异读", "異讀", "又读", "又讀", "反切", "同音",
};

/* ---- pinyin ---- */

bool zhfix__parse_pinyin(const uint32_t *cp, size_t n, struct zhfix__syllable *syl)
{
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
  size_t i, k = 0;

  if (U_FAILURE(err) || n == 0)
    return false;
  syl->tone = 0;
  for (i = 0; i < n; i++) {
    UChar d[8];
    int32_t dn, j;
    uint32_t c = cp[i];

    if (c >= '1' && c <= '5' && i == n - 1 && k > 0 && syl->tone == 0) {
      syl->tone = (int)(c - '0');
      continue;
    }
    if (c < 0x80 || (c >= 0x300 && c <= 0x36F)) {
      /* ASCII, or a combining mark written separately (decomposed text). */
      if (c >= 0x300 && k == 0)
        return false;
      d[0] = 0;
      d[1] = (UChar)c;
      dn = 2;
      if (c < 0x80) {
        d[0] = (UChar)c;
        dn = 1;
      }
    } else {
      dn = unorm2_getDecomposition(nfd, (UChar32)c, d, 8, &err);
      if (U_FAILURE(err) || dn < 1)
        return false;
    }
    for (j = d[0] ? 0 : 1; j < dn; j++) {
      UChar u = d[j];
      if (j == 0) {
        if (!zhfix__is_ascii_alpha(u) || k + 1 >= sizeof syl->base)
          return false;
        syl->base[k++] = (char)(u | 0x20);
      } else if (u == 0x0304 || u == 0x0301 || u == 0x030C || u == 0x0300) {
        if (syl->tone)
          return false; /* two tone marks */
        syl->tone = u == 0x0304 ? 1 : u == 0x0301 ? 2 : u == 0x030C ? 3 : 4;
      } else if (u == 0x0308 && syl->base[k - 1] == 'u') {
        syl->base[k - 1] = 'v';
      } else {
        return false;
      }
    }
  }
  syl->base[k] = '\0';
  return k > 0;
}

/* ---- zhuyin ---- */

static const char *const zhuyin_initials[] = {
  "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
  "j", "q", "x", "zh", "ch", "sh", "r", "z", "c", "s",
}; /* U+3105 ㄅ .. U+3119 ㄙ */

static const char *const zhuyin_rimes[] = {
  "a", "o", "e", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "er",
}; /* U+311A ㄚ .. U+3126 ㄦ (ㄝ as "e") */

/* Final for medial ㄧ/ㄨ/ㄩ (1, 2, 3) + rime index (-1 for none). */
static const char *medial_final(int medial, int rime)
{
  static const char *const i_[] = {"ia", "io", NULL, "ie", "iai", NULL, "iao", "iu",
                                   "ian", "in", "iang", "ing", NULL};
  static const char *const u_[] = {"ua", "uo", NULL, NULL, "uai", "ui", NULL, NULL,
                                   "uan", "un", "uang", "ong", NULL};
  static const char *const v_[] = {NULL, NULL, NULL, "ve", NULL, NULL, NULL, NULL,
                                   "van", "vn", NULL, "iong", NULL};
  if (rime < 0)
    return medial == 1 ? "i" : medial == 2 ? "u" : "v";
  return (medial == 1 ? i_ : medial == 2 ? u_ : v_)[rime];
}

/* Parse one zhuyin syllable (with an optional tone mark before or after) into
 * pinyin spelling. Returns the number of code points used, 0 if none. */
static size_t parse_zhuyin(const uint32_t *cp, size_t n, struct zhfix__syllable *syl)
{
  const char *initial = "", *final = NULL;
  int medial = 0, rime = -1, tone = 0;
  size_t i = 0;
  char spell[16];

  if (i < n && cp[i] == 0x02D9)
    tone = 5, i++;
  if (i < n && cp[i] >= 0x3105 && cp[i] <= 0x3119)
    initial = zhuyin_initials[cp[i++] - 0x3105];
  if (i < n && cp[i] >= 0x3127 && cp[i] <= 0x3129)
    medial = (int)(cp[i++] - 0x3126);
  if (i < n && cp[i] >= 0x311A && cp[i] <= 0x3126)
    rime = (int)(cp[i++] - 0x311A);
  if (i < n && !tone) {
    switch (cp[i]) {
    case 0x02C9: tone = 1; i++; break;
    case 0x02CA: tone = 2; i++; break;
    case 0x02C7: tone = 3; i++; break;
    case 0x02CB: tone = 4; i++; break;
    case 0x02D9: tone = 5; i++; break;
    }
  }
  if (!tone)
    tone = 1; /* zhuyin writes no mark for the first tone */
  if (medial)
    final = medial_final(medial, rime);
  else if (rime >= 0)
    final = zhuyin_rimes[rime];
  else if (strchr("zcsr", initial[0]) && initial[0])
    final = "i"; /* ㄓ ㄗ alone: zhi, zi */
  if (!final)
    return 0;

  /* Pinyin spelling: zero initials write i, u, ü as y, w, yu; j, q, x write ü as u. */
  if (*initial)
    snprintf(spell, sizeof spell, "%s%s%s", initial,
             strchr("jqx", initial[0]) && final[0] == 'v' ? "u" : "",
             strchr("jqx", initial[0]) && final[0] == 'v' ? final + 1 : final);
  else if (final[0] == 'i')
    snprintf(spell, sizeof spell, "%s",
             !strcmp(final, "iu") ? "you" : "");
  else if (final[0] == 'u')
    snprintf(spell, sizeof spell, "w%s", !final[1] ? "u" : !strcmp(final, "ui") ? "ei"
                                         : !strcmp(final, "un") ? "en" : final + 1);
  else if (!strcmp(final, "ong"))
    snprintf(spell, sizeof spell, "weng");
  else if (final[0] == 'v')
    snprintf(spell, sizeof spell, "yu%s", final + 1);
  else
    snprintf(spell, sizeof spell, "%s", final);
  if (!*initial && final[0] == 'i' && strcmp(final, "iu"))
    snprintf(spell, sizeof spell, "y%s",
             !final[1] || !strcmp(final, "in") || !strcmp(final, "ing") ? final : final + 1);
  if (strlen(spell) >= sizeof syl->base)
    return 0;
  strcpy(syl->base, spell);
  syl->tone = tone;
  return i;
}

/* ---- readings ---- */

enum zhfix__reading zhfix__reading_of(uint32_t cp, const struct zhfix__syllable *syl)
{
  const struct zhfix__readings_table *r = &zhfix__readings;
  size_t lo = 0, hi = r->nentries, i, blen = strlen(syl->base);

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->entries[mid].cp < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == r->nentries || r->entries[lo].cp != cp)
    return ZHFIX__NOT_READING;
  for (i = 0; i < r->entries[lo].count; i++) {
    const char *s = r->syllables[r->ids[r->entries[lo].first + i]];
    int tone = s[strlen(s) - 1] - '0';
    if (strlen(s) - 1 != blen || memcmp(s, syl->base, blen) != 0)
      continue;
    /* No tone, or a neutral tone, in the annotation matches any tone. */
    if (syl->tone == 0 || syl->tone == 5 || syl->tone == tone)
      return i < r->entries[lo].common ? ZHFIX__COMMON_READING : ZHFIX__RARE_READING;
  }
  return ZHFIX__NOT_READING;
}

bool zhfix__is_reading(uint32_t cp, const struct zhfix__syllable *syl)
{
  return zhfix__reading_of(cp, syl) != ZHFIX__NOT_READING;
}

/* ---- the stage ---- */

struct annot {
  size_t han, open, end; /* the annotated character, the annotation [open, end) */
  uint32_t cp;           /* the character it reads (differs from t->cp[han] across a boundary) */
  enum zhfix__reading how;
  struct zhfix__syllable syl;
};

/* The character an annotation after t->cp[i] belongs to: t->cp[i] if it is
 * Han; or, for an ASCII byte 0x40-0x7E after a two-byte character, the
 * character that the trail byte before it and this byte make in GB18030 (the
 * annotator worked on bytes and matched across a character boundary, as in
 * 設 = D4 4F, "O"); 0 for none. */
static uint32_t annotated_char(struct zhfix__gb *gb, const struct zhfix__text *t, size_t i)
{
  unsigned char b[4];
  uint32_t ch;

  if (zhfix__is_han(t->cp[i]))
    return t->cp[i];
  if (i == 0 || t->cp[i] < 0x40 || t->cp[i] > 0x7E ||
      zhfix__gb_encode(gb, t->cp[i - 1], b) != 2)
    return 0;
  b[0] = b[1];
  b[1] = (unsigned char)t->cp[i];
  return zhfix__gb_decode(gb, b, 2, &ch, 1) == 1 && zhfix__is_han(ch) ? ch : 0;
}

/* An annotation after the character at i; fills a and returns true. */
static bool annotation_at(struct zhfix__gb *gb, const struct zhfix__text *t, size_t i,
                          struct annot *a)
{
  size_t j = i + 1, k;
  uint32_t open, close, han;

  if (j >= t->n || (t->cp[j] != '(' && t->cp[j] != 0xFF08 && !zhfix__is_bopomofo(t->cp[j]) &&
                    t->cp[j] != 0x02D9))
    return false;
  han = annotated_char(gb, t, i);
  if (!han)
    return false;
  a->han = i;
  a->open = j;
  open = t->cp[j];
  if (open == '(' || open == 0xFF08) {
    close = open == '(' ? ')' : 0xFF09;
    for (k = j + 1; k < t->n && k - j <= ANNOT_MAX && t->cp[k] != close; k++)
      ;
    if (k >= t->n || t->cp[k] != close || !zhfix__parse_pinyin(t->cp + j + 1, k - j - 1, &a->syl))
      return false;
    a->end = k + 1;
  } else if (zhfix__is_bopomofo(open) || open == 0x02D9) {
    size_t used = parse_zhuyin(t->cp + j, t->n - j, &a->syl);
    /* The whole bopomofo run must be one syllable. */
    if (!used || (j + used < t->n && zhfix__is_bopomofo(t->cp[j + used])))
      return false;
    a->end = j + used;
  } else {
    return false;
  }
  a->cp = han;
  a->how = zhfix__reading_of(han, &a->syl);
  return a->how != ZHFIX__NOT_READING;
}

/* A tone-marked pinyin vowel: a Latin letter whose canonical decomposition
 * carries a pinyin tone mark (macron, acute, caron, grave). */
static bool tone_vowel(uint32_t c)
{
  struct zhfix__syllable syl;
  return c >= 0xC0 && c <= 0x24F && zhfix__parse_pinyin(&c, 1, &syl) && syl.tone != 0;
}

/* Two readings that cannot both be right: different syllables, or different
 * tones where both are given (a neutral or missing tone fits any). */
static bool different_reading(const struct zhfix__syllable *x, const struct zhfix__syllable *y)
{
  if (strcmp(x->base, y->base) != 0)
    return true;
  return x->tone && y->tone && x->tone != 5 && y->tone != 5 && x->tone != y->tone;
}

static int by_char(const void *x, const void *y)
{
  const struct annot *p = *(const struct annot *const *)x, *q = *(const struct annot *const *)y;
  return p->cp < q->cp ? -1 : p->cp > q->cp;
}

/* Does the line give some character two different readings (1, 0; -1 when out
 * of memory)? Sorted by character, so that a long line costs n log n, not n
 * squared. */
static int two_readings(const struct annot *a, size_t na)
{
  const struct annot **p = malloc(na * sizeof *p);
  size_t i, j;
  int found = 0;

  if (!p)
    return -1;
  for (i = 0; i < na; i++)
    p[i] = &a[i];
  qsort(p, na, sizeof *p, by_char);
  for (i = 0; i < na && !found; i = j) {
    const struct zhfix__syllable *toned = NULL;
    for (j = i; j < na && p[j]->cp == p[i]->cp && !found; j++) {
      found = different_reading(&p[i]->syl, &p[j]->syl);
      if (!found && p[j]->syl.tone && p[j]->syl.tone != 5) {
        found = toned && different_reading(toned, &p[j]->syl);
        toned = &p[j]->syl;
      }
    }
  }
  free(p);
  return found;
}

/* Is the line about pronunciation (1, 0; -1 when out of memory)? Yes if it
 * gives one character two readings,
 * writes pinyin outside single-character annotations (a word gloss, or a
 * reading quoted in the sentence), or uses a teaching word; and yes if every
 * annotation glosses a rare character or a rare reading (蘧(qu2), 佛(bì)狸),
 * which is how editors help readers, while flattened ruby marks characters
 * whatever they are. */
static int teaching_line(const struct zhfix__text *t, const struct annot *a, size_t na)
{
  struct zhfix__buf u = {0};
  size_t i, j, k = 0;
  int found = 1;

  for (i = 0; i < na && found; i++)
    found = a[i].how == ZHFIX__RARE_READING || zhfix__lm_unigram(a[i].cp) >= GLOSSED_HAN;

  if (!found)
    found = two_readings(a, na);
  for (i = 0; i < t->n && !found; i++) {
    while (k < na && a[k].end <= i)
      k++;
    found = tone_vowel(t->cp[i]) && !(k < na && a[k].open <= i);
  }
  for (i = 0; i < t->n && !found; i++)
    if (!zhfix__buf_add_cp(&u, t->cp[i]))
      found = -1;
  for (i = 0; i < sizeof teaching_words / sizeof *teaching_words && !found; i++) {
    size_t wl = strlen(teaching_words[i]);
    for (j = 0; j + wl <= u.len && !found; j++)
      found = memcmp(u.data + j, teaching_words[i], wl) == 0;
  }
  zhfix__buf_free(&u);
  return found;
}

bool zhfix__ruby_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  struct annot stack[64], *a = stack;
  size_t na = 0, cap = sizeof stack / sizeof *stack, i, k, w;
  bool ok = true;

  for (i = 0; i + 1 < t->n; i++) {
    struct annot cur;
    if (!annotation_at(&ctx->gb, t, i, &cur))
      continue;
    if (na == cap) {
      struct annot *bigger = malloc(2 * cap * sizeof *bigger);
      if (!bigger) {
        ok = false;
        goto out;
      }
      memcpy(bigger, a, na * sizeof *a);
      if (a != stack)
        free(a);
      a = bigger;
      cap *= 2;
    }
    a[na++] = cur;
    i = cur.end - 1;
  }
  if (na == 0)
    goto out;
  switch (teaching_line(t, a, na)) {
  case 0:
    break;
  case -1:
    ok = false; /* out of memory */
    /* fall through */
  default:
    goto out;
  }

  for (i = 0; i < na; i++) {
    struct zhfix__edit ed;
    bool whole = t->src[a[i].open] == t->src[a[i].han] + 1;
    ed.from = whole ? t->src[a[i].han] : t->src[a[i].open];
    ed.to = t->src[a[i].end - 1] + 1;
    ed.kind = "ruby";
    ed.margin = 0;
    ed.after = whole ? &t->cp[a[i].han] : NULL;
    ed.nafter = whole ? 1 : 0;
    report(ctx, &ed);
  }
  /* Remove every annotation in one pass over the line. */
  for (i = 0, k = 0, w = 0; i < t->n; i++) {
    while (k < na && a[k].end <= i)
      k++;
    if (k < na && a[k].open <= i)
      continue;
    t->cp[w] = t->cp[i];
    t->src[w++] = t->src[i];
  }
  t->n = w;
out:
  if (a != stack)
    free(a);
  return ok;
}
