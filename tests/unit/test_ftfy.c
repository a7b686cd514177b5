/* ftfy's own test corpora (../shared/refs/ftfy, or ZHFIX_FTFY): every case of
 * negative.json must come out unchanged; of the encoding repairs in
 * in-the-wild.json, synthetic.json and language-names.json (those whose
 * fixed-encoding, or fixed, differs from the original), the number zhfix gets
 * exactly is printed and must not fall below FLOOR (ftfy's own expectations
 * pass all of them, and so does zhfix). */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zhfix.h"

#define FLOOR 102

static char dir[4096];

static char *repair(const char *in)
{
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t len;
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, in, strlen(in), &out, &len), ZHFIX_OK);
  zhfix_close(&ctx);
  return out;
}

static json_object *load(const char *name)
{
  char path[4200];
  json_object *o;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  o = json_object_from_file(path);
  assert_non_null(o);
  return o;
}

static const char *field(json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void test_negative_unchanged(void **state)
{
  json_object *cases = load("negative.json");
  size_t i, n = json_object_array_length(cases);
  (void)state;
  for (i = 0; i < n; i++) {
    const char *in = field(json_object_array_get_idx(cases, i), "original");
    char *out = repair(in);
    assert_string_equal(out, in);
    zhfix_free(out);
  }
  printf("# negative.json: %zu of %zu unchanged\n", n, n);
  json_object_put(cases);
}

static void test_encoding_repairs(void **state)
{
  static const char *const files[] = {"in-the-wild.json", "synthetic.json", "language-names.json"};
  size_t f, i, total = 0, right = 0;
  (void)state;
  for (f = 0; f < 3; f++) {
    json_object *cases = load(files[f]);
    for (i = 0; i < json_object_array_length(cases); i++) {
      json_object *c = json_object_array_get_idx(cases, i);
      const char *in = field(c, "original"), *want = field(c, "fixed-encoding");
      char *out;
      if (!want)
        want = field(c, "fixed");
      if (!in || !want || strcmp(in, want) == 0)
        continue; /* not an encoding repair */
      total++;
      out = repair(in);
      right += strcmp(out, want) == 0;
      zhfix_free(out);
    }
    json_object_put(cases);
  }
  printf("# ftfy encoding repairs: %zu of %zu exact\n", right, total);
  assert_true(right >= FLOOR);
}

int main(void)
{
  const char *d = getenv("ZHFIX_FTFY"), *src = getenv("ZHFIX_SRCDIR");
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_negative_unchanged),
    cmocka_unit_test(test_encoding_repairs),
  };
  char probe[4200];
  FILE *f;

  snprintf(dir, sizeof dir, "%s", d ? d : "");
  if (!d)
    snprintf(dir, sizeof dir, "%s/../shared/refs/ftfy", src ? src : ".");
  snprintf(probe, sizeof probe, "%s/negative.json", dir);
  if (!(f = fopen(probe, "r"))) {
    printf("1..0 # SKIP ftfy corpora not found (set ZHFIX_FTFY)\n");
    return 0;
  }
  fclose(f);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
