/* zhfix__utf8_decode / zhfix__utf8_encode: valid forms, every invalid class,
 * the end-of-buffer bound, and a round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Decode all of s[0, n) as one sequence; returns the length (0 = invalid). */
static size_t dec(const char *s, size_t n, uint32_t *cp)
{
  *cp = 0xDEADBEEF;
  return zhfix__utf8_decode(s, s + n, cp);
}

static void test_valid(void **state)
{
  uint32_t cp;
  (void)state;

  assert_int_equal(dec("A", 1, &cp), 1);
  assert_int_equal(cp, 0x41);
  assert_int_equal(dec("\x00", 1, &cp), 1); /* NUL is valid UTF-8 */
  assert_int_equal(cp, 0);
  assert_int_equal(dec("\x7f", 1, &cp), 1);
  assert_int_equal(cp, 0x7F);
  assert_int_equal(dec("\xc2\x80", 2, &cp), 2); /* smallest 2-byte */
  assert_int_equal(cp, 0x80);
  assert_int_equal(dec("\xc3\xbc", 2, &cp), 2); /* ü */
  assert_int_equal(cp, 0xFC);
  assert_int_equal(dec("\xdf\xbf", 2, &cp), 2);
  assert_int_equal(cp, 0x7FF);
  assert_int_equal(dec("\xe0\xa0\x80", 3, &cp), 3); /* smallest 3-byte */
  assert_int_equal(cp, 0x800);
  assert_int_equal(dec("\xe4\xb8\xad", 3, &cp), 3); /* 中 */
  assert_int_equal(cp, 0x4E2D);
  assert_int_equal(dec("\xed\x9f\xbf", 3, &cp), 3); /* just below the surrogates */
  assert_int_equal(cp, 0xD7FF);
  assert_int_equal(dec("\xee\x80\x80", 3, &cp), 3); /* U+E000, private use */
  assert_int_equal(cp, 0xE000);
  assert_int_equal(dec("\xef\xbf\xbf", 3, &cp), 3);
  assert_int_equal(cp, 0xFFFF);
  assert_int_equal(dec("\xf0\x90\x80\x80", 4, &cp), 4); /* smallest 4-byte */
  assert_int_equal(cp, 0x10000);
  assert_int_equal(dec("\xf0\xa0\x80\x80", 4, &cp), 4); /* U+20000, CJK Ext B */
  assert_int_equal(cp, 0x20000);
  assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, &cp), 4); /* U+10FFFF */
  assert_int_equal(cp, 0x10FFFF);

  /* Only the first sequence is decoded. */
  assert_int_equal(dec("\xe4\xb8\xad\xe5\x9b\xbd", 6, &cp), 3);
  assert_int_equal(cp, 0x4E2D);
}

static void test_invalid(void **state)
{
  static const struct {
    const char *s;
    size_t n;
  } bad[] = {
    {"\x80", 1},                 /* lone continuation */
    {"\xbf\x41", 2},             /* lone continuation */
    {"\xc0\x80", 2},             /* C0: overlong NUL */
    {"\xc1\xbf", 2},             /* C1: overlong */
    {"\xe0\x80\x80", 3},         /* overlong 3-byte NUL */
    {"\xe0\x9f\xbf", 3},         /* overlong U+07FF */
    {"\xed\xa0\x80", 3},         /* surrogate U+D800 */
    {"\xed\xbf\xbf", 3},         /* surrogate U+DFFF */
    {"\xf0\x80\x80\x80", 4},     /* overlong 4-byte */
    {"\xf0\x8f\xbf\xbf", 4},     /* overlong U+FFFF */
    {"\xf4\x90\x80\x80", 4},     /* U+110000 */
    {"\xf5\x80\x80\x80", 4},     /* F5: past U+10FFFF */
    {"\xf8\x88\x80\x80\x80", 5}, /* F8: old 5-byte form */
    {"\xfe", 1},
    {"\xff", 1},
    {"\xc3\x41", 2},             /* missing continuation */
    {"\xe4\xb8\x41", 3},         /* missing continuation */
    {"\xe4\x41\xad", 3},
    {"\xf0\xa0\x80\x41", 4},
  };
  size_t i;
  uint32_t cp;
  (void)state;

  for (i = 0; i < sizeof bad / sizeof *bad; i++) {
    if (dec(bad[i].s, bad[i].n, &cp) != 0)
      fail_msg("bad[%zu] decoded as U+%04X", i, (unsigned)cp);
  }
  /* Empty buffer. */
  assert_int_equal(zhfix__utf8_decode("A", "A", &cp), 0);
}

/* A sequence cut by the end pointer is invalid even though the bytes after the
 * end would complete it: the decoder must not read past end. */
static void test_truncated(void **state)
{
  const char zhong[] = "\xe4\xb8\xad", ext[] = "\xf0\xa0\x80\x80", u[] = "\xc3\xbc";
  uint32_t cp;
  size_t n;
  (void)state;

  for (n = 1; n < 3; n++)
    assert_int_equal(zhfix__utf8_decode(zhong, zhong + n, &cp), 0);
  for (n = 1; n < 4; n++)
    assert_int_equal(zhfix__utf8_decode(ext, ext + n, &cp), 0);
  assert_int_equal(zhfix__utf8_decode(u, u + 1, &cp), 0);
  assert_int_equal(zhfix__utf8_decode(zhong, zhong + 3, &cp), 3);
  assert_int_equal(cp, 0x4E2D);
}

static void test_encode(void **state)
{
  char out[4];
  (void)state;

  assert_int_equal(zhfix__utf8_encode(0x41, out), 1);
  assert_memory_equal(out, "A", 1);
  assert_int_equal(zhfix__utf8_encode(0xFC, out), 2);
  assert_memory_equal(out, "\xc3\xbc", 2);
  assert_int_equal(zhfix__utf8_encode(0x4E2D, out), 3);
  assert_memory_equal(out, "\xe4\xb8\xad", 3);
  assert_int_equal(zhfix__utf8_encode(0xE000, out), 3);
  assert_memory_equal(out, "\xee\x80\x80", 3);
  assert_int_equal(zhfix__utf8_encode(0x20000, out), 4);
  assert_memory_equal(out, "\xf0\xa0\x80\x80", 4);
  assert_int_equal(zhfix__utf8_encode(0x10FFFF, out), 4);
  assert_memory_equal(out, "\xf4\x8f\xbf\xbf", 4);
}

static void test_round_trip(void **state)
{
  static const uint32_t edges[] = {
    0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF,
  };
  uint32_t c, back;
  char out[4];
  size_t i, n;
  (void)state;

  for (i = 0; i < sizeof edges / sizeof *edges; i++) {
    n = zhfix__utf8_encode(edges[i], out);
    assert_int_equal(zhfix__utf8_decode(out, out + n, &back), n);
    assert_int_equal(back, edges[i]);
  }
  /* A sample across every length (a prime step, skipping the surrogates). */
  for (c = 1; c <= 0x10FFFF; c += 97) {
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    n = zhfix__utf8_encode(c, out);
    assert_int_equal(n, c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);
    assert_int_equal(zhfix__utf8_decode(out, out + n, &back), n);
    assert_int_equal(back, c);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_valid),
    cmocka_unit_test(test_invalid),
    cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_encode),
    cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
