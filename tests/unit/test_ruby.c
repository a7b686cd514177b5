/* Ruby residue: zhfix__parse_pinyin, zhfix__is_reading, and the stage through
 * the public API (zhfix_open + zhfix_process, no conversion target). */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "zhfix.h"

/* UTF-8 s to code points in out[max]; returns the count. */
static size_t cps(const char *s, uint32_t *out, size_t max)
{
  const char *end = s + strlen(s);
  size_t n = 0, l;
  while (s < end && n < max) {
    l = zhfix__utf8_decode(s, end, &out[n]);
    assert_true(l > 0);
    s += l;
    n++;
  }
  return n;
}

static bool parse(const char *s, struct zhfix__syllable *syl)
{
  uint32_t cp[32];
  memset(syl, 0, sizeof *syl);
  return zhfix__parse_pinyin(cp, cps(s, cp, 32), syl);
}

static void check_parse(const char *s, const char *base, int tone)
{
  struct zhfix__syllable syl;
  if (!parse(s, &syl))
    fail_msg("'%s' did not parse", s);
  assert_string_equal(syl.base, base);
  assert_int_equal(syl.tone, tone);
}

/* zhfix_process with no target; the result as a NUL-terminated string. */
static char *run(const char *in)
{
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t len = 0;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, in, strlen(in), &out, &len), ZHFIX_OK);
  assert_int_equal(strlen(out), len);
  zhfix_close(&ctx);
  return out;
}

static void check(const char *in, const char *expected)
{
  char *out = run(in);
  assert_string_equal(out, expected);
  zhfix_free(out);
}

static void test_parse_pinyin(void **state)
{
  struct zhfix__syllable syl;
  uint32_t none[1] = {0};
  (void)state;

  check_parse("zhuǎn", "zhuan", 3); /* tone mark */
  check_parse("zhuan3", "zhuan", 3); /* tone digit */
  check_parse("YÈ", "ye", 4);        /* uppercase, marked */
  check_parse("Zhong1", "zhong", 1);
  check_parse("lǜ", "lv", 4);        /* ü with a tone mark */
  check_parse("lü", "lv", 0);
  check_parse("LÜ", "lv", 0);
  check_parse("lv4", "lv", 4);       /* v for ü */
  check_parse("de", "de", 0);        /* neutral tone: no mark */
  check_parse("de5", "de", 5);
  check_parse("guó", "guo", 2);
  check_parse("yī", "yi", 1);

  assert_false(parse("zhuǎn3", &syl)); /* two tones */
  assert_false(parse("zhuan6", &syl)); /* no tone 6 */
  assert_false(parse("zh3uan", &syl)); /* digit not last */
  assert_false(parse("3", &syl));      /* no letters */
  assert_false(parse("Běijīng", &syl)); /* two tone marks: a word, not a syllable */
  assert_false(parse("yè ", &syl));
  assert_false(parse("中", &syl));
  assert_false(parse("ㄊㄞ", &syl));
  assert_false(zhfix__parse_pinyin(none, 0, &syl));
}

static void test_is_reading(void **state)
{
  static const struct {
    uint32_t cp;
    const char *pinyin;
    bool reading;
  } cases[] = {
    {0x8F49, "zhuǎn", true}, /* 轉 */
    {0x8F49, "zhuan4", true},
    {0x8F49, "zhuan", true}, /* no tone: any tone */
    {0x8F49, "zhuan1", false},
    {0x696D, "yè", true},   /* 業 */
    {0x696D, "YE4", true},
    {0x696D, "shū", false},
    {0x696D, "ye2", false},
    {0x7DA0, "lǜ", true},   /* 綠 */
    {0x7DA0, "lv4", true},
    {0x7DA0, "lu4", false}, /* Unihan gives 綠 only lǜ ... */
    {0x7EFF, "lu4", true},  /* ... and 绿 lù too (绿林) */
    {0x7684, "de", true},   /* 的 */
    {0x7684, "de5", true},  /* neutral fits */
    {0x7684, "dí", true},
    {0x570B, "guó", true},  /* 國 */
    {0x570B, "guo2", true},
    {0x570B, "guo4", false},
    {0x8A2D, "shè", true},  /* 設 */
    {0x81EA, "shè", false}, /* 自 */
    {0x91CD, "chóng", true}, /* 重 */
    {0x91CD, "zhòng", true},
    {'A', "a", false},
  };
  struct zhfix__syllable syl;
  size_t i;
  (void)state;

  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_true(parse(cases[i].pinyin, &syl));
    if (zhfix__is_reading(cases[i].cp, &syl) != cases[i].reading)
      fail_msg("U+%04X '%s': expected %s", (unsigned)cases[i].cp, cases[i].pinyin,
               cases[i].reading ? "a reading" : "not a reading");
  }
}

static void test_removed(void **state)
{
  (void)state;
  check("行業(yè)競爭", "行業競爭");
  check("中國(guó)", "中國");
  check("中國(guo2)", "中國");
  check("運轉(zhuǎn)良好", "運轉良好");
  check("運轉(zhuan3)良好", "運轉良好");
  check("夜(YÈ)深了", "夜深了");
  check("綠(lǜ)色", "綠色");
  check("綠(lv4)色", "綠色");
  check("我的(de)書", "我的書");
  check("臺ㄊㄞˊ灣ㄨㄢ", "臺灣");
  check("業（yè）", "業");
  check("行業(yè)優(yōu)勢", "行業優勢"); /* every candidate on the line */
  check("業(yè)\n中國(guó)\n", "業\n中國\n");
}

static void test_kept(void **state)
{
  static const char *const kept[] = {
    "“重”是多音字：重(chóng)新、重(zhòng)要。", /* two readings of one character */
    "北京(Běijīng)",                              /* a word gloss */
    "北京(Beijing)",
    "這個字的拼音是業(yè)",                          /* a teaching word */
    "業(shū)",                                       /* not a reading of 業 */
    "版本A(yè)",                                   /* after a non-Han character */
    "完成。(yè)",
    "(yè)",
    "業()",
    "業(yè",                                        /* not closed */
  };
  size_t i;
  (void)state;

  for (i = 0; i < sizeof kept / sizeof *kept; i++)
    check(kept[i], kept[i]);
}

/* An annotation the byte-level annotator placed across a character boundary:
 * in GB18030 自 is D7 D4 and "O" is 4F; the bytes D4 4F make 設 (shè), so the
 * annotator wrote "(shè)" after the "O" of "Open". */
static void test_straddle(void **state)
{
  static const char gb[] = "\xd7\xd4" "O(sh\xa8\xa8)pen"; /* 自O(shè)pen in GB18030 */
  char utf8[64], *ip = (char *)gb, *op = utf8;
  size_t il = sizeof gb - 1, ol = sizeof utf8 - 1;
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  (void)state;

  assert_true(cd != (iconv_t)-1);
  assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
  *op = '\0';
  assert_string_equal(utf8, "自O(shè)pen");
  /* The straddling pair is 設. */
  ip = (char *)gb + 1;
  il = 2;
  op = utf8;
  ol = sizeof utf8 - 1;
  iconv(cd, NULL, NULL, NULL, NULL);
  assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
  *op = '\0';
  assert_string_equal(utf8, "設");
  iconv_close(cd);

  check("自O(shè)pen", "自Open");
  check("使用自O(shè)pen源碼", "使用自Open源碼");
  /* Not a reading of the straddling character: kept. */
  check("自O(yè)pen", "自O(yè)pen");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_pinyin),
    cmocka_unit_test(test_is_reading),
    cmocka_unit_test(test_removed),
    cmocka_unit_test(test_kept),
    cmocka_unit_test(test_straddle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
