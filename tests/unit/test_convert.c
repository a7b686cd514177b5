/* The conversion wrapper (zhfix__conv_open / zhfix__conv_run), both engines,
 * zhfix_set_target and zhfix_set_engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "zhfix.h"

/* Open `target` with each engine, convert `in`, compare with `expected`. */
static void check_conv(const char *target, const char *in, const char *expected)
{
  for (int opencc = 0; opencc < 2; opencc++) {
    char err[256] = "";
    struct zhfix__conv *c = zhfix__conv_open(target, opencc, err, sizeof err);
    struct zhfix__buf out = {0};

    if (!c)
      fail_msg("zhfix__conv_open(\"%s\") failed: %s", target, err);
    assert_string_equal(zhfix__conv_engine(c, NULL), opencc ? "opencc" : "fast");
    assert_int_equal(zhfix__conv_run(c, in, strlen(in), &out), ZHFIX_OK);
    assert_int_equal(out.len, strlen(expected));
    assert_memory_equal(out.data, expected, out.len);
    zhfix__buf_free(&out);
    zhfix__conv_close(c);
  }
}

static void test_short_names(void **state)
{
  (void)state;
  check_conv("simplified", "國際化", "国际化");
  check_conv("traditional", "汉字", "漢字");
  check_conv("traditional", "为了", "爲了");   /* s2t: OpenCC's standard form */
  check_conv("tw", "为了", "為了");            /* s2tw: Taiwan variant */
  check_conv("tw", "里面", "裡面");
  check_conv("tw", "软件", "軟件");            /* characters only, no phrases */
  check_conv("twp", "软件", "軟體");           /* s2twp: Taiwan phrases */
  check_conv("twp", "鼠标和信息", "滑鼠和資訊");
  check_conv("hk", "台湾", "台灣");            /* s2hk keeps 台 */
  check_conv("hk", "为了", "為了");
}

static void test_config_names(void **state)
{
  (void)state;
  check_conv("t2s", "國際化", "国际化");      /* bare name: ".json" added */
  check_conv("s2t.json", "汉字", "漢字");
  check_conv("s2twp", "软件", "軟體");
  check_conv("/usr/share/opencc/t2s.json", "國際化", "国际化"); /* a path */
  /* Text without anything to convert comes back as it was. */
  check_conv("simplified", "abc 123", "abc 123");
}

static void test_run_empty(void **state)
{
  char err[256] = "";
  struct zhfix__conv *c = zhfix__conv_open("simplified", false, err, sizeof err);
  struct zhfix__buf out = {0};
  (void)state;

  assert_non_null(c);
  assert_int_equal(zhfix__conv_run(c, "", 0, &out), ZHFIX_OK);
  assert_int_equal(out.len, 0);
  /* conv_run appends. */
  assert_int_equal(zhfix__conv_run(c, "漢", strlen("漢"), &out), ZHFIX_OK);
  assert_int_equal(zhfix__conv_run(c, "字", strlen("字"), &out), ZHFIX_OK);
  assert_int_equal(out.len, strlen("汉字"));
  assert_memory_equal(out.data, "汉字", out.len);
  zhfix__buf_free(&out);
  zhfix__conv_close(c);
  zhfix__conv_close(NULL);
}

static void test_missing_config(void **state)
{
  static const char *const missing[] = {
    "no-such-config", "no-such-config.json", "/nonexistent/t2s.json", "simplifed",
  };
  size_t i;
  (void)state;

  for (i = 0; i < sizeof missing / sizeof *missing; i++) {
    char err[256] = "";
    assert_null(zhfix__conv_open(missing[i], false, err, sizeof err));
    assert_true(strlen(err) > 0);
    /* The message names the config it tried. */
    if (strstr(err, i == 2 ? "/nonexistent/t2s.json" : missing[i]) == NULL)
      fail_msg("message for '%s' does not name it: %s", missing[i], err);
  }
}

static void test_set_target(void **state)
{
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t len = 0;
  (void)state;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_string_equal(zhfix_errmsg(ctx), "");

  assert_int_equal(zhfix_set_target(ctx, "no-such-config"), ZHFIX_ERR_CONFIG);
  assert_true(strlen(zhfix_errmsg(ctx)) > 0);
  assert_int_equal(zhfix_set_target(ctx, "/nonexistent/t2s.json"), ZHFIX_ERR_CONFIG);
  assert_true(strstr(zhfix_errmsg(ctx), "/nonexistent/t2s.json") != NULL);
  assert_int_equal(zhfix_set_target(ctx, ""), ZHFIX_ERR_ARG);
  assert_true(strlen(zhfix_errmsg(ctx)) > 0);
  assert_int_equal(zhfix_set_target(NULL, "simplified"), ZHFIX_ERR_ARG);

  /* A good target converts; NULL turns conversion off again. */
  assert_int_equal(zhfix_set_target(ctx, "simplified"), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, "國際化", strlen("國際化"), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "国际化");
  zhfix_free(out);
  assert_int_equal(zhfix_set_target(ctx, "twp"), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, "软件", strlen("软件"), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "軟體");
  zhfix_free(out);
  assert_int_equal(zhfix_set_target(ctx, NULL), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, "國際化", strlen("國際化"), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "國際化");
  zhfix_free(out);
  zhfix_close(&ctx);
  assert_null(ctx);
}

/* OpenCC's semantics that the fast engine must keep (each checked against
 * libopencc by check_conv). */
static void test_semantics(void **state)
{
  (void)state;
  /* Segmentation: longest key first; a group takes its first member's match. */
  check_conv("s2twp", "演算法", "演演算法"); /* 演算 (STPhrases) then 算法 -> 演算法 */
  check_conv("s2t", "被发明", "被髮明");
  check_conv("s2twp", "PN结", "PN接面"); /* ASCII inside a key (TWPhrases) */
  /* Astral characters, in keys and out of them. */
  check_conv("t2s", "𠮷野家", "𠮷野家");
  check_conv("s2t", "𫗦", "餔"); /* an astral key of STCharacters */
}

/* A config the fast engine has no dictionary for falls back to libopencc. */
static void test_fallback(void **state)
{
  char path[] = "/tmp/zhfix-test-fallback-XXXXXX", cfg[64], err[256] = "";
  const char *why = NULL;
  struct zhfix__conv *c;
  struct zhfix__buf out = {0};
  FILE *f;
  (void)state;

  assert_non_null(mkdtemp(path));
  snprintf(cfg, sizeof cfg, "%s/x.json", path);
  assert_non_null(f = fopen(cfg, "w"));
  fputs("{\"segmentation\": {\"type\": \"mmseg\", \"dict\": {\"type\": \"ocd2\", \"file\": "
        "\"TSPhrases.ocd2\"}}, \"conversion_chain\": [{\"dict\": {\"type\": \"group\", "
        "\"dicts\": [{\"type\": \"text\", \"file\": \"my.txt\"}, {\"type\": \"ocd2\", "
        "\"file\": \"TSCharacters.ocd2\"}]}}]}\n", f);
  fclose(f);
  snprintf(cfg, sizeof cfg, "%s/my.txt", path);
  assert_non_null(f = fopen(cfg, "w"));
  fputs("國\t国家\n", f);
  fclose(f);
  snprintf(cfg, sizeof cfg, "%s/x.json", path);
  c = zhfix__conv_open(cfg, false, err, sizeof err);
  if (!c)
    fail_msg("fallback config: %s", err);
  assert_string_equal(zhfix__conv_engine(c, &why), "opencc");
  assert_non_null(why);
  assert_non_null(strstr(why, "text"));
  assert_int_equal(zhfix__conv_run(c, "國際", strlen("國際"), &out), ZHFIX_OK);
  assert_int_equal(out.len, strlen("国家际"));
  assert_memory_equal(out.data, "国家际", out.len);
  zhfix__buf_free(&out);
  zhfix__conv_close(c);
  remove(cfg);
  snprintf(cfg, sizeof cfg, "%s/my.txt", path);
  remove(cfg);
  rmdir(path);
}

static void test_set_engine(void **state)
{
  zhfix_ctx *ctx = NULL;
  const char *why = "x";
  char *out = NULL;
  size_t len = 0;
  (void)state;

  assert_int_equal(zhfix_open(&ctx, ZHFIX_NO_REPAIR), ZHFIX_OK);
  assert_null(zhfix_get_engine(ctx, &why));
  assert_null(why);
  assert_int_equal(zhfix_set_engine(ctx, "turbo"), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_set_engine(ctx, NULL), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_set_target(ctx, "twp"), ZHFIX_OK);
  assert_string_equal(zhfix_get_engine(ctx, &why), "fast");
  assert_null(why);
  /* Switching the engine reopens the current target. */
  assert_int_equal(zhfix_set_engine(ctx, "opencc"), ZHFIX_OK);
  assert_string_equal(zhfix_get_engine(ctx, &why), "opencc");
  assert_non_null(why);
  assert_int_equal(zhfix_process(ctx, "软件", strlen("软件"), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "軟體");
  zhfix_free(out);
  assert_int_equal(zhfix_set_engine(ctx, "fast"), ZHFIX_OK);
  assert_string_equal(zhfix_get_engine(ctx, NULL), "fast");
  assert_int_equal(zhfix_process(ctx, "软件", strlen("软件"), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "軟體");
  zhfix_free(out);
  zhfix_close(&ctx);
}

/* zhfix__conv_keeps_ascii(): where it says so, every ASCII character (but
 * NUL, which conv_run() never gets) converts to itself, on both sides of Han;
 * and libopencc never says so. The Debian configs the fast engine reads. */
static void test_keeps_ascii(void **state)
{
  static const char *const configs[] = {"s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk",
                                        "hk2s", "t2tw", "tw2t", "t2hk", "hk2t", "t2jp", "jp2t"};
  char ascii[128], err[256] = "";
  size_t i, keeps = 0;
  (void)state;

  for (i = 1; i < 128; i++)
    ascii[i - 1] = (char)i;
  for (i = 0; i < sizeof configs / sizeof *configs; i++) {
    struct zhfix__conv *c = zhfix__conv_open(configs[i], false, err, sizeof err), *o;
    struct zhfix__buf out = {0};
    if (!c)
      fail_msg("%s: %s", configs[i], err);
    if (zhfix__conv_keeps_ascii(c)) {
      keeps++;
      assert_int_equal(zhfix__conv_run(c, ascii, 127, &out), ZHFIX_OK);
      assert_int_equal(out.len, 127);
      assert_memory_equal(out.data, ascii, 127);
    }
    zhfix__buf_free(&out);
    zhfix__conv_close(c);
    o = zhfix__conv_open(configs[i], true, err, sizeof err);
    assert_non_null(o);
    assert_false(zhfix__conv_keeps_ascii(o));
    zhfix__conv_close(o);
  }
  /* (the character configs at least: s2t, t2s ...) */
  assert_true(keeps >= 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_short_names),
    cmocka_unit_test(test_config_names),
    cmocka_unit_test(test_run_empty),
    cmocka_unit_test(test_missing_config),
    cmocka_unit_test(test_set_target),
    cmocka_unit_test(test_semantics),
    cmocka_unit_test(test_fallback),
    cmocka_unit_test(test_set_engine),
    cmocka_unit_test(test_keeps_ascii),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
