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
  return (c >= 0x3001 && c <= 0x3011) || c == 0x201C || c == 0x201D || c == 0xFF0C ||
         c == 0xFF1A || c == 0xFF1B || c == 0xFF1F || c == 0xFF01 || c == 0xFF08 || c == 0xFF09;
}

static bool chinese(uint32_t c)
{
  return han(c) || cjk_punct(c);
}

static uint32_t at(const struct zhfix__text *t, size_t i)
{
  return i < t->n ? t->cp[i] : 0;
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
 * holding "://", "www." or "@")? */
static bool in_url(const struct zhfix__text *t, size_t i)
{
  size_t j = i;
  while (j > 0 && t->cp[j - 1] > ' ' && t->cp[j - 1] < 0x80)
    j--;
  for (; j < i; j++)
    if (t->cp[j] == '@' || (t->cp[j] == ':' && at(t, j + 1) == '/' && at(t, j + 2) == '/') ||
        (t->cp[j] == 'w' && at(t, j + 1) == 'w' && at(t, j + 2) == 'w' && at(t, j + 3) == '.'))
      return true;
  return false;
}

/* The fullwidth form of a halfwidth mark at i in a Chinese sentence, or 0. */
static uint32_t fullwidth(const struct zhfix__text *t, size_t i)
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
   * before a space and Han (" MSDOS, 在这种情况下"), or at the line's end. */
  if (!chinese(prev) && !han(next) &&
      !((c == ',' || c == ':') && !digit(prev) && line_han(t) &&
        ((next == ' ' && han(at(t, i + 2)) && c == ',') || i + 1 == t->n)))
    return 0;
  if (in_url(t, i) || prev == '\\') /* a URL; an escape (troff's \,) */
    return 0;
  if ((c == ':' || c == ';') && (next == '-' || next == ')' || next == '(')) /* :-) ;) */
    return 0;
  if (digit(prev) && digit(next))
    return 0;
  if (c == ':' && next == '/')
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

bool zhfix__punct_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  size_t i;

  if (!ctx->punct)
    return true;
  for (i = 0; i < t->n; i++) {
    uint32_t c = t->cp[i], to;
    if (c == '(') {
      /* A pair after Han, or around Han; one without its match when Han
       * touches it. */
      size_t j = closing(t, i), k;
      bool has_han = false, before = chinese(i ? t->cp[i - 1] : 0);
      for (k = i + 1; k < j && !has_han; k++)
        has_han = han(t->cp[k]);
      if (j < t->n && (before || has_han)) {
        edit(ctx, t, i, 0xFF08, report);
        edit(ctx, t, j, 0xFF09, report);
      } else if (j == t->n && (before || han(at(t, i + 1))) && !in_url(t, i)) {
        edit(ctx, t, i, 0xFF08, report);
      }
    } else if (c == ')' && chinese(i ? t->cp[i - 1] : 0) && !opened(t, i)) {
      edit(ctx, t, i, 0xFF09, report);
    } else if ((to = fullwidth(t, i)) != 0) {
      edit(ctx, t, i, to, report);
    } else if (ctx->punct != ZHFIX_PUNCT_FULLWIDTH && (to = region_quote(c, ctx->punct)) != 0 &&
               (chinese(i ? t->cp[i - 1] : 0) || chinese(at(t, i + 1)))) {
      edit(ctx, t, i, to, report);
    }
  }
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
