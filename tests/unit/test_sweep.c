/* Synthetic sweep: each of our own sentences (tests/data, Simplified and
 * Traditional) through each exact (reversible) kind of damage must come back
 * exactly, in at least 99% of the sentences the kind applies to. A kind applies
 * when its damage is lossless for the sentence (for example, UTF-8 bytes that
 * GB18030 decodes without a replacement). The damage is made with ICU's
 * converters (zhfix__encode / zhfix__decode, strict). Per-kind figures are
 * printed as TAP diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define MAX_LINE 4096
#define REQUIRED 0.99

static struct zhfix__codecs codecs;
static char *sentences[1024];
static size_t nsentences;

/* UTF-8 text s into code points. */
static size_t to_cps(const char *s, uint32_t *cp, size_t max)
{
  const char *end = s + strlen(s);
  size_t n = 0, l;
  while (s < end && n < max && (l = zhfix__utf8_decode(s, end, &cp[n])) > 0) {
    s += l;
    n++;
  }
  return n;
}

/* Text s encoded with `really`, then decoded with `read_as`; false if either
 * step is not exact (the damage would lose bytes: not this kind). */
static bool misread(const char *s, enum zhfix__codec really, enum zhfix__codec read_as,
                    struct zhfix__buf *out)
{
  uint32_t cp[MAX_LINE], back[MAX_LINE];
  struct zhfix__buf bytes = {0};
  size_t n = to_cps(s, cp, MAX_LINE), m, i;
  bool ok = zhfix__encode(&codecs, really, cp, n, &bytes);

  m = ok ? zhfix__decode(&codecs, read_as, bytes.data, bytes.len, back, MAX_LINE) : (size_t)-1;
  out->len = 0;
  for (i = 0; ok && m != (size_t)-1 && i < m; i++)
    zhfix__buf_add_cp(out, back[i]);
  zhfix__buf_free(&bytes);
  return ok && m != (size_t)-1 && zhfix__buf_add(out, "", 1);
}

static bool utf8_as_gbk(const char *s, struct zhfix__buf *out)
{
  return misread(s, ZHFIX__UTF8, ZHFIX__GB18030, out);
}
static bool utf8_as_cp1252(const char *s, struct zhfix__buf *out)
{
  return misread(s, ZHFIX__UTF8, ZHFIX__CP1252, out);
}
static bool gbk_as_latin1(const char *s, struct zhfix__buf *out)
{
  return misread(s, ZHFIX__GB18030, ZHFIX__LATIN1, out);
}
static bool gbk_as_cp1252(const char *s, struct zhfix__buf *out)
{
  return misread(s, ZHFIX__GB18030, ZHFIX__CP1252, out);
}
static bool big5_as_gbk(const char *s, struct zhfix__buf *out)
{
  return misread(s, ZHFIX__BIG5, ZHFIX__GB18030, out);
}

/* UTF-8 read as cp1252 twice (double-encoded UTF-8). */
static bool double_utf8(const char *s, struct zhfix__buf *out)
{
  struct zhfix__buf once = {0};
  bool ok = misread(s, ZHFIX__UTF8, ZHFIX__CP1252, &once) &&
            misread(once.data, ZHFIX__UTF8, ZHFIX__CP1252, out);
  zhfix__buf_free(&once);
  return ok;
}

/* Every non-ASCII character as a hexadecimal character reference. */
static bool html_entities(const char *s, struct zhfix__buf *out)
{
  uint32_t cp[MAX_LINE];
  size_t n = to_cps(s, cp, MAX_LINE), i;
  char ref[16];
  out->len = 0;
  for (i = 0; i < n; i++) {
    if (cp[i] < 0x80) {
      char c = (char)cp[i];
      zhfix__buf_add(out, &c, 1);
    } else {
      snprintf(ref, sizeof ref, "&#x%X;", (unsigned)cp[i]);
      zhfix__buf_add(out, ref, strlen(ref));
    }
  }
  return zhfix__buf_add(out, "", 1);
}

/* GB18030 bytes in RFC 2047 B encoded words of 15 bytes, split wherever that
 * falls, even inside a character. */
static bool rfc2047(const char *s, struct zhfix__buf *out)
{
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint32_t cp[MAX_LINE];
  struct zhfix__buf bytes = {0};
  size_t n = to_cps(s, cp, MAX_LINE), i, j;
  const unsigned char *b;

  out->len = 0;
  if (!zhfix__encode(&codecs, ZHFIX__GB18030, cp, n, &bytes))
    return false;
  b = (const unsigned char *)bytes.data;
  for (i = 0; i < bytes.len; i += 15) {
    size_t len = bytes.len - i < 15 ? bytes.len - i : 15;
    if (i)
      zhfix__buf_add(out, " ", 1);
    zhfix__buf_add(out, "=?gb18030?B?", 12);
    for (j = 0; j < len; j += 3) {
      unsigned v = (unsigned)b[i + j] << 16 | (j + 1 < len ? (unsigned)b[i + j + 1] << 8 : 0) |
                   (j + 2 < len ? b[i + j + 2] : 0);
      char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], j + 1 < len ? b64[(v >> 6) & 63] : '=',
                   j + 2 < len ? b64[v & 63] : '='};
      zhfix__buf_add(out, q, 4);
    }
    zhfix__buf_add(out, "?=", 2);
  }
  zhfix__buf_free(&bytes);
  return zhfix__buf_add(out, "", 1);
}

struct kind {
  const char *name;
  bool (*damage)(const char *s, struct zhfix__buf *out);
};

static const struct kind kinds[] = {
  {"utf8-as-gbk", utf8_as_gbk},     {"utf8-as-cp1252", utf8_as_cp1252},
  {"double-utf8", double_utf8},     {"gbk-as-latin1", gbk_as_latin1},
  {"gbk-as-cp1252", gbk_as_cp1252}, {"big5-as-gbk", big5_as_gbk},
  {"html-entities", html_entities}, {"rfc2047-split", rfc2047},
};

static void sweep_kind(void **state)
{
  const struct kind *k = *state;
  struct zhfix__buf damaged = {0};
  size_t applies = 0, restored = 0, i, shown = 0;
  zhfix_ctx *ctx = NULL;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  for (i = 0; i < nsentences; i++) {
    char *out;
    size_t out_len;
    if (!k->damage(sentences[i], &damaged) || strcmp(damaged.data, sentences[i]) == 0)
      continue;
    applies++;
    assert_int_equal(zhfix_process(ctx, damaged.data, damaged.len - 1, &out, &out_len), ZHFIX_OK);
    if (strcmp(out, sentences[i]) == 0)
      restored++;
    else if (shown++ < 3)
      printf("# %s: %s\n#   -> %s\n#   expected %s\n", k->name, damaged.data, out, sentences[i]);
    zhfix_free(out);
  }
  zhfix_close(&ctx);
  zhfix__buf_free(&damaged);
  printf("# %s: %zu of %zu sentences restored exactly (%.1f%%)\n", k->name, restored, applies,
         applies ? 100.0 * (double)restored / (double)applies : 0.0);
  assert_true(applies > 0);
  assert_true((double)restored >= REQUIRED * (double)applies);
}

static bool load(const char *path)
{
  char line[MAX_LINE];
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "test_sweep: cannot open %s\n", path);
    return false;
  }
  while (fgets(line, sizeof line, f) && nsentences < sizeof sentences / sizeof *sentences) {
    line[strcspn(line, "\n")] = '\0';
    if (*line)
      sentences[nsentences++] = strdup(line);
  }
  fclose(f);
  return true;
}

int main(void)
{
  const char *src = getenv("ZHFIX_SRCDIR");
  char path[4096];
  struct CMUnitTest tests[sizeof kinds / sizeof *kinds];
  size_t i;
  int rc;

  if (!zhfix__codecs_open(&codecs))
    return 1;
  snprintf(path, sizeof path, "%s/tests/data/sentences.zh-Hans.txt", src ? src : ".");
  if (!load(path))
    return 1;
  snprintf(path, sizeof path, "%s/tests/data/sentences.zh-Hant.txt", src ? src : ".");
  if (!load(path))
    return 1;
  for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    memset(&tests[i], 0, sizeof tests[i]);
    tests[i].name = kinds[i].name;
    tests[i].test_func = sweep_kind;
    tests[i].initial_state = (void *)&kinds[i];
  }
  rc = _cmocka_run_group_tests("sweep", tests, sizeof kinds / sizeof *kinds, NULL, NULL);
  for (i = 0; i < nsentences; i++)
    free(sentences[i]);
  zhfix__codecs_close(&codecs);
  free(codecs.u);
  return rc;
}
