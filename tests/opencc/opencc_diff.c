/* Differential test of the fast engine against libopencc, the oracle.
 *
 * Usage: opencc_diff CONFIG FILE...
 * Converts every line of each FILE (the line without its "\n") with both
 * engines and compares the results. Lines libopencc cannot take (invalid
 * UTF-8, NUL: design.md section 6) are counted and skipped. Prints one
 * summary line, "CONFIG: LINES lines, BYTES bytes, SKIPPED skipped, DIFF
 * differ", and the first few differing lines on stderr; exits 1 if any line
 * differs, 2 on an error.
 *
 * Usage: opencc_diff --bench CONFIG FILE...
 * Times the conversion stage alone: the same lines (read into memory first)
 * through each engine, in CPU seconds of this process; prints
 * * "CONFIG: fast X MB/s, libopencc Y MB/s, ratio Z". Each engine's time is
 * its best pass: of FAST_RUNS for the fast engine, each with a new handle
 * (its memos made again), as one pass takes tens of milliseconds, where a
 * shared machine's noise shows; of OPENCC_RUNS for libopencc, whose pass
 * takes seconds. */
#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static double cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define FAST_RUNS 5
#define OPENCC_RUNS 2

/* --bench: the valid, NUL-free lines of the files, each engine over them. */
static int bench(opencc_t od, const char *config, int nfiles, char **files)
{
  struct zhfix__buf all = {0}, out = {0};
  size_t *ends = NULL, n = 0, cap = 0, start = 0, bytes = 0;
  char *line = NULL;
  size_t lcap = 0;
  double t0, tfast, topencc;

  for (int i = 0; i < nfiles; i++) {
    FILE *f = fopen(files[i], "rb");
    ssize_t r;
    if (!f) {
      perror(files[i]);
      return 2;
    }
    while ((r = getline(&line, &lcap, f)) > 0) {
      size_t len = (size_t)r - (line[r - 1] == '\n');
      if (len == 0 || memchr(line, '\0', len) || !zhfix__utf8_valid(line, len))
        continue;
      if (n == cap && !(ends = realloc(ends, (cap = cap ? 2 * cap : 1024) * sizeof *ends)))
        return 2;
      if (!zhfix__buf_add(&all, line, len))
        return 2;
      ends[n++] = all.len;
    }
    fclose(f);
  }
  bytes = all.len;
  tfast = -1;
  for (int r = 0; r < FAST_RUNS; r++) {
    char why[256];
    struct zhfix__fastcc *fast = zhfix__fastcc_open(config, why, sizeof why);
    double t;
    if (!fast)
      return 2;
    start = 0;
    t0 = cpu_seconds();
    for (size_t i = 0; i < n; i++) {
      out.len = 0;
      if (!zhfix__fastcc_run(fast, all.data + start, ends[i] - start, &out))
        return 2;
      start = ends[i];
    }
    t = cpu_seconds() - t0;
    zhfix__fastcc_close(fast);
    if (tfast < 0 || t < tfast)
      tfast = t;
  }
  topencc = -1;
  for (int r = 0; r < OPENCC_RUNS; r++) {
    double t;
    start = 0;
    t0 = cpu_seconds();
    for (size_t i = 0; i < n && !getenv("OPENCC_DIFF_FAST_ONLY"); i++) {
      char *ref = opencc_convert_utf8(od, all.data + start, ends[i] - start);
      if (!ref)
        return 2;
      opencc_convert_utf8_free(ref);
      start = ends[i];
    }
    t = cpu_seconds() - t0;
    if (topencc < 0 || t < topencc)
      topencc = t;
  }
  printf("%s: %.1f MB, fast %.1f MB/s, libopencc %.2f MB/s, ratio %.1f\n", config, bytes / 1e6,
         bytes / 1e6 / tfast, bytes / 1e6 / topencc, topencc / tfast);
  free(line);
  free(ends);
  zhfix__buf_free(&all);
  zhfix__buf_free(&out);
  return 0;
}

int main(int argc, char **argv)
{
  bool do_bench = argc > 1 && strcmp(argv[1], "--bench") == 0;
  char why[256] = "", config[4096];
  struct zhfix__fastcc *fast;
  opencc_t od;
  struct zhfix__buf out = {0};
  unsigned long long lines = 0, bytes = 0, skipped = 0, diff = 0;
  char *line = NULL;
  size_t cap = 0;

  if (do_bench) {
    argv++;
    argc--;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: %s [--bench] CONFIG FILE...\n", argv[0]);
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
  if (do_bench) {
    int rc = bench(od, config, argc - 2, argv + 2);
    zhfix__fastcc_close(fast);
    opencc_close(od);
    return rc;
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
