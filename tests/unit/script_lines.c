/* Script detection accuracy on labelled text (not a unit test: run by
 * tests/clean-corpus.sh on Debian's documentation). Usage:
 *   script_lines LABEL FILE...   LABEL is simplified or traditional
 * Counts lines with at least MIN_HAN Han characters and how many
 * zhfix_detect_script() classifies as LABEL; then, for the same lines with
 * their first half converted to the other script with OpenCC (t2s or s2t) where
 * that changes both halves' script, how many it classifies as mixed. Prints
 * "LABEL: right/total (percent), mixed: right/total (percent)". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MIN_HAN 10

static size_t han_count(const char *s, size_t len)
{
  size_t i = 0, n = 0, l;
  uint32_t cp;
  while (i < len) {
    l = zhfix__utf8_decode(s + i, s + len, &cp);
    n += l && zhfix__is_han(cp);
    i += l ? l : 1;
  }
  return n;
}

/* Does s hold a character only Traditional (trad) or only Simplified text uses,
 * and none of the other script's? */
static bool specific(const char *s, size_t len, bool trad)
{
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  struct zhfix__script_count c = {0, 0, 0};
  size_t i = 0, n = 0, l;
  while (cp && i < len) {
    l = zhfix__utf8_decode(s + i, s + len, &cp[n]);
    n += l > 0;
    i += l ? l : 1;
  }
  if (cp)
    zhfix__classify(cp, n, &c);
  free(cp);
  return trad ? c.traditional_only > 0 && c.simplified_only == 0
              : c.simplified_only > 0 && c.traditional_only == 0;
}

/* Byte offset of the code point boundary nearest the middle of s. */
static size_t middle(const char *s, size_t len)
{
  size_t i = len / 2;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  return i;
}

int main(int argc, char **argv)
{
  zhfix_script want;
  struct zhfix__conv *other;
  char err[256], *line = NULL;
  size_t cap = 0, total = 0, right = 0, mtotal = 0, mright = 0;
  int f;

  if (argc < 3)
    return 2;
  want = strcmp(argv[1], "simplified") == 0 ? ZHFIX_SCRIPT_SIMPLIFIED : ZHFIX_SCRIPT_TRADITIONAL;
  other = zhfix__conv_open(want == ZHFIX_SCRIPT_SIMPLIFIED ? "s2t" : "t2s", false, err, sizeof err);
  if (!other) {
    fprintf(stderr, "script_lines: %s\n", err);
    return 2;
  }
  for (f = 2; f < argc; f++) {
    FILE *in = fopen(argv[f], "r");
    ssize_t n;
    if (!in)
      return 2;
    while ((n = getline(&line, &cap, in)) > 0) {
      size_t len = (size_t)n, half;
      struct zhfix__buf mixed = {0};
      while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
      if (han_count(line, len) < MIN_HAN)
        continue;
      total++;
      right += zhfix_detect_script(line, len) == want;
      /* Mixed: the first half converted, where that leaves each half of one script. */
      half = middle(line, len);
      if (zhfix__conv_run(other, line, half, &mixed) != ZHFIX_OK)
        continue;
      if (specific(mixed.data, mixed.len, want == ZHFIX_SCRIPT_SIMPLIFIED) &&
          specific(line + half, len - half, want != ZHFIX_SCRIPT_SIMPLIFIED)) {
        zhfix__buf_add(&mixed, line + half, len - half);
        mtotal++;
        mright += zhfix_detect_script(mixed.data, mixed.len) == ZHFIX_SCRIPT_MIXED;
      }
      zhfix__buf_free(&mixed);
    }
    fclose(in);
  }
  printf("%s: %zu/%zu (%.2f%%), mixed: %zu/%zu (%.2f%%)\n", argv[1], right, total,
         total ? 100.0 * (double)right / (double)total : 0, mright, mtotal,
         mtotal ? 100.0 * (double)mright / (double)mtotal : 0);
  zhfix__conv_close(other);
  free(line);
  return total && mtotal && right * 100 >= total * 99 && mright * 100 >= mtotal * 99 ? 0 : 1;
}
