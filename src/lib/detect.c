/* Detection: the encoding of raw input, and the script of text.
 *
 * Encoding, in the way chardetng and compact_enc_det score short legacy CJK
 * input: a byte order mark decides at once; valid UTF-8 with non-ASCII text
 * decides next (legacy CJK text is almost never valid UTF-8); otherwise every
 * candidate code page decodes the bytes and the one whose text the language
 * model finds likeliest wins: common Han characters and their pairs cost
 * little, private-use characters, controls and Han glued to ASCII letters cost
 * much, and so does each invalid byte (a damaged file keeps its code page; in
 * chardetng one invalid sequence kills a candidate). All candidates explain
 * the same bytes, so their total costs compare directly; a Japanese or Korean
 * reading pays the odds against it in a Chinese tool's input.
 *
 * Script: characters only Simplified text uses, and only Traditional text uses
 * (tables/script.c, from OpenCC's character dictionaries) are counted; a line
 * with both in strength is mixed, and a line with neither is judged by which
 * of the two language models reads it better. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "internal.h"

#define TAIL_CUT 3          /* bytes a sample may end inside a UTF-16 character */
#define CUT_CHAR 10.0       /* nats: a character cut off at the end of the sample */
#define FOREIGN_READING 7.0 /* nats: the odds, about 1 in 1000, that the input of a
                               Chinese tool is Japanese or Korean text */
#define LINE_SWITCH 20.0    /* nats: a line read in another encoding than the line before */
#define BAD_SHARE 4         /* a code page with fewer characters outside ASCII than
                               this per invalid byte is not the sample's */
#define MIXED_MIN 1         /* characters of the minority script to call a line mixed */
#define MIXED_SHARE 0.1     /* ... and its share of the script-specific characters */
#define BROKEN_BYTE 20.0    /* nats: an invalid byte (in UTF-8 or a code page) */
#define OUT_OF_MEMORY -2.0 /* from the cost functions: an allocation failed */
#define MAX_CHAR_COST 11.0  /* nats per character: above, a decode is not text */
#define EXTENSION_PAIR 8.0  /* nats: a pair from a code page's rare extension */
#define MISCONVERSION 10.0   /* nats: a conversion alternative this much likelier is reported */

struct candidate {
  enum zhfix__codec codec;
  const char *name;
};

static const struct candidate candidates[] = {
  {ZHFIX__GB18030, "GB18030"}, {ZHFIX__BIG5, "Big5"},         {ZHFIX__BIG5HKSCS, "Big5-HKSCS"},
  {ZHFIX__SJIS, "Shift_JIS"},  {ZHFIX__EUCKR, "EUC-KR"},       {ZHFIX__UTF16LE, "UTF-16LE"},
  {ZHFIX__UTF16BE, "UTF-16BE"},
};

/* Pairs outside the core of a code page cost extra: EUC-KR text is KS X 1001
 * (A1-FE A1-FE); cp949's extension (leads 81-A0, trails below A1) holds the
 * 8822 rare Hangul syllables that other CJK bytes decode to. */
static double extension_cost(enum zhfix__codec codec, const char *buf, size_t len)
{
  const unsigned char *b = (const unsigned char *)buf;
  size_t i = 0, ext = 0;
  if (codec != ZHFIX__EUCKR)
    return 0;
  while (i + 1 < len) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    ext += b[i] < 0xA1 || b[i + 1] < 0xA1;
    i += 2;
  }
  return EXTENSION_PAIR * (double)ext;
}

/* Without a byte order mark or the NUL bytes of ASCII, UTF-16 is taken only
 * when the sample decodes to text, cp[0, n), with almost no character that
 * bytes of another encoding read as UTF-16 give: Hangul syllables, Yi,
 * presentation forms, private-use, unassigned and control characters (abc FF
 * FE 中 is not UTF-16BE). At most one in 50. */
static bool utf16_plausible(const uint32_t *cp, size_t n)
{
  size_t i, odd = 0;
  for (i = 0; i < n; i++) {
    uint32_t c = cp[i];
    int8_t type = u_charType((UChar32)c);
    odd += (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0xA000 && c <= 0xA4CF) || (c >= 0xFB00 && c <= 0xFEFE) ||
           type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR || type == U_SURROGATE ||
           (type == U_CONTROL_CHAR && c != '\n' && c != '\r' && c != '\t');
  }
  return odd * 50 <= n;
}

/* Is b[0, k) the start of a UTF-8 character that the sample cuts off? */
static bool utf8_cut(const unsigned char *b, size_t k)
{
  size_t need = b[0] >= 0xC2 && b[0] <= 0xDF ? 2 : b[0] >= 0xE0 && b[0] <= 0xEF ? 3
                : b[0] >= 0xF0 && b[0] <= 0xF4 ? 4 : 0;
  size_t j;
  if (k == 0 || k >= need)
    return false;
  for (j = 1; j < k; j++)
    if ((b[j] & 0xC0) != 0x80)
      return false;
  /* the second byte's narrower ranges: no overlong form, surrogate or > U+10FFFF */
  return k < 2 || !((b[0] == 0xE0 && b[1] < 0xA0) || (b[0] == 0xED && b[1] > 0x9F) ||
                    (b[0] == 0xF0 && b[1] < 0x90) || (b[0] == 0xF4 && b[1] > 0x8F));
}

/* zhfix reads Chinese: a reading of the sample as Japanese or Korean text
 * (in their code pages, or with kana or Hangul) pays FOREIGN_READING, so that
 * a Chinese reading wins when the evidence is equal. The model costs kana and
 * Hangul by script, not by word: two Big5 characters 中文 read in GBK as the
 * kana いゅ cost less than themselves, six GBK characters as Hangul syllables
 * nearly the same. A Shift_JIS reading needs a two-byte character: stray
 * bytes 0xA1-0xDF in ASCII text read as halfwidth katakana are no evidence of
 * it. The cost of the reading cp[0, n) of codec, or -1 to rule it out. */
static double foreign_cost(enum zhfix__codec codec, const uint32_t *cp, size_t n)
{
  bool foreign = codec == ZHFIX__SJIS || codec == ZHFIX__EUCKR, two_byte = false;
  size_t i;

  for (i = 0; i < n; i++) {
    uint32_t c = cp[i];
    foreign |= (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7A3);
    two_byte |= c >= 0x100 && !(c >= 0xFF61 && c <= 0xFF9F) && !zhfix__is_pua(c);
  }
  if (codec == ZHFIX__SJIS && !two_byte)
    return -1;
  return foreign ? FOREIGN_READING : 0;
}

/* The language model's cost of text cp[0, n), line by line: each line read
 * by the model (Simplified or Traditional) that reads it better, as the
 * pipeline does. Over the whole text, one model would make a file of
 * Simplified and Traditional lines (a GBK file with both, a file mixing GBK
 * and Big5 lines) read worse than it is, and worse than line by line
 * (mixed_utf8_cost()). Once past bound, it may stop at a line's end: the
 * cost it returns is then more than bound, and less than the whole. */
static double lines_cost(const uint32_t *cp, size_t n, double bound)
{
  size_t i = 0, j;
  double cost = 0;

  while (i < n && cost <= bound) { /* (past the bound, the rest does not matter) */
    for (j = i; j < n && cp[j] != '\n'; j++)
      ;
    j += j < n; /* with its line feed */
    cost += zhfix__lm_cost(i ? cp[i - 1] : 0, cp + i, j - i, 0);
    i = j;
  }
  return cost;
}

/* Decode buf[0, len) with codec; the cost of its text, or -1 if it is not
 * text in codec. A legacy code page decodes tolerantly: each byte of an
 * illegal or unmapped sequence is damage and costs BROKEN_BYTE, as in text
 * taken as UTF-8 (a GBK file with one stray byte is still GBK); but the code
 * page must explain most of the bytes that are not ASCII: fewer than
 * BAD_SHARE of its characters outside ASCII per invalid byte rule it out
 * (raw \xFF\xFE \xE4\xB8 is no GBK text with one character 涓). UTF-16
 * decodes strictly (one lost byte misaligns all that follows) and, with
 * need_plausible, must look like UTF-16 text (see utf16_plausible()). A
 * character cut off at the end costs CUT_CHAR: a sample may end inside one,
 * but a free cut would let a reading of a short input drop the bytes it
 * cannot explain. A Japanese or Korean reading costs more (foreign_cost()).
 * A reading that costs more than limit (if limit >= 0; the best so far) loses
 * whatever its cost: it may return a cost between limit and its own. */
static double decoded_cost(zhfix_ctx *ctx, enum zhfix__codec codec, const char *buf, size_t len,
                           bool *four_byte, bool need_plausible, double limit)
{
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  size_t n = (size_t)-1, cut = 0, bad = 0, wide = 0, i;
  double cost = -1, foreign;

  if (!cp)
    return OUT_OF_MEMORY;
  if (codec == ZHFIX__UTF16LE || codec == ZHFIX__UTF16BE) {
    for (cut = 0; cut <= TAIL_CUT && cut < len; cut++)
      if ((n = zhfix__decode(&ctx->codecs, codec, buf, len - cut, cp, len + 1)) != (size_t)-1)
        break;
  } else {
    n = zhfix__decode_lossy(&ctx->codecs, codec, buf, len, cp, len + 1, &bad, &cut);
  }
  for (i = 0; i < n && n != (size_t)-1; i++)
    wide += cp[i] >= 0x80;
  if (n != (size_t)-1 && n > 0 && bad * BAD_SHARE <= wide &&
      (!need_plausible || utf16_plausible(cp, n))) {
    double ext = extension_cost(codec, buf, len),
           extra = BROKEN_BYTE * (double)bad + (cut ? CUT_CHAR : 0);
    if ((foreign = foreign_cost(codec, cp, n)) >= 0)
      cost = lines_cost(cp, n, limit >= 0 ? limit - ext - foreign - extra : HUGE_VAL) + ext;
    if (foreign < 0 || cost > MAX_CHAR_COST * (double)n)
      cost = -1; /* decodes, but to nothing that reads as text */
    else
      cost += foreign + extra;
    if (four_byte) { /* GB18030 needs four bytes for what GBK does not have */
      *four_byte = false;
      for (i = 0; i < n; i++)
        *four_byte |= cp[i] >= 0x10000 || (cp[i] >= 0x3400 && cp[i] <= 0x4DBF) ||
                      (cp[i] >= 0x9FA6 && cp[i] <= 0x9FFF);
    }
  }
  free(cp);
  return cost;
}

/* Valid UTF-8, apart from a character cut at the end of the sample? */
static bool utf8_ok(const char *buf, size_t len, bool *non_ascii)
{
  size_t i = 0, l;
  uint32_t cp;
  *non_ascii = false;
  while (i < len) {
    l = zhfix__utf8_decode(buf + i, buf + len, &cp);
    if (!l)
      return utf8_cut((const unsigned char *)buf + i, len - i);
    *non_ascii |= cp >= 0x80;
    i += l;
  }
  return true;
}

/* Cost of buf as UTF-8 whose lines that are not UTF-8 are each in a legacy
 * code page or damaged, or -1 if it has none of the text a UTF-8 file would
 * have. This is how the pipeline reads input taken as UTF-8: process_line()
 * decodes such a line whole from GB18030 or Big5 (zhfix__raw_repair()) when
 * it reads as Chinese, or keeps its invalid bytes. So a file that mixes UTF-8
 * lines with GBK or Big5 lines reads best as UTF-8, and each line comes out
 * right, and so does a file that mixes GBK and Big5 lines. A file in one code
 * page reads best in it, as each change of reading between lines costs
 * LINE_SWITCH: with less (5 nats), a file of short Big5 lines read better
 * line by line, some of them as GBK. An invalid byte costs BROKEN_BYTE, a
 * character cut at the end CUT_CHAR, as in decoded_cost(). */
static double mixed_utf8_cost(zhfix_ctx *ctx, const char *buf, size_t len)
{
  static const enum zhfix__codec legacy[] = {ZHFIX__GB18030, ZHFIX__BIG5};
  uint32_t *cp = malloc((len + 1) * sizeof *cp), prev = 0;
  size_t start = 0, chars = 0, broken = 0;
  double total = 0;
  int reading = -1; /* of the line before: -1 UTF-8, else an index in legacy[] */

  if (!cp)
    return OUT_OF_MEMORY;
  while (start < len) {
    const char *s = buf + start, *nl = memchr(s, '\n', len - start);
    size_t l = nl ? (size_t)(nl - s) + 1 : len - start, i = 0, n = 0, bad = 0, k;
    double cut = 0, best;
    uint32_t last;
    int chosen = -1;

    while (i < l) {
      size_t cl = zhfix__utf8_decode(s + i, s + l, &cp[n]);
      if (cl > 0) {
        n++;
        i += cl;
      } else if (start + l == len && utf8_cut((const unsigned char *)s + i, l - i)) {
        cut = CUT_CHAR;
        break;
      } else {
        bad++;
        i++;
      }
    }
    best = zhfix__lm_cost(prev, cp, n, 0) + BROKEN_BYTE * (double)bad + cut +
           (reading != -1 ? LINE_SWITCH : 0);
    last = n ? cp[n - 1] : prev;
    for (k = 0; (bad || cut) && k < sizeof legacy / sizeof *legacy &&
                !zhfix__latin_glued(s, l);
         k++) {
      size_t lbad, lcut, ln = zhfix__decode_lossy(&ctx->codecs, legacy[k], s, l, cp, len + 1,
                                                  &lbad, &lcut), j;
      double c, foreign;
      bool han = false;
      if (ctx->codecs.oom)
        break;
      if (ln == (size_t)-1 || ln == 0 || lbad > 0)
        continue; /* (a line the pipeline decodes is whole in the code page) */
      for (j = 0; j < ln; j++)
        han |= zhfix__is_han(cp[j]);
      c = zhfix__lm_cost(prev, cp, ln, 0);
      if (!han || c > MAX_CHAR_COST * (double)ln || (foreign = foreign_cost(legacy[k], cp, ln)) < 0)
        continue;
      c += foreign + (lcut ? CUT_CHAR : 0) + (reading != (int)k ? LINE_SWITCH : 0);
      if (c < best) {
        best = c;
        chosen = (int)k;
        last = cp[ln - 1];
        n = ln;
      }
    }
    if (chosen == -1) {
      chars += n;
      broken += bad;
    } else {
      chars += n;
    }
    total += best;
    reading = chosen;
    prev = last;
    start += l;
  }
  free(cp);
  if (ctx->codecs.oom)
    return OUT_OF_MEMORY;
  return chars > broken ? total : -1;
}

zhfix_status zhfix_detect_encoding(zhfix_ctx *ctx, const char *buf, size_t len,
                                   zhfix_encoding_guess *guess)
{
  const unsigned char *b = (const unsigned char *)buf;
  size_t i, nul = 0, odd_nul = 0;
  double best = -1, second = -1;
  bool non_ascii, utf16_nuls;

  if (!ctx || !guess || (!buf && len))
    return ZHFIX_ERR_ARG;
  guess->bom_len = 0;
  guess->confidence = 1.0;
  if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    guess->name = "UTF-8";
    guess->bom_len = 3;
    return ZHFIX_OK;
  }
  if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
    guess->name = b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
    guess->bom_len = 2;
    return ZHFIX_OK;
  }
  for (i = 0; i < len; i++)
    if (b[i] == 0) {
      nul++;
      odd_nul += i & 1;
    }
  /* UTF-16 text of ASCII has a NUL in every other byte, nearly all on one
   * side; text with NUL bytes here and there (a field separator, padding)
   * does not look so. */
  utf16_nuls = 8 * nul >= len && (10 * odd_nul >= 9 * nul || 10 * (nul - odd_nul) >= 9 * nul);
  if (utf8_ok(buf, len, &non_ascii) && !utf16_nuls) {
    guess->name = non_ascii ? "UTF-8" : "ASCII";
    return ZHFIX_OK;
  }
  guess->name = "unknown";
  guess->confidence = 0;
  /* UTF-8 with some bytes broken (a cut character, a stray byte) or some lines
   * in a legacy code page competes too. */
  if (!utf16_nuls && (best = mixed_utf8_cost(ctx, buf, len)) == OUT_OF_MEMORY) {
    ctx->codecs.oom = false;
    return ZHFIX_ERR_NOMEM;
  }
  if (best >= 0)
    guess->name = "UTF-8";
  for (i = 0; i < sizeof candidates / sizeof *candidates; i++) {
    bool four = false, utf16;
    double c;
    if ((candidates[i].codec == ZHFIX__UTF16LE || candidates[i].codec == ZHFIX__UTF16BE) &&
        len % 2 != 0 && len > 64)
      continue;
    if (candidates[i].codec == ZHFIX__BIG5HKSCS && strcmp(guess->name, "Big5") == 0)
      continue; /* HKSCS only where plain Big5 fails */
    utf16 = candidates[i].codec == ZHFIX__UTF16LE || candidates[i].codec == ZHFIX__UTF16BE;
    /* Latin text with stray high bytes (s\xE4bin) is no double-byte code page. */
    if (!utf16 && zhfix__latin_glued(buf, len))
      continue;
    c = decoded_cost(ctx, candidates[i].codec, buf, len,
                     candidates[i].codec == ZHFIX__GB18030 ? &four : NULL, utf16 && !utf16_nuls,
                     best);
    if (c == OUT_OF_MEMORY || ctx->codecs.oom) {
      ctx->codecs.oom = false;
      return ZHFIX_ERR_NOMEM;
    }
    if (c < 0)
      continue;
    if (best >= 0 && c >= best) { /* (a tie keeps the earlier: UTF-8 first, then Chinese) */
      if (second < 0 || c < second)
        second = c;
      continue;
    }
    second = best;
    best = c;
    guess->name = candidates[i].codec == ZHFIX__GB18030 && !four ? "GBK" : candidates[i].name;
  }
  /* confidence: how clearly the winner beats the runner-up */
  if (best >= 0)
    guess->confidence = second > 0 ? 1.0 - best / second : 1.0;
  return ZHFIX_OK;
}

/* ---- script ---- */

/* The script class of each BMP character, built once: 1 only Simplified, 2
 * only Traditional, 0 otherwise; plus BMP_HAN for a Han character
 * (zhfix__is_han()). Classifying every line is hot. */
#define BMP_HAN 4
static uint8_t bmp_script[0x10000];
static pthread_once_t bmp_script_once = PTHREAD_ONCE_INIT;

static void bmp_script_build(void)
{
  const struct zhfix__script_table *st = &zhfix__script_chars;
  size_t i;
  uint32_t c;
  for (i = 0; i < st->nsimp; i++)
    if (st->simp_only[i] < 0x10000)
      bmp_script[st->simp_only[i]] = 1;
  for (i = 0; i < st->ntrad; i++)
    if (st->trad_only[i] < 0x10000)
      bmp_script[st->trad_only[i]] = 2;
  for (c = 0x2E80; c < 0x10000; c++)
    if (zhfix__is_han(c))
      bmp_script[c] |= BMP_HAN;
}

/* The script class of astral c: 1 only Simplified, 2 only Traditional, 0. */
static int astral_class(uint32_t c)
{
  const struct zhfix__script_table *st = &zhfix__script_chars;
  return zhfix__find_u32(st->simp_only, st->nsimp, c) >= 0   ? 1
         : zhfix__find_u32(st->trad_only, st->ntrad, c) >= 0 ? 2
                                                              : 0;
}

int zhfix__script_counted(const uint32_t *cp, size_t n, struct zhfix__script_count *count)
{
  size_t i, s = 0, t = 0, han = 0;

  pthread_once(&bmp_script_once, bmp_script_build);
  for (i = 0; i < n; i++) {
    int k;
    if (cp[i] < 0x2E80)
      continue; /* (no Han below) */
    if (cp[i] < 0x10000) {
      if (!((k = bmp_script[cp[i]]) & BMP_HAN))
        continue;
      k &= 3;
    } else {
      if (!zhfix__is_han(cp[i]))
        continue;
      k = astral_class(cp[i]);
    }
    han++;
    s += k == 1;
    t += k == 2;
  }
  if (count) {
    count->han += han;
    count->simplified_only += s;
    count->traditional_only += t;
  }
  return zhfix__script_by_counts(han, s, t);
}

zhfix_script zhfix__classify(const uint32_t *cp, size_t n, struct zhfix__script_count *count)
{
  int script = zhfix__script_counted(cp, n, count);
  if (script != ZHFIX_SCRIPT_TIE)
    return script;
  return zhfix__lm_reads_simplified(cp, n) ? ZHFIX_SCRIPT_SIMPLIFIED : ZHFIX_SCRIPT_TRADITIONAL;
}

zhfix_script zhfix__script_of_counts(const struct zhfix__script_count *count, double bias)
{
  int script = zhfix__script_by_counts(count->han, count->simplified_only, count->traditional_only);
  if (script != ZHFIX_SCRIPT_TIE)
    return script;
  return bias <= 0 ? ZHFIX_SCRIPT_SIMPLIFIED : ZHFIX_SCRIPT_TRADITIONAL;
}

int zhfix__script_by_counts(uint64_t han, uint64_t s, uint64_t t)
{
  uint64_t lo = s < t ? s : t;

  if (han == 0)
    return ZHFIX_SCRIPT_NONE;
  if (lo >= MIXED_MIN && (double)lo >= MIXED_SHARE * (double)(s + t))
    return ZHFIX_SCRIPT_MIXED;
  if (s != t)
    return s > t ? ZHFIX_SCRIPT_SIMPLIFIED : ZHFIX_SCRIPT_TRADITIONAL;
  return ZHFIX_SCRIPT_TIE;
}

const char *zhfix_script_name(zhfix_script script)
{
  switch (script) {
  case ZHFIX_SCRIPT_NONE: return "no Han";
  case ZHFIX_SCRIPT_SIMPLIFIED: return "Simplified";
  case ZHFIX_SCRIPT_TRADITIONAL: return "Traditional";
  case ZHFIX_SCRIPT_MIXED: return "mixed";
  }
  return "unknown";
}

zhfix_script zhfix_detect_script(const char *utf8, size_t len)
{
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  size_t i = 0, n = 0, l;
  zhfix_script script;

  if (!cp)
    return ZHFIX_SCRIPT_NONE;
  while (i < len) {
    l = zhfix__utf8_decode(utf8 + i, utf8 + len, &cp[n]);
    if (l) {
      n++;
      i += l;
    } else {
      i++;
    }
  }
  script = zhfix__classify(cp, n, NULL);
  free(cp);
  return script;
}
