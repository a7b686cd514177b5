/* Mojibake of other alphabets (src/lib/mojibake.c latin_pass, c1_pass;
 * src/lib/badness.c): our own sentences, not ftfy's, each damaged the way
 * the kind says (UTF-8 read as a single-byte code page, with the usual losses)
 * and expected back exactly; clean text of many languages, and Chinese, must
 * come out unchanged. The inputs were made with Python's codecs from the
 * expected text (undefined bytes read as the code point of their number). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "zhfix.h"

struct sample {
  const char *kind, *input, *expected;
};

static const struct sample samples[] = {
  {"utf8-as-cp1252 French",
   "Le chÃ¢teau mÃ©diÃ©val oÃ¹ j'ai goÃ»tÃ© une crÃ¨me brÃ»lÃ©e Ã©tait prÃ¨s de la forÃªt.",
   "Le château médiéval où j'ai goûté une crème brûlée était près de la forêt."},
  {"utf8-as-cp1252 German",
   "Die GrÃ¶ÃŸe der BrÃ¼cke Ã¼berrascht jeden Besucher aus Ã–sterreich.",
   "Die Größe der Brücke überrascht jeden Besucher aus Österreich."},
  {"utf8-as-cp1252 Spanish",
   "El niÃ±o comiÃ³ piÃ±as en la montaÃ±a; Â¿quiÃ©n sabÃ\302\255a?",
   "El niño comió piñas en la montaña; ¿quién sabía?"},
  {"utf8-as-latin1 Portuguese",
   "A situaÃ§Ã£o da educaÃ§Ã£o nÃ£o Ã© fÃ¡cil, disse o ministro.",
   "A situação da educação não é fácil, disse o ministro."},
  {"utf8-as-latin1 punctuation (C1 controls)",
   "She said â\302\200\302\234helloâ\302\200\302\235 and left â\302\200\302\224 itâ\302\200\302\231s overâ\302\200¦",
   "She said “hello” and left — it’s over…"},
  {"utf8-as-cp1252, only weak signs: capital and currency (Ã¥), a word-final sign (Ã…)",
   "GÃ¥ til byen pÃ¥ fredag. SE OGSÃ…",
   "Gå til byen på fredag. SE OGSÅ"},
  {"utf8-as-cp1252, the ordinal letters ª º",
   "Il doit Ãªtre prÃªt, dit-il. Ãºltimo",
   "Il doit être prêt, dit-il. último"},
  {"utf8-as-cp1252, one word-initial letter",
   "Die beiden sind sich sehr Ã¤hnlich.",
   "Die beiden sind sich sehr ähnlich."},
  {"utf8-as-iso8859-2, which cp1250 also decodes (to Ê å): the better reading wins",
   "DatabĂĄze obsahuje chybnĂŠ zĂĄznamy.",
   "Databáze obsahuje chybné záznamy."},
  {"utf8-as-macroman, NBSP and guillemets behind a sign as lead (¬)",
   "depuis dpkg¬†1.14 et ¬´¬†guillemets¬†¬ª",
   "depuis dpkg\302\2401.14 et «\302\240guillemets\302\240»"},
  {"utf8-as-cp437, box drawing as lead",
   "Le format┬á: Jean Dupont, r├⌐serv├⌐",
   "Le format\302\240: Jean Dupont, réservé"},
  {"utf8-as-cp1252 punctuation",
   "She said â€œhelloâ€\302\235 and left â€” itâ€™s overâ€¦",
   "She said “hello” and left — it’s over…"},
  {"double utf8-as-cp1252",
   "Le chÃƒÂ¢teau mÃƒÂ©diÃƒÂ©val oÃƒÂ¹ j'ai goÃƒÂ»tÃƒÂ© une crÃƒÂ¨me brÃƒÂ»lÃƒÂ©e ÃƒÂ©tait prÃƒÂ¨s de la forÃƒÂªt.",
   "Le château médiéval où j'ai goûté une crème brûlée était près de la forêt."},
  {"utf8-as-cp1251 Russian",
   "РЎСЉРµС€СЊ Р¶Рµ РµС‰С‘ СЌС‚РёС… РјСЏРіРєРёС… С„СЂР°РЅС†СѓР·СЃРєРёС… Р±СѓР»РѕРє, РґР° РІС‹РїРµР№ С‡Р°СЋ.",
   "Съешь же ещё этих мягких французских булок, да выпей чаю."},
  {"utf8-as-cp1252 Russian",
   "Ð¡ÑŠÐµÑˆÑŒ Ð¶Ðµ ÐµÑ‰Ñ‘ Ñ\302\215Ñ‚Ð¸Ñ… Ð¼Ñ\302\217Ð³ÐºÐ¸Ñ… Ñ„Ñ€Ð°Ð½Ñ†ÑƒÐ·Ñ\302\201ÐºÐ¸Ñ… Ð±ÑƒÐ»Ð¾Ðº, Ð´Ð° Ð²Ñ‹Ð¿ÐµÐ¹ Ñ‡Ð°ÑŽ.",
   "Съешь же ещё этих мягких французских булок, да выпей чаю."},
  {"utf8-as-cp1250 Polish",
   "ZaĹĽĂłĹ‚Ä‡ gÄ™Ĺ›lÄ… jaĹşĹ„, powiedziaĹ‚ nauczyciel z Ĺ\302\201odzi.",
   "Zażółć gęślą jaźń, powiedział nauczyciel z Łodzi."},
  {"utf8-as-iso8859-2 Czech",
   "PĹ\302\231Ă\302\255liĹĄ ĹžluĹĽouÄ\302\215kĂ˝ kĹŻĹ\302\210 ĂşpÄ\302\233l Ä\302\217ĂĄbelskĂŠ Ăłdy.",
   "Příliš žluťoučký kůň úpěl ďábelské ódy."},
  {"utf8-as-cp1257 Lithuanian",
   "LietuviÅ³ kalba yra viena seniausiÅ³ kalbÅ³ pasaulyje.",
   "Lietuvių kalba yra viena seniausių kalbų pasaulyje."},
  {"utf8-as-macroman German",
   "Die Gr√∂√üe der Br√ºcke √ºberrascht jeden Besucher aus √ñsterreich.",
   "Die Größe der Brücke überrascht jeden Besucher aus Österreich."},
  {"utf8-as-cp437 Vietnamese",
   "Tiß║┐ng Viß╗çt c├│ nhiß╗üu dß║Ñu thanh kh├íc nhau.",
   "Tiếng Việt có nhiều dấu thanh khác nhau."},
  {"utf8-as-cp1252 Greek",
   "ÎšÎ±Î»Î·Î¼Î\302\255Ï\302\201Î± ÎºÏŒÏƒÎ¼Îµ, Î· Î•Î»Î»Î¬Î´Î± ÎµÎ¯Î½Î±Î¹ ÏŒÎ¼Î¿Ï\302\201Ï†Î·.",
   "Καλημέρα κόσμε, η Ελλάδα είναι όμορφη."},
  {"utf8-as-cp1252 Arabic",
   "Ù…Ø±Ø\302\255Ø¨Ø§ Ø¨Ø§Ù„Ø¹Ø§Ù„Ù…",
   "مرحبا بالعالم"},
  {"utf8-as-cp1250 Hebrew",
   "×©×ś×•×ť ×˘×•×ś×ť",
   "שלום עולם"},
  {"nbsp lost: à before a word",
   "Il est allÃ© Ã  la gare dÃ©jÃ .",
   "Il est allé à la gare déjà."},
  {"nbsp lost: à before two spaces",
   "DÃ©jÃ   vu Ã   Paris",
   "Déjà  vu à  Paris"},
  {"lossy: a byte lost to U+FFFD",
   "ÐŸÑ\357\277\275Ð¸Ð²ÐµÑ‚",
   "П\357\277\275ивет"},
  {"lossy: '?' for an undefined byte",
   "â€œquotedâ€? text",
   "“quoted\357\277\275 text"},
  {"cesu-8 emoji read as cp1252",
   "Nice í\302\240½í¸€ day",
   "Nice 😀 day"},
  {"partial damage in good text",
   "naïve cafÃ© and crÃ¨me brÃ»lÃ©e déjà",
   "naïve café and crème brûlée déjà"},
  {"c1 controls as cp1252",
   "\302\223Hallo\302\224, sagte er\302\205",
   "“Hallo”, sagte er…"},
  {"European mojibake inside Chinese",
   "他喜欢cafÃ©和crÃ¨me brÃ»lÃ©e。",
   "他喜欢café和crème brûlée。"},
  {"clean: Zażółć gęślą jaźń",
   "Zażółć gęślą jaźń",
   "Zażółć gęślą jaźń"},
  {"clean: Příliš žluťoučký kůň úpě",
   "Příliš žluťoučký kůň úpěl ďábelské ódy",
   "Příliš žluťoučký kůň úpěl ďábelské ódy"},
  {"clean: Съешь же ещё этих мягких",
   "Съешь же ещё этих мягких французских булок, да выпей чаю.",
   "Съешь же ещё этих мягких французских булок, да выпей чаю."},
  {"clean: Καλημέρα κόσμε, η Ελλάδα",
   "Καλημέρα κόσμε, η Ελλάδα είναι όμορφη.",
   "Καλημέρα κόσμε, η Ελλάδα είναι όμορφη."},
  {"clean: Größenwahn — «naïve» caf",
   "Größenwahn — «naïve» café, £5, 10 €",
   "Größenwahn — «naïve» café, £5, 10 €"},
  {"clean: x ≤ √π ± ∞, 5×£3",
   "x ≤ √π ± ∞, 5×£3",
   "x ≤ √π ± ∞, 5×£3"},
  {"clean: ├──┤ │ └─┘ ═╗",
   "├──┤ │ └─┘ ═╗",
   "├──┤ │ └─┘ ═╗"},
  {"clean: NESTLÉ® SÃO PAULO",
   "NESTLÉ® SÃO PAULO",
   "NESTLÉ® SÃO PAULO"},
  {"clean: ÀÉÎÕÜ àéîõü",
   "ÀÉÎÕÜ àéîõü",
   "ÀÉÎÕÜ àéîõü"},
  {"clean: l'été à Paris — 20 °C",
   "l'été à Paris — 20 °C",
   "l'été à Paris — 20 °C"},
  {"clean: Œuvre, Ÿ, ™, ©, ®",
   "Œuvre, Ÿ, ™, ©, ®",
   "Œuvre, Ÿ, ™, ©, ®"},
  {"clean: Å ja, Ä och Ö",
   "Å ja, Ä och Ö",
   "Å ja, Ä och Ö"},
  {"clean: MÜNCHEN ÜBER ALLES",
   "MÜNCHEN ÜBER ALLES",
   "MÜNCHEN ÜBER ALLES"},
  {"clean: pinyin: Běijīng, nǚ, lǜ",
   "pinyin: Běijīng, nǚ, lǜ",
   "pinyin: Běijīng, nǚ, lǜ"},
  {"clean: coöperatie, naïef, reüni",
   "coöperatie, naïef, reünie",
   "coöperatie, naïef, reünie"},
  {"clean: § 12 Abs. 3 — ¶ 4",
   "§ 12 Abs. 3 — ¶ 4",
   "§ 12 Abs. 3 — ¶ 4"},
  {"clean: Ça va? Très bien!",
   "Ça va? Très bien!",
   "Ça va? Très bien!"},
  {"clean: İstanbul’da ağır şartlar",
   "İstanbul’da ağır şartlar",
   "İstanbul’da ağır şartlar"},
  {"clean: Română: ș ț ă î â",
   "Română: ș ț ă î â",
   "Română: ș ț ă î â"},
  {"clean: Հայերեն",
   "Հայերեն",
   "Հայերեն"},
  {"clean: עברית ✓",
   "עברית ✓",
   "עברית ✓"},
  {"clean: 中文“引号”和——破折号…",
   "中文“引号”和——破折号…",
   "中文“引号”和——破折号…"},
  {"clean: 价格：￥5，约€0.7",
   "价格：￥5，约€0.7",
   "价格：￥5，约€0.7"},
  /* Web pages indent paragraphs with no-break spaces: A0 A0 is not GBK's 牋. */
  {"clean: four NBSP before Chinese",
   "\302\240\302\240\302\240\302\240中文的句子在这里。",
   "\302\240\302\240\302\240\302\240中文的句子在这里。"},
  {"clean: NBSP runs inside Chinese",
   "\302\240\302\240测试\302\240\302\240\302\240\302\240\302\240\302\240文字",
   "\302\240\302\240测试\302\240\302\240\302\240\302\240\302\240\302\240文字"},
};

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

static void test_samples(void **state)
{
  size_t i, n = sizeof samples / sizeof *samples;
  (void)state;
  for (i = 0; i < n; i++) {
    char *out = repair(samples[i].input);
    if (strcmp(out, samples[i].expected) != 0)
      printf("# %s\n#   -> %s\n#   expected %s\n", samples[i].kind, out, samples[i].expected);
    assert_string_equal(out, samples[i].expected);
    zhfix_free(out);
  }
  printf("# %zu of %zu samples right\n", n, n);
}

/* A line of unit repeated k times (a line end after it). */
static char *repeat(const char *unit, size_t k)
{
  size_t n = strlen(unit), i;
  char *s = malloc(n * k + 2);
  assert_non_null(s);
  for (i = 0; i < k; i++)
    memcpy(s + i * n, unit, n);
  strcpy(s + n * k, "\n");
  return s;
}

/* Mojibake in a line longer than a span the repairs try at once (4096 code
 * points) is repaired piece by piece, cut at spaces or, with none, before a
 * UTF-8 lead byte. */
static void test_long_lines(void **state)
{
  static const char *const pairs[][2] = {
    {"r\303\203\302\251gime ", "r\303\251gime "},         /* UTF-8 read as cp1252 */
    {"\303\244\302\270\302\255\303\246\342\200\223\342\200\241 ", "中文 "}, /* the same, Chinese */
    {"鍙傛暟 ", "参数 "},                                       /* UTF-8 read as GBK */
    /* no ASCII at all: cut before a byte that leads a UTF-8 character */
    {"\303\244\302\270\302\255\303\246\342\200\223\342\200\241", "中文"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    char *in = repeat(pairs[i][0], 2000), *want = repeat(pairs[i][1], 2000);
    char *out = repair(in);
    assert_string_equal(out, want);
    zhfix_free(out);
    free(in);
    free(want);
  }
}

/* Badness of a UTF-8 string. */
static int badness(const char *s)
{
  uint32_t cp[256];
  size_t n = 0;
  const char *end = s + strlen(s);
  while (s < end && n < 256) {
    size_t l = zhfix__utf8_decode(s, end, &cp[n]);
    assert_true(l > 0);
    s += l;
    n++;
  }
  return zhfix__badness(cp, n);
}

static void test_badness(void **state)
{
  (void)state;
  /* Plain text of several alphabets, and Chinese, is not odd at all. */
  assert_int_equal(badness("Le château médiéval, près de la forêt."), 0);
  assert_int_equal(badness("Съешь же ещё этих мягких булок"), 0);
  assert_int_equal(badness("Zażółć gęślą jaźń"), 0);
  assert_int_equal(badness("中文“引号”和——破折号…"), 0);
  assert_int_equal(badness("IL2Rγ and TNF-α"), 0);
  /* Mojibake: a capital after a small letter and a sign inside a word. */
  assert_int_equal(badness("rÃ©gime"), 3);
  assert_int_equal(badness("rÃ©gime"), badness("r") + 3);
  /* A C1 control costs 2; an IPA letter 1, and 1 more for each ASCII
   * letter next to it. */
  assert_int_equal(badness("a\302\205 b"), 2);
  assert_int_equal(badness("NESTLɮ"), 2);
  /* ...so NESTLÉ® (a sign after a letter: 1) does not become NESTLɮ. */
  assert_int_equal(badness("NESTLÉ®"), 1);
  /* A currency sign after a capital is leetspeak (£ÄGÌ), not evidence. */
  assert_int_equal(badness("MÄ£ÄM"), 0);
  /* Two scripts in one word. */
  assert_int_equal(badness("SENSЕ"), 1);
}

/* Repairs are reported with their kind, and where they are. */
struct seen {
  char kinds[8][24];
  uint64_t cols[8];
  int n;
};

static void on_change(void *user, const zhfix_change *c)
{
  struct seen *s = user;
  if (s->n < 8) {
    snprintf(s->kinds[s->n], sizeof s->kinds[s->n], "%s", c->kind);
    s->cols[s->n++] = c->column;
  }
}

static void test_reported(void **state)
{
  static const char in[] = "\302\223Hallo\302\224 in caf\303\203\302\251 gr\303\203\302\274n";
  struct seen s = {0};
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t len;
  (void)state;
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  zhfix_set_change_cb(ctx, on_change, &s);
  assert_int_equal(zhfix_process(ctx, in, strlen(in), &out, &len), ZHFIX_OK);
  assert_string_equal(out, "“Hallo” in café grün");
  assert_int_equal(s.n, 4);
  assert_string_equal(s.kinds[0], "c1-control");
  assert_int_equal(s.cols[0], 1);
  assert_string_equal(s.kinds[1], "c1-control");
  assert_int_equal(s.cols[1], 7);
  assert_string_equal(s.kinds[2], "mojibake");
  assert_int_equal(s.cols[2], 15); /* Ã© */
  assert_string_equal(s.kinds[3], "mojibake");
  assert_int_equal(s.cols[3], 20); /* Ã¼ */
  zhfix_free(out);
  zhfix_close(&ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_samples),
    cmocka_unit_test(test_badness),
    cmocka_unit_test(test_reported),
    cmocka_unit_test(test_long_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
