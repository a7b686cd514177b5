/* The character language model: zhfix__lm_cost and zhfix__lm_is_rare. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "xorshift.h"

#define N(a) (sizeof(a) / sizeof *(a))

static double cost(const uint32_t *cp, size_t n)
{
  return zhfix__lm_cost(0, cp, n, 0);
}

/* A common word is cheaper than a scramble of rare characters. */
static void test_common_vs_rare(void **state)
{
  static const uint32_t zhongguo[] = {0x4E2D, 0x56FD};    /* 中国 */
  static const uint32_t scramble[] = {0x762E, 0x865E};    /* 瘮虡 */
  static const uint32_t guimo[] = {0x898F, 0x6A21, 0x5316}; /* 規模化 */
  static const uint32_t damaged[] = {0x898F, ';', 0x762E};  /* 規;瘮 */
  (void)state;

  assert_true(cost(zhongguo, N(zhongguo)) < cost(scramble, N(scramble)));
  /* By a wide margin: several nats per character. */
  assert_true(cost(scramble, 2) - cost(zhongguo, 2) > 2 * 3.0);
  assert_true(cost(guimo, N(guimo)) < cost(damaged, N(damaged)));
}

/* The minimum of two models: a phrase scores alike in either script, and both
 * script forms score better than the same characters reversed. */
static void test_both_scripts(void **state)
{
  static const uint32_t simp[] = {0x56FD, 0x9645, 0x5316, 0x8F6F, 0x4EF6}; /* 国际化软件 */
  static const uint32_t trad[] = {0x570B, 0x969B, 0x5316, 0x8EDF, 0x4EF6}; /* 國際化軟件 */
  static const uint32_t simp2[] = {0x7ECF, 0x6D4E, 0x53D1, 0x5C55};        /* 经济发展 */
  static const uint32_t trad2[] = {0x7D93, 0x6FDF, 0x767C, 0x5C55};        /* 經濟發展 */
  static const uint32_t rev2[] = {0x5C55, 0x767C, 0x6FDF, 0x7D93};         /* 展發濟經 */
  double s, t;
  (void)state;

  s = cost(simp, N(simp));
  t = cost(trad, N(trad));
  assert_true(fabs(s - t) < 0.5 * N(simp));
  s = cost(simp2, N(simp2));
  t = cost(trad2, N(trad2));
  assert_true(fabs(s - t) < 0.5 * N(simp2));
  assert_true(t < cost(rev2, N(rev2)));
  /* A word scores better than its characters do apart (bigrams count). */
  assert_true(t < cost(trad2, 1) + cost(trad2 + 1, 1) + cost(trad2 + 2, 1) + cost(trad2 + 3, 1));
}

/* A private-use character (a user-defined GB cell) costs more than any Han
 * character the model does not call rare. */
static void test_pua(void **state)
{
  static const uint32_t pua[] = {0xE000}, pua2[] = {0xE1F7};
  double p = cost(pua, 1);
  uint32_t c;
  (void)state;

  assert_true(cost(pua2, 1) >= p);
  for (c = 0x4E00; c <= 0x9FFF; c++) {
    double h;
    if (zhfix__lm_is_rare(c))
      continue;
    h = cost(&c, 1);
    if (h >= p)
      fail_msg("U+%04X (not rare) costs %.2f, PUA costs %.2f", (unsigned)c, h, p);
  }
}

/* An ASCII letter touching Han text is dear; inside a Latin word it is cheap. */
static void test_glued_latin(void **state)
{
  static const uint32_t x[] = {'X'};
  static const uint32_t word[] = {'O', 'p', 'e', 'n'};
  (void)state;

  /* After Han vs. after a letter. */
  assert_true(zhfix__lm_cost(0x4E2D, x, 1, 0) > zhfix__lm_cost('a', x, 1, 0) + 4.0);
  /* Before Han vs. before a letter (the cost includes the next character). */
  assert_true(zhfix__lm_cost(0, x, 1, 0x4E2D) > zhfix__lm_cost(0, x, 1, 'a') + 4.0);
  /* Between Han. */
  assert_true(zhfix__lm_cost(0x4E2D, x, 1, 0x570B) > zhfix__lm_cost('a', x, 1, 'b'));
  /* A whole Latin word costs less than one letter glued to 自. */
  assert_true(cost(word, 4) < zhfix__lm_cost(0x81EA, word, 1, 0));
}

static void test_is_rare(void **state)
{
  (void)state;
  assert_true(zhfix__lm_is_rare(0x762E));  /* 瘮 */
  assert_false(zhfix__lm_is_rare(0x7684)); /* 的 */
  assert_false(zhfix__lm_is_rare(0x4E2D)); /* 中 */
  assert_false(zhfix__lm_is_rare(0x570B)); /* 國 */
  assert_false(zhfix__lm_is_rare(0x56FD)); /* 国 */
  /* Not Han: never "rare" (other evidence covers them). */
  assert_false(zhfix__lm_is_rare('A'));
  assert_false(zhfix__lm_is_rare(0xE000));
  assert_false(zhfix__lm_is_rare(0xFF0C)); /* ， */
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_rand(void)
{
  return xorshift_next(&rng);
}

/* A character for a line of the kind whose script counts tie: mostly Latin,
 * digits and punctuation, some Han from either model (shared or not), now
 * and then kana, a private-use character or U+FFFD. */
static uint32_t any_char(void)
{
  static const uint32_t other[] = {' ', '.', ',', '(', ')', '-', '1', '9', 0xFF0C, 0x3002,
                                   0x3001, 0x201C, 0x2014, 0x30AB, 0xE000, 0xFFFD, 0x2500};
  const struct zhfix__lm_table *m = next_rand() & 1 ? &zhfix__lm_simp : &zhfix__lm_trad;
  uint32_t r = next_rand() % 100;
  if (r < 40)
    return (next_rand() & 1 ? 'a' : 'A') + next_rand() % 26;
  if (r < 55)
    return other[next_rand() % N(other)];
  if (r < 60)
    return 0x4E00 + next_rand() % 0x5200; /* any Han, often outside the models */
  return m->uni_cp[next_rand() % (r < 90 ? 300 : m->nuni)]; /* common ones mostly */
}

/* zhfix__lm_reads_simplified() is the sign of zhfix__lm_script_bias(),
 * exactly: on random lines, on lines of one Han character in Latin text
 * (where every term may be equal and the bias exactly 0), and on Han text. */
static void test_reads_simplified(void **state)
{
  uint32_t cp[300];
  size_t round, n, i, simp = 0, trad = 0, zero = 0;
  (void)state;

  for (round = 0; round < 60000; round++) {
    double bias;
    n = 1 + next_rand() % (round % 10 == 0 ? 300 : 40);
    for (i = 0; i < n; i++)
      cp[i] = any_char();
    if (round % 3 == 0) /* one Han character among Latin letters */
      for (i = 0; i < n; i++)
        if (zhfix__is_han(cp[i]) && i != n / 2)
          cp[i] = 'x';
    bias = zhfix__lm_script_bias(cp, n);
    if (zhfix__lm_reads_simplified(cp, n) != (bias <= 0))
      fail_msg("round %zu: bias %.17g, reads_simplified %d", round, bias,
               zhfix__lm_reads_simplified(cp, n));
    simp += bias < 0;
    trad += bias > 0;
    zero += bias == 0;
  }
  /* (all three outcomes are common, so the comparison is not vacuous) */
  assert_true(simp > 1000 && trad > 1000 && zero > 1000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_common_vs_rare),
    cmocka_unit_test(test_both_scripts),
    cmocka_unit_test(test_pua),
    cmocka_unit_test(test_glued_latin),
    cmocka_unit_test(test_is_rare),
    cmocka_unit_test(test_reads_simplified),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
