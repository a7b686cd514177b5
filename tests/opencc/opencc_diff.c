/* Differential test of the fast engine against libopencc, the oracle.
 *
 * Usage: opencc_diff CONFIG FILE...
 * Converts every line of each FILE (the line without its "\n") with both
 * engines and compares the results. Lines libopencc cannot take (invalid
 * UTF-8, NUL: design.md section 6) are counted and skipped. Prints one
 * summary line, "CONFIG: LINES lines, BYTES bytes, SKIPPED skipped, DIFF
 * differ", and the first few differing lines on stderr; exits 1 if any line
 * differs, 2 on an error. */
#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int main(int argc, char **argv)
{
  char why[256] = "", config[4096];
  struct zhfix__fastcc *fast;
  opencc_t od;
  struct zhfix__buf out = {0};
  unsigned long long lines = 0, bytes = 0, skipped = 0, diff = 0;
  char *line = NULL;
  size_t cap = 0;

  if (argc < 3) {
    fprintf(stderr, "usage: %s CONFIG FILE...\n", argv[0]);
    return 2;
  }
  snprintf(config, sizeof config, "%s%s", argv[1], strchr(argv[1], '.') ? "" : ".json");
  if (!(fast = zhfix__fastcc_open(config, why, sizeof why))) {
    fprintf(stderr, "%s: fast engine: %s\n", config, why);
    return 2;
  }
  if ((od = opencc_open(config)) == (opencc_t)-1) {
    fprintf(stderr, "%s: libopencc: %s\n", config, opencc_error());
    return 2;
  }
  for (int i = 2; i < argc; i++) {
    FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
    ssize_t n;
    if (!f) {
      perror(argv[i]);
      return 2;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
      size_t len = (size_t)n;
      char *ref;
      if (line[len - 1] == '\n')
        len--;
      lines++;
      bytes += len;
      if (len == 0)
        continue;
      if (memchr(line, '\0', len) || !zhfix__utf8_valid(line, len)) {
        skipped++;
        continue;
      }
      out.len = 0;
      if (!zhfix__fastcc_run(fast, line, len, &out) ||
          !(ref = opencc_convert_utf8(od, line, len))) {
        fprintf(stderr, "%s: conversion failed\n", config);
        return 2;
      }
      if (strlen(ref) != out.len || memcmp(ref, out.data, out.len) != 0) {
        if (++diff <= 5)
          fprintf(stderr, "%s: %s:%llu differs\n  in:     %.*s\n  opencc: %s\n  fast:   %.*s\n",
                  config, argv[i], lines, (int)len, line, ref, (int)out.len, out.data);
      }
      opencc_convert_utf8_free(ref);
    }
    if (f != stdin)
      fclose(f);
  }
  printf("%s: %llu lines, %llu bytes, %llu skipped, %llu differ\n", config, lines, bytes, skipped,
         diff);
  free(line);
  zhfix__buf_free(&out);
  zhfix__fastcc_close(fast);
  opencc_close(od);
  return diff ? 1 : 0;
}
