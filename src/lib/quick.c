/* The quick path: one scan over a line that tells which repair stages could
 * change or report anything in it, so that clean text skips them.
 *
 * zhfix__quick_scan() decodes the line once, looks each BMP character up in
 * one table of classes (built once from the tables the stages use: chars.c,
 * lm.c, misconv.c, detect.c's script characters, mojibake.c's code page
 * spans), and follows, for each stage, a condition that the stage needs
 * before it can change anything. A stage none of whose conditions holds is
 * skipped (repair() runs the others; a line with none is written as it is).
 * The argument for each condition is in the comments below, next to the
 * stage's own gate it mirrors; every one errs towards running the stage. Any
 * doubt (an astral character, NUL, bytes that are not UTF-8, U+FFFD, private
 * use) sends the line down the full path, which decides as always. So the
 * quick path never changes an output: it only skips work whose result is
 * known to be "no change". tests/unit/test_quick.c checks that on generated
 * clean and damaged lines and the golden inputs, with the quick path on and
 * off.
 *
 * Most of a clean line takes one of two short cuts: plain ASCII up to the
 * next character that matters is found 16 bytes at a time (plain_run()), and
 * runs of three-byte characters that need no more than counting go through
 * an inner loop (run_char()).
 *
 * When a stage changes its gate (a new code page, a new hypothesis for one of
 * the single-byte pages, another kind of damage), the mirror here must change
 * with it; test_quick catches a mirror that lets through a line the stage
 * would touch, where its generator makes such lines. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__GNUC__)
#define COLD __attribute__((noinline)) /* (out of the inner loop, which then keeps its registers) */
#define ALWAYS_INLINE inline __attribute__((always_inline)) /* (hot, and used in two places) */
#else
#define COLD
#define ALWAYS_INLINE inline
#endif

/* Classes of BMP characters (table[], one uint32_t each). Q_HAN to
 * Q_DOUBLING are also the low bits of the inner loop's table (fast[]). */
enum {
  Q_HAN = 1 << 0,     /* zhfix__is_han */
  Q_SIMP = 1 << 1,    /* only Simplified text uses it (detect.c's script class 1) */
  Q_TRAD = 1 << 2,    /* only Traditional text uses it (class 2) */
  Q_U16 = 1 << 3,     /* a U+xx0A Han character whose U+xx0D is Han (find_utf16_newline) */
  Q_ODD = 1 << 4,     /* odd in a CJK span: what looks_misread() counts */
  Q_RARE = 1 << 5,    /* zhfix__lm_is_rare: evidence of damage for the byte-shift stage */
  Q_MISC = 1 << 6,    /* misconv.c may choose another character for it in Traditional text */
  Q_MISC_S = 1 << 7,  /* ... in Simplified text */
  Q_DOUBLING = 1 << 8, /* it starts a doubled form misconv.c repairs in any text */
  Q_SLOW = 1 << 9,    /* always the full path (see table_build) */
  Q_HIGH1252 = 1 << 10, /* U+00A1-U+00FF: what the cp1252 span counts as high */
  Q_ZHUYIN = 1 << 11, /* zhuyin and U+02D9: may be ruby */
  Q_LOOK = 1 << 12,   /* the scan looks closer: 烫 屯 锟, "（" */
  Q_LATIN = 1 << 13,  /* a UTF-8 lead byte read as one of latin_worth()'s code pages, or C1 */
  Q_PAGE = 1 << 14,   /* and the next NPAGES bits: in a span of single-byte source page k */
  Q_BYTE_SHIFT = 19   /* from here, 3 bits per page k >= 1: the UTF-8 class of its byte */
};
#define Q_PAGES (((1u << NPAGES) - 1) * Q_PAGE)
/* Characters the scan's inner loop leaves to the character-by-character path. */
#define Q_ATTN (Q_SLOW | Q_ZHUYIN | Q_LOOK | Q_PAGES | Q_LATIN)

/* What a byte can be in UTF-8 (a page's byte for a character, read as UTF-8). */
enum { B_ASCII, B_CONT, B_LEAD2, B_LEAD3, B_LEAD4, B_BAD };

static unsigned byte_class(int b)
{
  return b < 0x80 ? B_ASCII : b < 0xC0 ? B_CONT : b < 0xC2 ? B_BAD : b < 0xE0 ? B_LEAD2
         : b < 0xF0 ? B_LEAD3 : b < 0xF5 ? B_LEAD4 : B_BAD;
}

/* The single-byte code pages mojibake.c's codepage_pass() reads spans as
 * (its `sources`, but for the CJK ones); cp1252 first. */
static const enum zhfix__codec pages[] = {ZHFIX__CP1252, ZHFIX__CP1251, ZHFIX__CP1250,
                                          ZHFIX__MACROMAN, ZHFIX__CP437};
#define NPAGES (sizeof pages / sizeof *pages)
#define MIN_HIGH 2        /* mojibake.c: high characters a span needs on a line's first pass */
#define SUSPECT_SHARE 0.15 /* mojibake.c: looks_misread()'s share of odd characters */
#define ANNOT_LOOK 16     /* code points looked at inside "(...)" (ruby.c's ANNOT_MAX is 12) */
#define FILL_A 0x70EB     /* 烫 and 屯: memory fill (mojibake.c fill_pass) */
#define FILL_B 0x5C6F
#define KJK 0x951F        /* 锟, which may start 锟斤拷 (mojibake.c fffd_pass) */

static uint32_t table[0x10000];
/* The inner loop's table: table[]'s classes Q_HAN to Q_DOUBLING (F_BITS),
 * F_0D for U+xx0D from U+3000 (find_utf16_newline() looks for them), F_BAD3
 * for the code points three bytes do not stand for (overlong forms,
 * surrogates), F_ATTN for those and the Q_ATTN characters, F_PAGE1 for the
 * F_ATTN ones that are only Q_PAGES or Q_LATIN (see page_alone()). F_NOTE:
 * what the loop does more than count (or stops at). */
enum { F_0D = 1 << 9, F_BAD3 = 1 << 10, F_ATTN = 1 << 11, F_PAGE1 = 1 << 12 };
#define F_BITS 0x1FFu
#define F_COUNTED (Q_HAN | Q_SIMP | Q_TRAD | Q_U16) /* bits 0-3: packed[]'s index */
#define F_MISCS (Q_MISC | Q_MISC_S | Q_DOUBLING)
#define F_NOTE (F_ATTN | F_MISCS | Q_ODD | F_0D) /* (Q_RARE characters are Q_ODD) */
static uint16_t fast[0x10000];
/* Per F_COUNTED value: its four bits as counts in four 16-bit fields (Q_HAN
 * lowest), summed over at most SUM_MAX characters. */
static uint64_t packed[16];
#define SUM_MAX 0xFFFF
static uint8_t byte1252[0x10000]; /* cp1252's (sloppy) byte of each of its characters */
static uint8_t latin_bits[0x10000 / 8]; /* Q_LATIN, a bit per character (8 KiB) */
static bool table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* ASCII classes for the scan's run of plain ASCII. Plain: any character
 * but NUL, folded punctuation ",;:?!" (shift.c runs, find_left(), "=?"),
 * "(" and ")" (annotations) and "&" ("&#"): a plain character starts no
 * annotation, no reference, and resets shift.c's run; after a plain one, or
 * when it is no trail byte, it is no resync character either (see
 * plain_start()). Break: letters and controls end a CJK span. Trail: an
 * ASCII trail byte (0x40-0x7E). After: a trail byte after it is a resync
 * character (folded punctuation and ")"). */
enum { A_PLAIN = 1, A_BREAK = 2, A_TRAIL = 4, A_AFTER = 8 };
#define SPECIALS ",;:?!()&"
static unsigned char ascii[128];

static bool is_alpha(uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Mark c as a character of single-byte page k if mojibake.c reads it so. */
static void mark_page(size_t k, uint32_t c)
{
  if (c < 0x80 || c >= 0x10000 || (c >= 0xD800 && c <= 0xDFFF) ||
      !zhfix__mojibake_span_char(pages[k], c))
    return;
  table[c] |= (uint32_t)Q_PAGE << k;
  if (k == 0)
    byte1252[c] = (uint8_t)zhfix__mojibake_sloppy_byte(pages[0], c);
  if (k > 0)
    table[c] |= byte_class(zhfix__mojibake_sloppy_byte(pages[k], c))
                << (Q_BYTE_SHIFT + 3 * (k - 1));
}

/* Mark c, if Han, with the class of a kind of misconv.c member. */
static void mark_member(uint32_t c, uint32_t member)
{
  if (c < 0x10000 && (table[c] & Q_HAN))
    table[c] |= member;
}

/* Is the Han character c rare (zhfix__lm_is_rare)? Asked of lm.c for the
 * characters its unigram tables list (bit set in `listed`); any other costs
 * what the model gives an unknown character, so one answer serves them all
 * (*unlisted: -1 until asked). */
static bool rare(uint32_t c, const uint8_t *listed, int *unlisted)
{
  if (listed[c >> 3] >> (c & 7) & 1)
    return zhfix__lm_is_rare(c);
  if (*unlisted < 0)
    *unlisted = zhfix__lm_is_rare(c);
  return *unlisted;
}

/* The classes, built once. Rather than asking every module about all 65536
 * code points, ask each only where its answer can be yes (test_quick checks
 * these bounds against the modules): chars.c's Han characters are in
 * U+2E80-U+9FFF and U+F900-U+FAFF, its private use in U+E000-U+F8FF, its
 * zhuyin in U+3100-U+31BF; mojibake.c's latin leads are below U+2E80 or from
 * U+FB00 on; misconv.c's members (zhfix__misconv_member_of()) are read from
 * its table: the characters of its sets, per side, and the first characters
 * of its doubled forms. */
static void table_build(void)
{
  static const struct zhfix__lm_table *const models[2] = {&zhfix__lm_simp, &zhfix__lm_trad};
  static uint8_t listed[0x10000 / 8]; /* in a unigram table of lm.c */
  const struct zhfix__script_table *st = &zhfix__script_chars;
  const struct zhfix__misconv_table *mc = &zhfix__misconv;
  struct zhfix__codecs codecs;
  int unlisted = -1;
  uint32_t c;
  size_t i, k;

  for (i = 0; i < 2; i++)
    for (k = 0; k < models[i]->nuni && models[i]->uni_cp[k] < 0x10000; k++)
      listed[models[i]->uni_cp[k] >> 3] |= (uint8_t)(1u << (models[i]->uni_cp[k] & 7));
  /* Odd in a CJK span: all but Han (below), CJK punctuation, fullwidth
   * forms, U+2010-U+2027 and U+FFFD. */
  for (c = 0x80; c < 0x10000; c++)
    if (!(c >= 0xD800 && c <= 0xDFFF) && !(c >= 0x3000 && c <= 0x303F) &&
        !(c >= 0xFF00 && c <= 0xFFEF) && !(c >= 0x2010 && c <= 0x2027) && c != 0xFFFD)
      table[c] = Q_ODD;
  for (c = 0x2E80; c < 0xFB00; c = c == 0x9FFF ? 0xF900 : c + 1)
    if (zhfix__is_han(c)) {
      table[c] = Q_HAN;
      if (rare(c, listed, &unlisted))
        table[c] |= Q_RARE | Q_ODD;
      if ((c & 0xFF) == 0x0A && zhfix__is_han((c & ~0xFFu) | 0x0D))
        table[c] |= Q_U16;
    }
  /* U+FFFD and private use: find_left() reports them, and the stages read
   * them as damage: the full path takes them. */
  table[0xFFFD] |= Q_SLOW;
  for (c = 0xE000; c <= 0xF8FF; c++)
    if (zhfix__is_pua(c))
      table[c] |= Q_SLOW;
  table[0x02D9] |= Q_ZHUYIN;
  for (c = 0x3100; c <= 0x31BF; c++)
    if (zhfix__is_bopomofo(c))
      table[c] |= Q_ZHUYIN;
  for (c = 0xA1; c <= 0xFF; c++) /* (mojibake.c: a no-break space is no evidence) */
    table[c] |= Q_HIGH1252;
  /* mojibake.c's latin_worth(): a C1 control, or a lead before a
   * continuation (the pair is checked as the next character comes). */
  for (c = 0x80; c < 0x10000; c = c == 0x2E7F ? 0xFB00 : c + 1)
    if (c <= 0x9F || zhfix__mojibake_latin_lead(c)) {
      table[c] |= Q_LATIN;
      latin_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
  table[FILL_A] |= Q_LOOK;
  table[FILL_B] |= Q_LOOK;
  table[KJK] |= Q_LOOK;
  table[0xFF08] |= Q_LOOK;
  /* misconv.c's members (Han ones): side 0 Traditional, 1 Simplified. */
  for (i = 0; i < 2; i++)
    for (k = 0; k < mc->n[i]; k++)
      mark_member(mc->cp[i][k], i == 0 ? Q_MISC : Q_MISC_S);
  for (k = 0; k < mc->ndoubling; k++) {
    const char *bad = mc->doubling[2 * k];
    if (zhfix__utf8_decode(bad, bad + strlen(bad), &c) > 0)
      mark_member(c, Q_DOUBLING);
  }
  /* detect.c's script classes: Traditional wins where a table lists both, as there. */
  for (i = 0; i < st->nsimp; i++)
    if (st->simp_only[i] < 0x10000)
      table[st->simp_only[i]] |= Q_SIMP;
  for (i = 0; i < st->ntrad; i++)
    if (st->trad_only[i] < 0x10000) {
      table[st->trad_only[i]] &= ~(uint32_t)Q_SIMP;
      table[st->trad_only[i]] |= Q_TRAD;
    }
  /* The characters of each single-byte page: a page has 128 above ASCII, so
   * rather than asking mojibake.c about all 65536, ask about each byte as
   * itself (Latin-1) and as the code page decodes it (test_quick checks that
   * this finds every character span_char() takes). */
  memset(&codecs, 0, sizeof codecs);
  table_ok = zhfix__codecs_open(&codecs);
  for (k = 0; k < NPAGES && table_ok; k++)
    for (c = 0x80; c <= 0xFF; c++) {
      char byte = (char)c;
      uint32_t cp;
      mark_page(k, c);
      if (zhfix__decode(&codecs, pages[k], &byte, 1, &cp, 1) == 1)
        mark_page(k, cp);
    }
  zhfix__codecs_close(&codecs);
  free(codecs.u);
  for (c = 0; c < 0x10000; c++) {
    uint32_t v = table[c];
    unsigned f = v & F_BITS;
    if (v & Q_ATTN)
      f |= v & Q_ATTN & ~(Q_PAGES | Q_LATIN) ? F_ATTN : F_ATTN | F_PAGE1;
    fast[c] = (uint16_t)f;
  }
  for (c = 0x300D; c < 0x10000; c += 0x100)
    fast[c] |= F_0D;
  for (c = 0; c < 0x800; c++)
    fast[c] = (uint16_t)((fast[c] & ~F_PAGE1) | F_BAD3 | F_ATTN);
  for (c = 0xD800; c <= 0xDFFF; c++)
    fast[c] = F_BAD3 | F_ATTN;
  for (i = 0; i < 16; i++)
    packed[i] = (uint64_t)((i & Q_HAN) != 0) | (uint64_t)((i & Q_SIMP) != 0) << 16 |
                (uint64_t)((i & Q_TRAD) != 0) << 32 | (uint64_t)((i & Q_U16) != 0) << 48;
  for (c = 1; c < 128; c++) {
    ascii[c] = strchr(SPECIALS, (int)c) ? 0 : A_PLAIN;
    if (c < 0x20 || is_alpha(c))
      ascii[c] |= A_BREAK;
    if (c >= 0x40 && c <= 0x7E)
      ascii[c] |= A_TRAIL;
    if (strchr(",;:?!)", (int)c))
      ascii[c] |= A_AFTER;
  }
}

/* Q_LATIN, from a table small enough to stay in the cache (table[] is not). */
static bool latin(uint32_t c)
{
  return c >= 0x80 && (latin_bits[c >> 3] >> (c & 7) & 1);
}

/* Is p a three-byte sequence: a lead E0-EF and two continuations? */
static inline bool seq3_bytes(const unsigned char *p)
{
  return (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80;
}

/* The same for a p after the line's start, from one load of the four
 * bytes from p - 1, where their order allows (p[-1] lowest). */
static inline bool seq3_back(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t w;
  memcpy(&w, p - 1, 4);
  return (w & 0xC0C0F000u) == 0x8080E000u;
#else
  return seq3_bytes(p);
#endif
}

/* Are p and p + 3 both three-byte sequences? From one load of the eight
 * bytes from p - 1 (to p + 6), where their order allows (p[-1] lowest). */
static inline bool seq6_back(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t w;
  memcpy(&w, p - 1, 8);
  return (w & 0x00C0C0F0C0C0F000u) == 0x008080E08080E000u;
#else
  return seq3_bytes(p) && seq3_bytes(p + 3);
#endif
}

/* fast[] of the three-byte sequence at p: (p[0] << 12) + (p[1] << 6) + p[2]
 * is its code point plus SEQ3_BIAS (the lead's E0 and the continuations'
 * 80), which the compiler folds into the table's address. */
#define SEQ3_BIAS (((size_t)0xE0 << 12) + (0x80 << 6) + 0x80)
static inline unsigned fast3(const unsigned char *p)
{
  return fast[((size_t)p[0] << 12) + ((size_t)p[1] << 6) + p[2] - SEQ3_BIAS];
}

/* The three-byte character at p (valid UTF-8): see fast3(). */
static uint32_t decode3(const unsigned char *p)
{
  return (uint32_t)(((size_t)p[0] << 12) + ((size_t)p[1] << 6) + p[2] - SEQ3_BIAS);
}

/* For tests: the table's page bits of c (bit k: page k of quick.c's list). */
unsigned zhfix__quick_pages(uint32_t c)
{
  pthread_once(&table_once, table_build);
  return c < 0x10000 ? (table[c] / Q_PAGE) & ((1u << NPAGES) - 1) : 0;
}

static bool is_alnum(uint32_t c)
{
  return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Folded punctuation (shift.c unfold()). */
static bool folded(uint32_t c)
{
  return c == ',' || c == ';' || c == ':' || c == '?' || c == '!';
}

/* Decode one character at p (p < end), any length; 0 if not valid UTF-8. */
static size_t next_cp(const unsigned char *p, const unsigned char *end, uint32_t *c)
{
  if (p[0] < 0x80) {
    *c = p[0];
    return 1;
  }
  return zhfix__utf8_decode((const char *)p, (const char *)end, c);
}

/* shift.c pinyin_letter(). */
static bool pinyin_letter(uint32_t c)
{
  return is_alpha(c) || (c >= 0xC0 && c <= 0x24F) || (c >= '1' && c <= '5');
}

/* Does the ")" at close end "(letters)" or "?letters)" (shift.c
 * annotation_start(), eaten_lead_marker(), with a letter, not only tone
 * digits: has_letter())? Read backwards from close; s is the start of the
 * line. Letters above ASCII are two bytes (U+00C0-U+024F). */
static bool closes_annotation(const unsigned char *s, const unsigned char *close)
{
  const unsigned char *p = close;
  size_t n = 0;
  bool letter = false;

  while (p > s && n <= ANNOT_LOOK) {
    uint32_t c = p[-1];
    if (c >= 0x80) {
      if (p - s < 2 || p[-2] < 0xC3 || p[-2] > 0xC9)
        return false; /* not a letter of U+00C0-U+024F (nor "(", "?") */
      c = (uint32_t)(p[-2] & 0x1F) << 6 | (c & 0x3F);
      p -= 2;
    } else {
      p--;
    }
    if (!pinyin_letter(c))
      return n > 0 && letter && (c == '(' || c == '?');
    letter |= c > '9';
    n++;
  }
  return n > ANNOT_LOOK; /* too long to tell cheaply: say yes */
}

/* Does "(letters)" follow at p, the byte after a "(" (shift.c annotation_end(),
 * with a letter)? */
static bool annotation_follows(const unsigned char *p, const unsigned char *end)
{
  size_t n = 0, l;
  uint32_t c;
  bool letter = false;

  while (p < end && (l = next_cp(p, end, &c)) > 0) {
    if (c == ')')
      return n > 0 && letter;
    if (!pinyin_letter(c))
      return false;
    letter |= c > '9';
    if (++n > ANNOT_LOOK)
      return true;
    p += l;
  }
  return false;
}

/* Is there a ruby annotation after `han` in the parentheses opening at p (the
 * byte after "(" or "（"; close: ")" or "）")? As ruby.c annotation_at() decides
 * it: the text up to the close parses as one pinyin syllable that is a reading
 * of han (han 0: the annotated character is not known here, any syllable
 * counts). A character that can never be in pinyin (ASCII other than letters
 * and digits, anything from U+2E80 on) ends the look. */
static bool annotation(const unsigned char *p, const unsigned char *end, uint32_t close,
                       uint32_t han)
{
  uint32_t cp[ANNOT_LOOK], c;
  struct zhfix__syllable syl;
  size_t n = 0, l;

  while (p < end && (l = next_cp(p, end, &c)) > 0) {
    if (c == close)
      return n > 0 && zhfix__parse_pinyin(cp, n, &syl) &&
             (han == 0 || zhfix__reading_of(han, &syl) != ZHFIX__NOT_READING);
    if (n == ANNOT_LOOK || (c < 0x80 ? !is_alnum(c) : c >= 0x2E80))
      return false;
    cp[n++] = c;
    p += l;
  }
  return false;
}

/* An annotation "(...)" opening after `prev` (prev2 before it)? ruby.c
 * annotated_char(): prev is Han, or an ASCII byte 0x40-0x7E after a two-byte
 * character (with which it may make the annotated character in GB18030; here:
 * after any non-ASCII one, and any syllable counts). Table entries below U+0080
 * are 0, and prev is never astral (the scan stops there). */
static bool annotated(uint32_t prev, uint32_t prev2, const unsigned char *p,
                      const unsigned char *end, uint32_t close)
{
  if (fast[prev] & Q_HAN)
    return annotation(p, end, close, prev);
  if (prev >= 0x40 && prev <= 0x7E && prev2 >= 0x80)
    return annotation(p, end, close, 0);
  return false;
}

/* A span of a single-byte page, as mojibake.c codepage_pass() cuts them: a
 * maximal run of characters the page has. It is tried when it holds MIN_HIGH
 * high characters (on a line's first pass, the only one when nothing was
 * repaired). For the pages other than cp1252 the only hypothesis is UTF-8 read
 * as that page, and its candidate needs two Han characters (two sequences of
 * three or four bytes in the span's bytes), or, with none, the bytes to be
 * UTF-8 throughout (a Latin word, the `latin` case); the span is let through
 * when its bytes are broken UTF-8 (a continuation byte after ASCII or at the
 * start, a lead byte not followed by a continuation, a byte never in UTF-8)
 * with fewer than two such sequences. cp1252's spans also need their bytes
 * to fail as GB18030 and as Big5 (span_byte()). */
struct span {
  unsigned high, han, c1, c2; /* high characters; three-byte sequences; last two byte classes */
  bool broken, any;
  int gb, big5; /* cp1252's bytes read as GB18030 and as Big5: where in a character, -1 broken */
};

/* cp1252 (the page read sloppily, as Latin-1 too) has two more hypotheses:
 * its bytes as GB18030 and as Big5, decoded strictly, which fail on bytes
 * that no character of those code pages is made of. Followed here as far as
 * every decoder of them agrees: a GB18030 lead byte (81-FE) takes a trail
 * byte (40-7E, 80-FE) or a digit, lead byte and digit; a Big5 lead byte
 * (81-FE) takes a trail of 40 or more; a character cut at the end of the span
 * breaks it too. Bytes 80 and FF alone are taken as valid, not to guess. */
static void span_byte(struct span *sp, unsigned b)
{
  switch (sp->gb) {
  case 0:
    sp->gb = b >= 0x81 && b <= 0xFE;
    break;
  case 1:
    sp->gb = b >= 0x30 && b <= 0x39                           ? 2
             : (b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE) ? 0
                                                                : -1;
    break;
  case 2:
    sp->gb = b >= 0x81 && b <= 0xFE ? 3 : -1;
    break;
  case 3:
    sp->gb = b >= 0x30 && b <= 0x39 ? 0 : -1;
    break;
  }
  if (sp->big5 == 0)
    sp->big5 = b >= 0x81 && b <= 0xFE;
  else if (sp->big5 == 1)
    sp->big5 = b < 0x40 ? -1 : 0;
}

static void span_add(struct span *sp, unsigned b)
{
  if (b == B_BAD || (b == B_CONT && (!sp->any || sp->c1 == B_ASCII)) ||
      (b != B_CONT && sp->any && sp->c1 >= B_LEAD2 && sp->c1 <= B_LEAD4))
    sp->broken = true;
  if (b == B_CONT && sp->any && sp->c1 == B_CONT && (sp->c2 == B_LEAD3 || sp->c2 == B_LEAD4))
    sp->han++;
  sp->c2 = sp->c1;
  sp->c1 = b;
  sp->any = true;
}

/* The span ends: would codepage_pass() try it (page k)? Then it is reset. */
static bool span_tried(struct span *sp, size_t k)
{
  bool tried;
  if (sp->any && sp->c1 >= B_LEAD2 && sp->c1 <= B_LEAD4)
    sp->broken = true; /* a lead byte at the end */
  tried = sp->high >= MIN_HIGH && (!sp->broken || sp->han >= 2 ||
                                   (k == 0 && (sp->gb == 0 || sp->big5 == 0)));
  memset(sp, 0, sizeof *sp);
  return tried;
}

static bool cjk_tried(unsigned high, unsigned odd)
{
  return high >= MIN_HIGH && odd > 0 && (double)odd >= SUSPECT_SHARE * (double)high;
}

#ifdef __SSE2__
#include <emmintrin.h>

#define X16(c) {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c}
/* Bytes to compare with: "!", "&", ",", "?", ")" and ";" (with "(" and ":"
 * as c | 1), 1, space, 'a' - 1, 'z' + 1. */
enum { V_EXCL, V_AMP, V_COMMA, V_QUEST, V_PAREN, V_SEMI, V_ONE, V_SPACE, V_A, V_Z, NV };
static _Alignas(16) const unsigned char vec[NV][16] = {
  X16('!'), X16('&'), X16(','), X16('?'), X16(')'), X16(';'),
  X16(1),   X16(' '), X16('a' - 1), X16('z' + 1)
};
#define VEC(k) _mm_load_si128((const __m128i *)(const void *)vec[k])

/* The 16 bytes at p: bit i set if byte i ends a run of plain ASCII (NUL,
 * SPECIALS, non-ASCII); *brk_at: bit i set if it is a letter or a control
 * (or non-ASCII), worked out only if `breaks`. */
static inline unsigned plain16(const unsigned char *p, bool breaks, unsigned *brk_at)
{
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i v1 = _mm_or_si128(v, VEC(V_ONE)), special, lower;

  special = _mm_or_si128(
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_setzero_si128()),
                                _mm_cmpeq_epi8(v, VEC(V_EXCL))),
                   _mm_or_si128(_mm_cmpeq_epi8(v, VEC(V_AMP)), _mm_cmpeq_epi8(v, VEC(V_COMMA)))),
      _mm_or_si128(_mm_cmpeq_epi8(v, VEC(V_QUEST)),
                   _mm_or_si128(_mm_cmpeq_epi8(v1, VEC(V_PAREN)),
                                _mm_cmpeq_epi8(v1, VEC(V_SEMI)))));
  if (breaks) {
    /* letters: (c | 0x20) in a-z; controls: c < 0x20 (signed) */
    lower = _mm_or_si128(v, VEC(V_SPACE));
    *brk_at = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(lower, VEC(V_A)),
                                   _mm_cmplt_epi8(lower, VEC(V_Z))),
                     _mm_cmplt_epi8(v, VEC(V_SPACE))));
  }
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(special, v)); /* (v: the top bit) */
}
#endif

#define TAIL_BYTES 6 /* (so few are read one by one) */

/* The first byte at or after p that is not plain ASCII (see ascii[]), or
 * end; adds A_BREAK to *brk if a letter or control comes before it (looked
 * for only while *brk has no A_BREAK). With SSE2, where there is one, 16
 * bytes at a time, the line's last ones (more than TAIL_BYTES) in the 16
 * that end it (s: the line's start). */
static ALWAYS_INLINE const unsigned char *plain_run(const unsigned char *s,
                                                    const unsigned char *p,
                                                    const unsigned char *end, unsigned *brk)
{
#ifdef __SSE2__
  unsigned stop, brk_at = 0, n, skip;

  /* (runs of one character are many: a space, a digit) */
  if (end - p >= 2 && (p[1] >= 0x80 || !(ascii[p[1]] & A_PLAIN))) {
    *brk |= ascii[*p];
    return p + 1;
  }
  for (; end - p >= 16; p += 16) {
    stop = plain16(p, !(*brk & A_BREAK), &brk_at);
    n = stop ? (unsigned)__builtin_ctz(stop) : 16;
    if (brk_at & ((1u << n) - 1))
      *brk |= A_BREAK;
    if (stop)
      return p + n;
  }
  if (end - p > TAIL_BYTES && end - s >= 16) {
    skip = 16 - (unsigned)(end - p); /* (bytes before p) */
    stop = plain16(end - 16, !(*brk & A_BREAK), &brk_at) >> skip | 1u << (16 - skip);
    n = (unsigned)__builtin_ctz(stop);
    if (brk_at >> skip & ((1u << n) - 1))
      *brk |= A_BREAK;
    return p + n;
  }
#else
  (void)s;
#endif
  while (p < end && *p < 0x80 && (ascii[*p] & A_PLAIN))
    *brk |= ascii[*p++];
  return p;
}

/* Can a run of plain ASCII (see ascii[]) start at c, a plain character
 * after prev and prev2? Where the character by character path would do no
 * more than the run does (see the scan): no lead of latin_worth()'s code
 * pages before it (latin()), no span of a single-byte page to follow (open:
 * once they hold two ASCII characters, more change neither span_add()'s
 * state nor span_byte()'s), not "&#", and no resync character (a trail byte
 * after non-ASCII, folded punctuation or ")"). */
static inline bool plain_start(unsigned c, uint32_t prev, uint32_t prev2, unsigned open)
{
  if (prev >= 0x80)
    return !open && !(ascii[c] & A_TRAIL) && !latin(prev);
  if ((ascii[c] & A_TRAIL) && (ascii[prev] & A_AFTER))
    return false;
  return (c != '#' || prev != '&') && (!open || prev2 < 0x80);
}

/* May the inner loop take the three-byte character at p (fast[] value f,
 * F_ATTN) as one of its own? If it is F_PAGE1 and a run character follows
 * (not F_ATTN, so in no single-byte page's span): the spans it begins end
 * there, one character long, too short to be tried (span_tried(): a span
 * needs MIN_HIGH high characters), and it pairs with that character as
 * mojibake.c's latin_worth() would see it unless latin_pair() says so. */
static COLD bool page_alone(const unsigned char *p, const unsigned char *end, unsigned f)
{
  uint32_t c;
  if (!(f & F_PAGE1) || end - p < 6 || !seq3_bytes(p + 3) || (fast3(p + 3) & F_ATTN))
    return false;
  c = decode3(p);
  return !latin(c) || !zhfix__mojibake_latin_pair(c, decode3(p + 3));
}
_Static_assert(MIN_HIGH >= 2, "page_alone(): a span of one character is never tried");

/* One character of the scan's inner loop, at p (s: the line's start),
 * with fast[] value f: false if the loop stops before it (F_ATTN, but
 * page_alone()); else its counts are added to *sum (packed[]), to *odd (if
 * Q_ODD) and *note (its bits), and q records it if misconv.c looks there. */
static ALWAYS_INLINE bool run_char(unsigned f, const unsigned char *p, const unsigned char *s,
                                   const unsigned char *end, struct zhfix__quick *q,
                                   uint64_t *sum, unsigned *odd, unsigned *note)
{
  if (f & F_NOTE) {
    /* (overlong forms and surrogates are F_ATTN: the full decode judges them) */
    if ((f & F_ATTN) && !page_alone(p, end, f))
      return false;
    *odd += (f & Q_ODD) != 0;
    *note |= f;
    if (f & F_MISCS) { /* (where misconv.c will look) */
      if (q->nmembers < ZHFIX__QUICK_MEMBERS)
        q->member_at[q->nmembers] = (uint32_t)(p - s);
      q->nmembers++;
    }
  }
  *sum += packed[f & F_COUNTED];
  return true;
}

/* Add the counts summed in *sum (packed[]) to q's and *u16, and empty it. */
static inline void add_sum(uint64_t *sum, struct zhfix__quick *q, unsigned *u16)
{
  q->han += *sum & 0xFFFF;
  q->simplified_only += *sum >> 16 & 0xFFFF;
  q->traditional_only += *sum >> 32 & 0xFFFF;
  *u16 += (unsigned)(*sum >> 48);
  *sum = 0;
}

/* NEED: a stage's gate holds (the scan goes on, for the other stages);
 * FULL: the full path, all of it. */
#ifdef QUICK_DEBUG
const char *zhfix__quick_why;
#define WHY(why) (zhfix__quick_why = need ? zhfix__quick_why : (why))
#else
#define WHY(why) ((void)0)
#endif
#define NEED(stage, why) (WHY(why), need |= (stage))
#define FULL(why) return (WHY(why), ZHFIX__STAGE_FULL)

/* The scan of the line from line to end, from p on: what came before p is a
 * run of plain ASCII (none at the start). q's counts are zero. */
static unsigned scan(const unsigned char *line, const unsigned char *p, const unsigned char *end,
                     struct zhfix__quick *q)
{
  unsigned need = 0;
  /* The characters before (of prev2, only whether it is ASCII is asked). */
  uint32_t prev = p > line ? p[-1] : 0, prev2 = p - line >= 2 ? p[-2] : 0;
  struct span span[NPAGES];
  unsigned cjk_high = 0, cjk_odd = 0, u16 = 0, open = 0; /* open: pages with a span begun */
  bool last_resync = false, after_close = false, run_rare = false, punct_after_han = false;
  bool pending_shift = false; /* a resync character with damage, if what follows is no Latin word */
  unsigned notes = 0; /* fast[] bits of the line's characters; asked: F_MISCS (characters
                        misconv.c may replace or undouble, Han ones) and F_0D */
  uint64_t sum = 0;  /* the inner loop's counts (packed[]), added to q's at the end */
  bool long_line = (size_t)(end - line) / 3 > SUM_MAX; /* (else sum cannot overflow) */
  size_t k;

  while (p < end) {
    uint32_t c, v;
    const unsigned char *at; /* where c starts */

    /* shift.c skips a resync character followed by an ASCII letter or digit
     * (inside a Latin word, after an annotation if one follows). */
    if (pending_shift) {
      if (!(*p < 0x80 && is_alnum(*p)))
        NEED(ZHFIX__STAGE_SHIFT, "shift: run");
      pending_shift = false;
    }
    /* Runs of plain ASCII: no stage starts anything there (see ascii[] and
     * plain_start()), only a letter or control ends a CJK span (which
     * matters only when the span holds a character). */
    if (*p < 0x80 && (ascii[*p] & A_PLAIN) && plain_start(*p, prev, prev2, open)) {
      const unsigned char *from = p;
      unsigned brk = cjk_high ? 0 : A_BREAK;
      p = plain_run(line, p, end, &brk);
      if (brk & A_BREAK) {
        if (cjk_odd && cjk_tried(cjk_high, cjk_odd))
          NEED(ZHFIX__STAGE_CJK, "cjk span");
        cjk_high = cjk_odd = 0;
      }
      prev2 = p - from >= 2 ? p[-2] : prev;
      prev = p[-1];
      after_close = run_rare = last_resync = punct_after_han = false;
      continue;
    }
    if (*p < 0x80) {
      c = *p++;
      if (c == 0)
        FULL("NUL"); /* NUL splits the line into segments */
      if (latin(prev) && zhfix__mojibake_latin_pair(prev, c))
        NEED(ZHFIX__STAGE_MOJIBAKE, "other alphabet"); /* a lead before ' ' or '?' */
      /* ASCII is in the span of every single-byte page, as itself. */
      if (open) {
        for (k = 0; k < NPAGES; k++)
          if (open & (1u << k))
            span_add(&span[k], B_ASCII);
        if (open & 1)
          span_byte(&span[0], c);
      }
      /* CJK spans (GB18030, Big5 sources) hold ASCII but letters and
       * controls: looks_misread() decides whether they are tried. */
      if (c < 0x20 || is_alpha(c)) {
        if (cjk_odd && cjk_tried(cjk_high, cjk_odd))
          NEED(ZHFIX__STAGE_CJK, "cjk span");
        cjk_high = cjk_odd = 0;
      }
      if (c >= 0x40 && c <= 0x7E) {
        /* Letters and the like: only shift.c's resync characters matter. */
        punct_after_han = false;
        goto resync;
      }
      /* Character references and RFC 2047 encoded words (mojibake.c). */
      if ((c == '#' && prev == '&') || (c == '?' && prev == '='))
        NEED(ZHFIX__STAGE_MOJIBAKE, "&# =?");
      /* find_left(): "??" starts a run of lost characters; ",;:!" between Han. */
      if (c == '?' && prev == '?')
        q->find_left = true;
      punct_after_han = (c == ',' || c == ';' || c == ':' || c == '!') && (fast[prev] & Q_HAN);
      if (c == '(' && annotated(prev, prev2, p, end, ')'))
        NEED(ZHFIX__STAGE_RUBY, "ruby ()");
    resync:
      /* shift.c: a resync character (an ASCII trail byte or "?" after
       * non-ASCII, folded punctuation or ")") is tried only with evidence of
       * damage: a rare or private-use character in the run before it (the
       * run: two-byte characters and folded punctuation, here any
       * non-ASCII), "(letters)" or "?letters)" right before the run or the
       * resync character, or "(letters)" right after it. */
      if (((c >= 0x40 && c <= 0x7E && c != '(' && c != ')') || c == '?') &&
          (prev >= 0x80 || folded(prev) || prev == ')')) {
        pending_shift = run_rare || after_close;
        last_resync = true;
      } else {
        if (c == '(' && last_resync && annotation_follows(p, end))
          NEED(ZHFIX__STAGE_SHIFT, "shift: annotation after");
        last_resync = false;
      }
      if (c == ')') {
        after_close = closes_annotation(line, p - 1);
        run_rare = false;
      } else if (!folded(c)) {
        after_close = run_rare = false;
      }
    } else {
      /* The inner loop: runs of three-byte characters (all of CJK) that are
       * not F_ATTN (but page_alone()), where only counts and notes change.
       * Not from an F_ATTN character while spans are open: it may continue
       * them, where page_alone() reads it as beginning its own. */
      if (end - p >= 3 && (p > line ? seq3_back(p) : seq3_bytes(p)) &&
          !(open && (fast3(p) & F_ATTN))) {
        const unsigned char *from = p, *lim = end - 2, *lim2;
        unsigned odd = 0, note = 0; /* of the run: Q_ODD characters, F_NOTE bits */
        size_t n;
        if (long_line) { /* (runs of SUM_MAX at most, each added at once) */
          add_sum(&sum, q, &u16);
          if (lim - p > 3 * SUM_MAX)
            lim = p + 3 * SUM_MAX;
        }
        /* lim2: where two characters can be read at once (and a byte more) */
        lim2 = end - p < 7 ? p : lim - 3 < end - 6 ? lim - 3 : end - 6;
        if (run_char(fast3(p), p, line, end, q, &sum, &odd, &note)) {
          p += 3;
          for (;;) {
            if (p < lim2 && seq6_back(p)) { /* two, checked at once */
              if (!run_char(fast3(p), p, line, end, q, &sum, &odd, &note))
                break;
              p += 3;
            } else if (!(p < lim && seq3_back(p))) {
              break;
            }
            if (!run_char(fast3(p), p, line, end, q, &sum, &odd, &note))
              break;
            p += 3;
          }
        }
        if (p != from) {
          /* What the character by character path does on the run's first
           * character for what came before it: spans of single-byte pages
           * end there (no run character is in one), a lead of latin_worth()'s
           * code pages may pair with it; ",;:!" between Han: find_left()
           * reports it. */
          if (open) {
            for (k = 0; k < NPAGES; k++)
              if ((open & (1u << k)) && span_tried(&span[k], k))
                NEED(ZHFIX__STAGE_MOJIBAKE, "single-byte span");
            open = 0;
          }
          if (latin(prev) && zhfix__mojibake_latin_pair(prev, decode3(from)))
            NEED(ZHFIX__STAGE_MOJIBAKE, "other alphabet");
          if (punct_after_han && (fast3(from) & Q_HAN))
            q->find_left = true;
          punct_after_han = false;
          last_resync = false;
          cjk_odd += odd;
          run_rare |= (note & Q_RARE) != 0;
          notes |= note;
          n = (size_t)(p - from) / 3;
          cjk_high += (unsigned)n;
          prev2 = n >= 2 ? p[-6] : prev;
          prev = decode3(p - 3);
          continue;
        }
      }
      /* Three-byte characters inline; the rest through utf8.c. */
      at = p;
      if ((p[0] & 0xF0) == 0xE0 && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
          FULL("invalid");
        p += 3;
      } else {
        size_t l = zhfix__utf8_decode((const char *)p, (const char *)end, &c);
        if (l == 0 || c >= 0x10000)
          FULL("invalid or astral");
        p += l;
      }
      v = table[c];
      if (v & Q_SLOW)
        FULL("slow char");
      if (((v & Q_LATIN) && c <= 0x9F) ||
          (latin(prev) && zhfix__mojibake_latin_pair(prev, c)))
        NEED(ZHFIX__STAGE_MOJIBAKE, "other alphabet"); /* C1, or a lead and a continuation */
      if (v & Q_ZHUYIN)
        NEED(ZHFIX__STAGE_RUBY, "zhuyin");
      if (c == KJK)
        NEED(ZHFIX__STAGE_MOJIBAKE, "kjk");
      if (v & Q_HAN) {
        q->han++;
        q->simplified_only += (v & Q_SIMP) != 0;
        q->traditional_only += (v & Q_TRAD) != 0;
        run_rare |= (v & Q_RARE) != 0;
        u16 += (v & Q_U16) != 0;
        notes |= v & F_MISCS;
        if (v & F_MISCS) {
          if (q->nmembers < ZHFIX__QUICK_MEMBERS)
            q->member_at[q->nmembers] = (uint32_t)(at - line);
          q->nmembers++;
        }
        if (c == prev && (c == FILL_A || c == FILL_B))
          NEED(ZHFIX__STAGE_MOJIBAKE, "fill"); /* memory fill needs a run of them */
        if (punct_after_han)
          q->find_left = true;
      }
      punct_after_han = false;
      last_resync = false;
      if ((c & 0xFF) == 0x0D && c >= 0x3000)
        notes |= F_0D;
      if (open || (v & Q_PAGES))
        for (k = 0; k < NPAGES; k++) {
          struct span *sp = &span[k];
          if (!(v & (Q_PAGE << k))) {
            if ((open & (1u << k)) && span_tried(sp, k))
              NEED(ZHFIX__STAGE_MOJIBAKE, "single-byte span");
            open &= ~(1u << k);
            continue;
          }
          if (!(open & (1u << k))) {
            memset(sp, 0, sizeof *sp);
            open |= 1u << k;
          }
          /* Spans are followed from their first non-ASCII character on:
           * the ASCII before it can break nothing (ASCII before a
           * continuation byte breaks the span, and so does the start). */
          if (k == 0) {
            sp->high += (v & Q_HIGH1252) != 0;
            span_add(sp, byte_class(byte1252[c]));
            span_byte(sp, byte1252[c]);
            continue;
          }
          sp->high += c != 0xA0;
          span_add(sp, (v >> (Q_BYTE_SHIFT + 3 * (k - 1))) & 7);
        }
      cjk_high++;
      cjk_odd += (v & Q_ODD) != 0;
      if (c == 0xFF08 && annotated(prev, prev2, p, end, 0xFF09))
        NEED(ZHFIX__STAGE_RUBY, "ruby fullwidth ()");
    }
    prev2 = prev;
    prev = c;
  }
  add_sum(&sum, q, &u16);
  if (pending_shift)
    NEED(ZHFIX__STAGE_SHIFT, "shift: run at end");
  if (open)
    for (k = 0; k < NPAGES; k++)
      if ((open & (1u << k)) && span_tried(&span[k], k))
        NEED(ZHFIX__STAGE_MOJIBAKE, "single-byte span at end");
  /* The last CJK span: GB18030 and Big5 sources try it if looks_misread(). */
  if (cjk_tried(cjk_high, cjk_odd))
    NEED(ZHFIX__STAGE_CJK, "cjk span at end");
  /* find_utf16_newline() reports two such characters at least, and none
   * where some U+xx0D is left. */
  if (u16 >= 2 && !(notes & F_0D))
    NEED(ZHFIX__STAGE_UTF16, "utf16");
  /* misconv.c: a character that starts a doubled form; a character with
   * alternatives on the side of the line's script (the stage weighs no
   * character in a line of no or of mixed script; the model decides a tie). */
  if (notes & Q_DOUBLING)
    NEED(ZHFIX__STAGE_MISCONV, "doubling");
  if (notes & (Q_MISC | Q_MISC_S)) {
    switch (zhfix__script_by_counts(q->han, q->simplified_only, q->traditional_only)) {
    case ZHFIX_SCRIPT_TRADITIONAL:
      if (notes & Q_MISC)
        NEED(ZHFIX__STAGE_MISCONV, "misconversion");
      break;
    case ZHFIX_SCRIPT_SIMPLIFIED:
      if (notes & Q_MISC_S)
        NEED(ZHFIX__STAGE_MISCONV, "misconversion");
      break;
    case ZHFIX_SCRIPT_TIE:
      NEED(ZHFIX__STAGE_MISCONV, "misconversion");
      break;
    }
  }
  return need;
}

unsigned zhfix__quick_scan(const char *s, size_t len, struct zhfix__quick *q)
{
  unsigned need = 0; /* (for WHY()) */
  const unsigned char *line = (const unsigned char *)s, *p = line, *end = p + len;
  unsigned brk = A_BREAK; /* (no CJK span yet: nothing for a break to end) */

  pthread_once(&table_once, table_build);
  if (!table_ok)
    FULL("no table");
  q->han = q->simplified_only = q->traditional_only = 0;
  q->find_left = false;
  q->nmembers = 0;
  /* The line's first run of plain ASCII (indentation; whole lines of code,
   * paths, numbers) as the scan would take it: a line of nothing else needs
   * no stage, without the scan's setting up. */
  if (p < end && *p < 0x80 && (ascii[*p] & A_PLAIN)) {
    p = plain_run(line, p, end, &brk);
    if (p == end)
      return need;
  }
  return scan(line, p, end, q);
}

/* The first byte at p that is not ASCII, or is NUL (or end). */
static const unsigned char *ascii_run(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128();
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
    if (m)
      return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  while (p < end && *p != 0 && *p < 0x80)
    p++;
  return p;
}

bool zhfix__quick_count(const char *s, size_t len, struct zhfix__quick *q)
{
  const unsigned char *line = (const unsigned char *)s, *p = line, *end = p + len;
  uint64_t han = 0, simp = 0, trad = 0;

  pthread_once(&table_once, table_build);
  if (!table_ok)
    return false;
  q->find_left = false;
  while (p < end) {
    uint32_t c;
    if (*p < 0x80) {
      p = ascii_run(p, end);
      if (p == end)
        break;
      if (*p == 0)
        return false;
    }
    /* A run of three-byte characters (most of CJK), as in the scan. */
    if (end - p >= 3 && seq3_bytes(p)) {
      const unsigned char *lim = end - 2;
      uint64_t sum = 0;
      if (lim - p > 3 * SUM_MAX)
        lim = p + 3 * SUM_MAX;
      do {
        unsigned f = fast3(p);
        if (f & F_BAD3)
          return false;
        sum += packed[f & F_COUNTED];
        p += 3;
      } while (p < lim && seq3_back(p));
      han += sum & 0xFFFF;
      simp += sum >> 16 & 0xFFFF;
      trad += sum >> 32 & 0xFFFF;
      continue;
    }
    /* Two- and four-byte characters, and what is not UTF-8. */
    {
      size_t l = zhfix__utf8_decode((const char *)p, (const char *)end, &c);
      unsigned f;
      if (l == 0 || c >= 0x10000)
        return false;
      p += l;
      f = fast[c];
      han += (f & Q_HAN) != 0;
      simp += (f & Q_SIMP) != 0;
      trad += (f & Q_TRAD) != 0;
    }
  }
  q->han = han;
  q->simplified_only = simp;
  q->traditional_only = trad;
  return true;
}
