/* Badness of a string in any alphabetic script: how many pairs of adjacent
 * characters real text seldom puts side by side, and how many characters it
 * seldom holds at all. Mojibake of Latin, Greek, Cyrillic and other alphabetic
 * text (UTF-8 read as a single-byte code page: rÃ©gime, Ð±ÑŠÐ», wei√ü) is
 * full of such pairs: an accented capital after a small letter, a symbol or a
 * control character inside a word, letters of two scripts in one word. The
 * Chinese language model judges candidates with Han in them; this judges the
 * others (the idea, character categories that rarely meet, is ftfy's).
 *
 * Character categories are Unicode's General_Category and Script, from ICU. */
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "internal.h"

enum kind { SPACE, LETTER, MARK, DIGIT, NUMBER, SYMBOL, OPEN, CLOSE, PUNCT, CONTROL, RARE, NEUTRAL };

struct cls {
  enum kind kind;
  UCharCategory cat; /* General_Category */
  int script;        /* letters: USCRIPT_*, Han, kana and Hangul as one */
  bool upper, ascii, odd;
};

/* Letters that real text of the common alphabets rarely holds: Latin
 * Extended-B (but pinyin ǎ ǐ ǒ ǔ ǖ-ǜ and Romanian ș ț), the long s, IPA,
 * spacing modifier letters (but the apostrophe ʼ), phonetic extensions,
 * Cyrillic beyond the modern alphabets, and scripts no single-byte code page
 * serves (a wrong decode of two bytes lands in them: Armenian, Syriac, NKo). */
static bool odd_letter(uint32_t c, int script)
{
  if (c >= 0x180 && c <= 0x24F)
    return !(c >= 0x1CD && c <= 0x1DC) && !(c >= 0x218 && c <= 0x21B);
  if (c == 0x17F) /* long s */
    return true;
  if (c >= 0x250 && c <= 0x2FF)
    return c != 0x2BC;
  if (c >= 0x1D00 && c <= 0x1DBF)
    return true;
  if (c >= 0x460 && c <= 0x52F)
    return !(c >= 0x490 && c <= 0x4FF);
  return script == USCRIPT_ARMENIAN || script == USCRIPT_SYRIAC || script == USCRIPT_NKO ||
         script == USCRIPT_THAANA || script == USCRIPT_SAMARITAN || script == USCRIPT_MANDAIC;
}

static void classify(uint32_t c, struct cls *k)
{
  UErrorCode err = U_ZERO_ERROR;
  k->cat = (UCharCategory)u_charType((UChar32)c);
  k->ascii = c < 0x80;
  k->upper = k->cat == U_UPPERCASE_LETTER || k->cat == U_TITLECASE_LETTER;
  k->odd = false;
  k->script = USCRIPT_COMMON;
  switch (k->cat) {
  case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
  case U_MODIFIER_LETTER: case U_OTHER_LETTER:
    k->kind = LETTER;
    k->script = uscript_getScript((UChar32)c, &err);
    if (U_FAILURE(err))
      k->script = USCRIPT_COMMON;
    if (k->script == USCRIPT_HIRAGANA || k->script == USCRIPT_KATAKANA ||
        k->script == USCRIPT_HANGUL)
      k->script = USCRIPT_HAN;
    k->odd = odd_letter(c, k->script);
    break;
  case U_NON_SPACING_MARK: case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
    k->kind = MARK;
    break;
  case U_DECIMAL_DIGIT_NUMBER:
    k->kind = DIGIT;
    break;
  case U_LETTER_NUMBER: case U_OTHER_NUMBER:
    k->kind = NUMBER;
    break;
  case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
    k->kind = c == 0xFFFD ? NEUTRAL : SYMBOL;
    break;
  case U_START_PUNCTUATION: case U_INITIAL_PUNCTUATION:
    k->kind = OPEN;
    break;
  case U_END_PUNCTUATION: case U_FINAL_PUNCTUATION:
    k->kind = CLOSE;
    break;
  case U_DASH_PUNCTUATION: case U_CONNECTOR_PUNCTUATION: case U_OTHER_PUNCTUATION:
    k->kind = PUNCT;
    break;
  case U_SPACE_SEPARATOR: case U_LINE_SEPARATOR: case U_PARAGRAPH_SEPARATOR:
    k->kind = SPACE;
    break;
  case U_CONTROL_CHAR:
    k->kind = c == '\t' || c == '\n' || c == '\r' ? SPACE : CONTROL;
    break;
  default: /* private use, unassigned, surrogates, format */
    k->kind = c == 0xFEFF || c == 0x200B || c == 0x200C || c == 0x200D ? NEUTRAL : RARE;
    break;
  }
}

static bool latin_letter(const struct cls *k)
{
  return k->kind == LETTER && k->script == USCRIPT_LATIN;
}

/* Apostrophes and the middle dot sit between letters of a word. */
static bool in_word_punct(uint32_t c)
{
  return c == 0x2019 || c == 0x2BC || c == 0xB7 || c == 0x2027 || c == 0x2010 || c == 0x2011;
}

/* Cost of the pair a b (characters ca cb), with the character after b (kc,
 * may be NULL) for "between two letters" tests. before: what precedes a
 * (bit 0: a letter just before a, bit 1: a capital just before a, bit 2: a
 * letter two before a). */
static int pair_cost(uint32_t ca, const struct cls *a, uint32_t cb, const struct cls *b,
                     const struct cls *kc, unsigned before)
{
  int cost = 0;
  bool sym_a = a->kind == SYMBOL || a->kind == NUMBER, sym_b = b->kind == SYMBOL || b->kind == NUMBER;

  /* A symbol glued to a letter: Ã©, √ü, Ì¶. Not a currency sign after a
   * capital inside a word (leetspeak: MÄ£ÄM, DrÃ¥ber; but Ã¤hnlich counts),
   * not math next to Greek (√π). */
  if ((a->kind == LETTER && sym_b && !(b->ascii && a->ascii)) ||
      (b->kind == LETTER && sym_a && !(a->ascii && b->ascii))) {
    const struct cls *l = a->kind == LETTER ? a : b, *s = a->kind == LETTER ? b : a;
    bool currency = s->cat == U_CURRENCY_SYMBOL &&
                    (a == l ? l->upper && (before & 1)
                            : (l->upper && (before & 1)) || ((before & 2) && (before & 4)));
    bool math = s->cat == U_MATH_SYMBOL && l->script == USCRIPT_GREEK;
    if (!currency && !math)
      cost++;
  }
  /* A small letter then a capital, one of them not ASCII: eÅ, rÃ, œC. */
  if (a->kind == LETTER && !a->upper && a->cat != U_OTHER_LETTER && a->cat != U_MODIFIER_LETTER &&
      b->kind == LETTER && b->upper && !(a->ascii && b->ascii))
    cost++;
  /* Letters of two scripts in one word: Latin next to Cyrillic, Hebrew... */
  if (a->kind == LETTER && b->kind == LETTER && a->script != b->script &&
      a->script != USCRIPT_COMMON && b->script != USCRIPT_COMMON &&
      a->script != USCRIPT_INHERITED && b->script != USCRIPT_INHERITED &&
      !((a->script == USCRIPT_GREEK && b->script == USCRIPT_LATIN) ||
        (a->script == USCRIPT_LATIN && b->script == USCRIPT_GREEK))) /* IL2Rγ, TNF-α */
    cost++;
  /* A digit next to a letter of a script other than Latin (5ף35). */
  if ((a->kind == DIGIT && b->kind == LETTER && !latin_letter(b) && b->script != USCRIPT_HAN) ||
      (b->kind == DIGIT && a->kind == LETTER && !latin_letter(a) && a->script != USCRIPT_HAN))
    cost++;
  /* Non-ASCII punctuation or quotes inside a word: HÃ”TEL, NicolÃ¡s (Han
   * and kana write no spaces: “引号” sits between letters). */
  if (a->kind == LETTER && kc && kc->kind == LETTER && a->script != USCRIPT_HAN &&
      kc->script != USCRIPT_HAN && !b->ascii &&
      (b->kind == OPEN || b->kind == CLOSE || b->kind == PUNCT) && !in_word_punct(cb))
    cost++;
  /* Signs like ¶ § † glued to a letter and a digit (Ì¶6). */
  else if (b->kind == PUNCT && !b->ascii && kc && !in_word_punct(cb) &&
           ((a->kind == LETTER && kc->kind == DIGIT) || (a->kind == DIGIT && kc->kind == LETTER)))
    cost++;
  /* Two symbols of different categories, or numbers and marks among them:
   * ¤¹, ×£, ¬Ѓ. */
  if ((sym_a || a->kind == MARK) && (sym_b || b->kind == MARK) && a->cat != b->cat &&
      !(a->ascii && b->ascii) && !(cb >= 0x334 && cb <= 0x338))
    cost++;
  /* A combining mark on nothing a mark can sit on (overlays strike anything). */
  if (b->kind == MARK && a->kind != LETTER && a->kind != MARK && !(cb >= 0x334 && cb <= 0x338))
    cost++;
  (void)ca;
  return cost;
}

int zhfix__badness(const uint32_t *cp, size_t n)
{
  struct cls k[3];
  size_t i;
  int cost = 0;
  unsigned before = 0; /* see pair_cost() */

  if (n == 0)
    return 0;
  classify(cp[0], &k[0]);
  if (n > 1)
    classify(cp[1], &k[1]);
  for (i = 0; i < n; i++) {
    struct cls *a = &k[i % 3], *b = &k[(i + 1) % 3], *c = &k[(i + 2) % 3];
    if (i + 2 < n)
      classify(cp[i + 2], c);
    if (a->kind == CONTROL || a->kind == RARE)
      cost += 2;
    else if (a->kind == LETTER && a->odd)
      cost += 1 + (i > 0 && cp[i - 1] < 0x80 && zhfix__is_ascii_alpha(cp[i - 1])) +
              (i + 1 < n && cp[i + 1] < 0x80 && zhfix__is_ascii_alpha(cp[i + 1]));
    if (i + 1 < n)
      cost += pair_cost(cp[i], a, cp[i + 1], b, i + 2 < n ? c : NULL, before);
    before = (before & 1) << 2 | (a->kind == LETTER) | (a->kind == LETTER && a->upper) << 1;
  }
  return cost;
}
