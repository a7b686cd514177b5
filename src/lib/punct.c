/* Chinese typography (zhfix_set_punct): halfwidth punctuation of Chinese
 * sentences made fullwidth, quotation marks of a region, and optionally a
 * space between Han and Latin letters or digits.
 *
 * A halfwidth , : ; ? ! belongs to a Chinese sentence when a Han character
 * touches it (before it, or after it with at most one space between); never
 * between two digits (101,865, 3:30), never before "//" (a URL), and a run of
 * "??" is left alone (characters lost to "?", reported by the pipeline). A
 * comma after a list item of at most LIST_ITEM Han characters, next to
 * another such item (苹果,香蕉,橙子), is the enumeration comma 、. Parentheses
 * become fullwidth in pairs, when the text between them holds Han. Quotation
 * marks touching Han become the region's: “” ‘’ for the mainland, 「」 『』 for
 * Taiwan and Hong Kong. Each change is reported as a repair of kind
 * "punctuation" (or "spacing" for an inserted space). */
#include <string.h>

#include "internal.h"

#define LIST_ITEM 3   /* Han characters of a list item */
#define MAX_PAREN 200 /* code points between a parenthesis and its match */
#define MAX_WORDS 3   /* words of a Latin term inside a Chinese sentence */
#define LATIN_PER_HAN 2 /* Latin words per Han character of a line that is English */

static bool han(uint32_t c)
{
  return zhfix__is_han(c);
}

static bool digit(uint32_t c)
{
  return c >= '0' && c <= '9';
}

/* Closing and opening fullwidth punctuation, as good as Han for context. */
static bool cjk_punct(uint32_t c)
{
  return (c >= 0x3001 && c <= 0x3011) || c == 0xFF0C || c == 0xFF1A || c == 0xFF1B ||
         c == 0xFF1F || c == 0xFF01 || c == 0xFF08 || c == 0xFF09;
}

static bool chinese(uint32_t c)
{
  return han(c) || cjk_punct(c);
}

static uint32_t at(const struct zhfix__text *t, size_t i)
{
  return i < t->n ? t->cp[i] : 0;
}

/* Han or Chinese punctuation at i; curly quotes, which English uses too,
 * only next to Han or Chinese punctuation. */
static bool chinese_at(const struct zhfix__text *t, size_t i)
{
  uint32_t c = at(t, i);
  if (c == 0x201C || c == 0x201D)
    return (i > 0 && chinese(t->cp[i - 1])) || chinese(at(t, i + 1));
  return chinese(c);
}

static void edit(zhfix_ctx *ctx, struct zhfix__text *t, size_t i, uint32_t to,
                 zhfix__edit_fn report)
{
  struct zhfix__edit ed;
  t->cp[i] = to;
  ed.from = t->src[i];
  ed.to = t->src[i] + 1;
  ed.kind = "punctuation";
  ed.margin = 0;
  ed.after = &t->cp[i];
  ed.nafter = 1;
  report(ctx, &ed);
}

/* Han characters of the clause ending before i (back to punctuation or the
 * line's start), or 0 if anything but Han is in it. */
static size_t item_before(const struct zhfix__text *t, size_t i)
{
  size_t n = 0;
  while (i > 0 && han(t->cp[i - 1])) {
    i--;
    n++;
  }
  return i == 0 || !zhfix__is_ascii_alpha(t->cp[i - 1]) ? n : 0;
}

/* Is the comma at i between two short list items (or after one, with a short
 * item before the previous comma)? */
static bool enumeration(const struct zhfix__text *t, size_t i)
{
  size_t before = item_before(t, i), j, after = 0;
  if (before < 2 || before > LIST_ITEM)
    return false;
  /* The previous separator is a comma after a short item. */
  j = i - before;
  if (j > 0 && (t->cp[j - 1] == ',' || t->cp[j - 1] == 0x3001)) {
    size_t prev = item_before(t, j - 1);
    if (prev >= 2 && prev <= LIST_ITEM)
      return true;
  }
  /* The next item is short and followed by another comma. */
  for (j = i + 1; j < t->n && han(t->cp[j]); j++)
    after++;
  return after >= 2 && after <= LIST_ITEM && j < t->n && t->cp[j] == ',';
}

/* Does the line hold Han? */
static bool line_han(const struct zhfix__text *t)
{
  size_t i;
  for (i = 0; i < t->n; i++)
    if (han(t->cp[i]))
      return true;
  return false;
}

/* Is i inside a URL or an e-mail address (ASCII back to a space or Han,
 * holding "://", "www." or "@")? An address ends before a mark that is
 * followed by a space, Han or the line's end (an e-mail address holds no
 * comma); a URL may hold any of them. */
static bool in_url(const struct zhfix__text *t, size_t i)
{
  size_t j = i;
  uint32_t next = at(t, i + 1);
  bool address_goes_on = next > ' ' && next < 0x80;
  while (j > 0 && t->cp[j - 1] > ' ' && t->cp[j - 1] < 0x80)
    j--;
  for (; j < i; j++)
    if ((t->cp[j] == '@' && address_goes_on) ||
        (t->cp[j] == ':' && at(t, j + 1) == '/' && at(t, j + 2) == '/') ||
        (t->cp[j] == 'w' && at(t, j + 1) == 'w' && at(t, j + 2) == 'w' && at(t, j + 3) == '.'))
      return true;
  return false;
}

/* Characters of code, not of a term in a sentence. */
static bool code_char(uint32_t c)
{
  return c == '=' || c == '{' || c == '}' || c == '<' || c == '>' || c == '|' || c == '`' ||
         c == '^' || c == '~' || c == '$' || c == '%' || c == '#' || c == ';' || c == ',';
}

/* Is [from, to) a term of a Chinese sentence: 1 to max space-separated
 * words with a letter or digit, brackets and double quotes balanced, no code
 * characters (nor a comma left halfwidth: "Jan. 1, 1970")? A bracket after a
 * backslash is troff's (\(lq, \*(C`), not one. */
static bool term(const struct zhfix__text *t, size_t from, size_t to, size_t max)
{
  size_t words = 0, k;
  bool alnum = false;
  int depth = 0, quotes = 0;
  for (k = from; k < to; k++) {
    uint32_t c = t->cp[k], p = k > from ? t->cp[k - 1] : ' ';
    bool escaped = p == '\\' || (p == '*' && k >= from + 2 && t->cp[k - 2] == '\\');
    if (c != ' ' && c != '\t' && (p == ' ' || p == '\t' || k == from))
      words++;
    alnum = alnum || digit(c) || zhfix__is_ascii_alpha(c);
    if (escaped)
      continue;
    if (c == '(' || c == '[')
      depth++;
    else if ((c == ')' || c == ']') && --depth < 0)
      return false;
    else if (c == '"' || (c == '\'' && !(zhfix__is_ascii_alpha(p) && zhfix__is_ascii_alpha(at(t, k + 1)))))
      quotes++; /* not an apostrophe (don't) */
    else if (code_char(c) || c >= 0x80)
      return false;
  }
  return alnum && words <= max && depth == 0 && quotes % 2 == 0;
}

/* Words and Han characters of [from, to). A word is a token between spaces
 * of two letters or more, with at most an opening bracket or quote before and
 * punctuation after: "nfs,ram" or a path is no word. */
static void count_words(const struct zhfix__text *t, size_t from, size_t to, size_t *words,
                        size_t *hans)
{
  size_t i = from;
  while (i < to) {
    size_t letters = 0;
    while (i < to && (t->cp[i] == ' ' || t->cp[i] == '\t'))
      i++;
    if (i < to && (t->cp[i] == '(' || t->cp[i] == '"' || t->cp[i] == '\''))
      i++;
    while (i < to && zhfix__is_ascii_alpha(t->cp[i])) {
      i++;
      letters++;
    }
    while (i < to && t->cp[i] < 0x80 && t->cp[i] && strchr(",.;:!?)\"'", (int)t->cp[i]))
      i++;
    if (letters >= 2 && (i == to || t->cp[i] == ' ' || t->cp[i] == '\t'))
      (*words)++;
    for (; i < to && t->cp[i] != ' ' && t->cp[i] != '\t'; i++)
      *hans += han(t->cp[i]);
  }
}

/* Is the line mostly English: more words than LATIN_PER_HAN times its Han
 * characters ("甲 業 - column 3,")? */
static bool latin_line(const struct zhfix__text *t)
{
  size_t words = 0, hans = 0;
  count_words(t, 0, t->n, &words, &hans);
  return words > LATIN_PER_HAN * hans;
}

/* Where the Latin stretch ending at i begins: after the last Han or Chinese
 * mark of the line, or at the line's start when the previous line left a
 * Chinese sentence open (ctx->punct_open); t->n if neither. */
static size_t tail_start(const zhfix_ctx *ctx, const struct zhfix__text *t, size_t i)
{
  while (i > 0 && !chinese_at(t, i - 1))
    i--;
  return i > 0 || ctx->punct_open ? i : t->n;
}

/* Does the Chinese sentence go on after the mark at i: the line ends (with
 * closing quotes or brackets at most); or Han follows, or a space and a word
 * before Han ("path, Tcl 建立"; not a bracket: "(see X, below)"); or, for a list mark right before a term, the
 * term ends at Han, a Chinese mark, the next , ; or the line's end, not after
 * a full stop ("nfs,ram", not "Hello,world.")? */
static bool goes_on(const struct zhfix__text *t, size_t i, bool list)
{
  size_t j = i + 1, k;
  while (j < t->n && (t->cp[j] == ')' || t->cp[j] == '"' || t->cp[j] == '\'' || t->cp[j] == 0x201D))
    j++;
  for (k = j; k < t->n && (t->cp[k] == ' ' || t->cp[k] == '\t'); k++)
    ;
  if (k == t->n)
    return true;
  if (chinese_at(t, k))
    return k > i + 1 || han(t->cp[k]);
  if (j != i + 1 || (k > j && !list))
    return false;
  for (j = k; j < t->n && !chinese_at(t, j) && t->cp[j] != ',' && t->cp[j] != ';'; j++)
    ;
  if (k > i + 1) /* after a space: one word, then Han */
    return j < t->n && han(t->cp[j]) && term(t, k, j, 1);
  if (!list || !term(t, k, j, MAX_WORDS))
    return false;
  return j < t->n || t->cp[j - 1] != '.';
}

/* A mark after Latin text (a term: "设置为 \fBOn\fP,readline", "即 CMD;",
 * "的 Perl?"): does it end a clause of a Chinese sentence? On a line without
 * Han that goes on the sentence of the line before (troff's ".I name ,"),
 * only a comma ending the line, and not on an indented line (code). */
static bool after_term(const zhfix_ctx *ctx, const struct zhfix__text *t, size_t i)
{
  uint32_t c = t->cp[i];
  size_t from = tail_start(ctx, t, i);
  if (from == t->n || !term(t, from, i, MAX_WORDS))
    return false;
  if (from == 0 && (t->cp[0] == ' ' || t->cp[0] == '\t'))
    return false;
  if (from > 0 && latin_line(t))
    return false;
  if (from == 0 && !line_han(t)) { /* only a comma ending the line */
    size_t k = i + 1;
    while (k < t->n && (t->cp[k] == ' ' || t->cp[k] == '\t'))
      k++;
    return c == ',' && k == t->n;
  }
  if (c == '?' || c == '!') { /* before Han, or the line's end after closing quotes */
    size_t k = i + 1;
    while (k < t->n && (t->cp[k] == '"' || t->cp[k] == ')' || t->cp[k] == 0x201D))
      k++;
    return k == t->n || (k == i + 1 && han(t->cp[k]));
  }
  return goes_on(t, i, c == ',' || c == ';');
}

/* Does an HTML entity's name end before i ("&amp", "&#38")? */
static bool entity_before(const struct zhfix__text *t, size_t i)
{
  size_t j = i;
  while (j > 0 && (zhfix__is_ascii_alpha(t->cp[j - 1]) || digit(t->cp[j - 1])))
    j--;
  if (j > 0 && t->cp[j - 1] == '#')
    j--;
  return j < i && j > 0 && t->cp[j - 1] == '&';
}

/* The fullwidth form of a halfwidth mark at i in a Chinese sentence, or 0. */
static uint32_t fullwidth(const zhfix_ctx *ctx, const struct zhfix__text *t, size_t i)
{
  uint32_t c = t->cp[i], prev = i ? t->cp[i - 1] : 0, next = at(t, i + 1);
  static const uint32_t from[] = {',', ':', ';', '?', '!'};
  static const uint32_t to[] = {0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01};
  size_t k;

  for (k = 0; k < sizeof from / sizeof *from && from[k] != c; k++)
    ;
  if (k == sizeof from / sizeof *from)
    return 0;
  /* Touching Han; or a comma or colon closing a clause of a line with Han:
   * before a space and Han (" MSDOS, 在这种情况下"), or at the line's end;
   * or closing a clause that ends in a Latin term. */
  if (!(i > 0 && chinese_at(t, i - 1)) && !han(next) &&
      !((c == ',' || c == ':') && !digit(prev) && line_han(t) &&
        ((next == ' ' && han(at(t, i + 2)) && c == ',') || i + 1 == t->n)) &&
      !after_term(ctx, t, i))
    return 0;
  if (in_url(t, i) || prev == '\\') /* a URL; an escape (troff's \,) */
    return 0;
  if ((c == ':' || c == ';') && (next == '-' || next == ')' || next == '(')) /* :-) ;) */
    return 0;
  if (digit(prev) && digit(next))
    return 0;
  if (c == ';' && entity_before(t, i)) /* &amp; &#38; */
    return 0;
  if (c == ':' && (next == '/' || next == ':' || prev == ':'))
    return 0;
  if (c == '?' && (prev == '?' || next == '?'))
    return 0;
  if (c == ',' && han(prev) && han(next) && enumeration(t, i))
    return 0x3001;
  return to[k];
}

/* Index of the ')' closing the '(' at i, or t->n. */
static size_t closing(const struct zhfix__text *t, size_t i)
{
  size_t j, depth = 0;
  for (j = i; j < t->n && j - i <= MAX_PAREN; j++) {
    if (t->cp[j] == '(')
      depth++;
    else if (t->cp[j] == ')' && --depth == 0)
      return j;
  }
  return t->n;
}

/* Is the ')' at i closed by an earlier '(' of the line? */
static bool opened(const struct zhfix__text *t, size_t i)
{
  size_t depth = 0;
  while (i-- > 0) {
    if (t->cp[i] == ')')
      depth++;
    else if (t->cp[i] == '(' && depth-- == 0)
      return true;
  }
  return false;
}

static uint32_t region_quote(uint32_t c, int region)
{
  static const uint32_t curly[] = {0x201C, 0x201D, 0x2018, 0x2019};
  static const uint32_t corner[] = {0x300C, 0x300D, 0x300E, 0x300F};
  const uint32_t *from = region == ZHFIX_PUNCT_MAINLAND ? corner : curly;
  const uint32_t *to = region == ZHFIX_PUNCT_MAINLAND ? curly : corner;
  size_t k;
  for (k = 0; k < 4; k++)
    if (c == from[k])
      return to[k];
  return 0;
}

/* Does the line leave a Chinese sentence open for the next line: it ends in
 * Han or in a mark that ends no sentence (，、：；（“); or, holding no Han, it
 * carried an open sentence on as one word (troff's ".SM")? */
static bool leaves_open(const zhfix_ctx *ctx, const struct zhfix__text *t)
{
  size_t n = t->n;
  uint32_t c;
  while (n > 0 && (t->cp[n - 1] == ' ' || t->cp[n - 1] == '\t' || t->cp[n - 1] == '\r'))
    n--;
  if (n == 0)
    return false;
  c = t->cp[n - 1];
  if (han(c) || c == 0xFF0C || c == 0x3001 || c == 0xFF1A || c == 0xFF1B || c == 0xFF08 ||
      c == 0x201C)
    return true;
  if (!ctx->punct_open || line_han(t) || !term(t, 0, n, 1))
    return false;
  return true;
}

bool zhfix__punct_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  size_t i;

  if (!ctx->punct)
    return true;
  for (i = 0; i < t->n; i++) {
    uint32_t c = t->cp[i], to;
    if (c == '(') {
      /* A pair after Chinese; or around Han, in a line with Han
       * outside it too, or fewer than two English words (not an English
       * line's "Yuming Ma(马玉明)"); one without its match when Han touches
       * it. */
      size_t j = closing(t, i), k, words = 0, hans = 0;
      bool has_han = false, before = i > 0 && chinese_at(t, i - 1);
      for (k = i + 1; k < j && !has_han; k++)
        has_han = han(t->cp[k]);
      if (has_han && j < t->n) {
        count_words(t, 0, i, &words, &hans);
        count_words(t, j + 1, t->n, &words, &hans);
      }
      if (j < t->n &&
          (before || (has_han && (hans > 0 || words < 2 || chinese_at(t, j + 1) || ctx->punct_open)))) {
        edit(ctx, t, i, 0xFF08, report);
        edit(ctx, t, j, 0xFF09, report);
      } else if (j == t->n && (before || han(at(t, i + 1))) && !in_url(t, i)) {
        edit(ctx, t, i, 0xFF08, report);
      }
    } else if (c == ')' && i > 0 && chinese_at(t, i - 1) && !opened(t, i)) {
      edit(ctx, t, i, 0xFF09, report);
    } else if ((to = fullwidth(ctx, t, i)) != 0) {
      edit(ctx, t, i, to, report);
    } else if (ctx->punct != ZHFIX_PUNCT_FULLWIDTH && (to = region_quote(c, ctx->punct)) != 0 &&
               ((i > 0 && chinese_at(t, i - 1)) || chinese_at(t, i + 1))) {
      edit(ctx, t, i, to, report);
    }
  }
  ctx->punct_open = leaves_open(ctx, t);
  if (!ctx->punct_space)
    return true;
  for (i = 1; i < t->n; i++) {
    uint32_t a = t->cp[i - 1], b = t->cp[i], sp = ' ';
    if ((han(a) && (zhfix__is_ascii_alpha(b) || digit(b))) ||
        ((zhfix__is_ascii_alpha(a) || digit(a)) && han(b))) {
      struct zhfix__edit ed = {t->src[i], t->src[i], "spacing", 0, &sp, 1};
      if (!zhfix__text_splice(t, i, 0, &sp, 1, t->src[i]))
        return false;
      report(ctx, &ed);
      i++;
    }
  }
  return true;
}
