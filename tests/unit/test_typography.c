/* Issue 8 through the public API: zhfix_set_punct, mis-conversion repair in
 * repair mode and with a target, and the "auto" target, fed whole and in
 * pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zhfix.h"

struct tally {
  int n;
  char kinds[8][32];
};

static void on_change(void *user, const zhfix_change *ch)
{
  struct tally *t = user;
  if (t->n < 8 && !ch->reported)
    strncpy(t->kinds[t->n++], ch->kind, 31);
}

/* Process in with the options; compare with want; return the repairs. */
static struct tally run(const char *target, zhfix_punct punct, int space, const char *in,
                        const char *want)
{
  struct tally t;
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t len;

  memset(&t, 0, sizeof t);
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  if (target)
    assert_int_equal(zhfix_set_target(ctx, target), ZHFIX_OK);
  assert_int_equal(zhfix_set_punct(ctx, punct, space), ZHFIX_OK);
  zhfix_set_change_cb(ctx, on_change, &t);
  assert_int_equal(zhfix_process(ctx, in, strlen(in), &out, &len), ZHFIX_OK);
  assert_string_equal(out, want);
  zhfix_free(out);
  zhfix_close(&ctx);
  return t;
}

static int to_buf(void *user, const char *p, size_t n)
{
  char *b = user;
  strncat(b, p, n);
  return 0;
}

static void test_punct(void **state)
{
  struct tally t;
  zhfix_ctx *ctx = NULL;
  (void)state;
  t = run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "他说:「好!」(笑)\n", "他说：“好！”（笑）\n");
  assert_int_equal(t.n, 6);
  assert_string_equal(t.kinds[0], "punctuation");
  run(NULL, ZHFIX_PUNCT_TAIWAN, 0, "他說:“好!”\n", "他說：「好！」\n");
  run(NULL, ZHFIX_PUNCT_FULLWIDTH, 0, "他说:“好!”\n", "他说：“好！”\n");
  /* Numbers, URLs, code and English stay as they are. */
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "共101,865人,3:30到 http://a.cn/?q=1,f(a,b)\n",
      "共101,865人，3:30到 http://a.cn/?q=1,f(a,b)\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "Hello, world! 好\n", "Hello, world! 好\n");
  /* Lost characters ("??") are damage, not punctuation. */
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "中文??字\n", "中文??字\n");
  t = run(NULL, ZHFIX_PUNCT_MAINLAND, 1, "用Linux 3年\n", "用 Linux 3 年\n");
  assert_int_equal(t.n, 2);
  assert_string_equal(t.kinds[0], "spacing");
  /* Off by default, and a bad region is refused. */
  run(NULL, ZHFIX_PUNCT_OFF, 0, "他说:好!\n", "他说:好!\n");
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_punct(ctx, (zhfix_punct)99, 0), ZHFIX_ERR_ARG);
  zhfix_close(&ctx);
  assert_int_equal(zhfix_set_punct(NULL, ZHFIX_PUNCT_MAINLAND, 0), ZHFIX_ERR_ARG);
}

/* Marks after a Latin term inside a Chinese sentence, and lines without Han
 * that go on the sentence of the line before (troff's ".I name ,"). */
static void test_punct_terms(void **state)
{
  struct tally t;
  (void)state;
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "如果设置为 On,readline 进行补全\n",
      "如果设置为 On，readline 进行补全\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "比如 nfs,ram,scd,\n", "比如 nfs，ram，scd，\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "如何使用 Perl?\n", "如何使用 Perl？\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, ".Sh \"如何使用 Perl?\"\n", ".Sh \"如何使用 Perl？\"\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "如果省略了 path, Tcl 建立\n", "如果省略了 path， Tcl 建立\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "发送到 bug@gnu.org,一般的问题\n",
      "发送到 bug@gnu.org，一般的问题\n");
  /* English, dates, code, numbers, entities, quoted marks and "::" stay. */
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "与 Hello, world.\n", "与 Hello, world.\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "从 Jan. 1, 1970, 00:00 GMT 起\n",
      "从 Jan. 1, 1970, 00:00 GMT 起\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "调用 f(a, b) 和 printf(\"%d,%d\", x) 或 a[1,2]\n",
      "调用 f(a, b) 和 printf(\"%d,%d\", x) 或 a[1,2]\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "中断号是 5,7,9 和 15\n", "中断号是 5,7,9 和 15\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "相同 type&nbsp; 的项目\n", "相同 type&nbsp; 的项目\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "忽略以'#' 或 ';'号开始的行\n", "忽略以'#' 或 ';'号开始的行\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "在::http 名字空间中\n", "在::http 名字空间中\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "\xe2\x80\x9cHallo\xe2\x80\x9d, sagte er\n",
      "\xe2\x80\x9cHallo\xe2\x80\x9d, sagte er\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "\"Yuming Ma(马玉明)\" <ma@le.com>\n",
      "\"Yuming Ma(马玉明)\" <ma@le.com>\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "使用 Linux(操作系统) 的\n", "使用 Linux（操作系统） 的\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "This is free software, see 版权 for details, and so on\n",
      "This is free software, see 版权 for details, and so on\n");
  /* A line without Han: only a comma ending it, after an open sentence. */
  t = run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "如果没有指定\n.I n,\n将使用标准输入。\n.I m,\n",
          "如果没有指定\n.I n，\n将使用标准输入。\n.I m,\n");
  assert_int_equal(t.n, 1);
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "可以是\n.BR hard ,\n.BR soft ,\n或\n",
      "可以是\n.BR hard ，\n.BR soft ，\n或\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "可以是\n\n.BR hard ,\n", "可以是\n\n.BR hard ,\n");
  run(NULL, ZHFIX_PUNCT_MAINLAND, 0, "如下:\n\tint a, b,\n\tx;\n-mode baud,parity\n",
      "如下：\n\tint a, b,\n\tx;\n-mode baud,parity\n");
}

static void test_misconversion(void **state)
{
  struct tally t;
  (void)state;
  /* Repair mode: only when sure. */
  t = run(NULL, ZHFIX_PUNCT_OFF, 0, "這項技術被髮明了。\n", "這項技術被發明了。\n");
  assert_int_equal(t.n, 1);
  assert_string_equal(t.kinds[0], "misconversion");
  run(NULL, ZHFIX_PUNCT_OFF, 0, "你为什幺不说？\n", "你为什么不说？\n");
  run(NULL, ZHFIX_PUNCT_OFF, 0, "常見的演演算法\n", "常見的演算法\n");
  /* A character-only converter's 復制 (复制): left alone in a text that has
   * not shown what converted it (see test_converter), with a target too;
   * good Simplified text with a target stays (画出 is not 划出). */
  run(NULL, ZHFIX_PUNCT_OFF, 0, "把檔案復制到目錄。\n", "把檔案復制到目錄。\n");
  run("t2tw", ZHFIX_PUNCT_OFF, 0, "把檔案復制到目錄。\n", "把檔案復制到目錄。\n");
  run("t2s", ZHFIX_PUNCT_OFF, 0, "请画出一张图。\n", "请画出一张图。\n");
  run("s2t", ZHFIX_PUNCT_OFF, 0, "请画出一张图。\n", "請畫出一張圖。\n");
  /* Good text, classical and modern, is left alone (纔能: see test_converter). */
  run(NULL, ZHFIX_PUNCT_OFF, 0, "要有私鑰纔能這麼做。\n", "要有私鑰纔能這麼做。\n");
  run(NULL, ZHFIX_PUNCT_OFF, 0, "至于頓丘，他的頭髮很長。\n", "至于頓丘，他的頭髮很長。\n");
  run("t2tw", ZHFIX_PUNCT_OFF, 0, "他的頭髮很長，皇后發明了乾麵。\n",
      "他的頭髮很長，皇后發明了乾麵。\n");
}

/* Process in on ctx (a document), compare with want. */
static void run_on(zhfix_ctx *ctx, const char *in, const char *want)
{
  char *out = NULL;
  size_t len;
  assert_int_equal(zhfix_process(ctx, in, strlen(in), &out, &len), ZHFIX_OK);
  assert_string_equal(out, want);
  zhfix_free(out);
}

/* The document first, k x body, last on ctx; its output must be
 * first_want, k x body, last_want. */
static void doc_of(zhfix_ctx *ctx, const char *first, const char *first_want, const char *body,
                   size_t k, const char *last, const char *last_want)
{
  size_t size = strlen(first) + strlen(first_want) + k * strlen(body) + strlen(last) +
                strlen(last_want) + 1, i;
  char *doc = malloc(size), *want = malloc(size);
  char *d = doc, *w = want;
  assert_non_null(doc);
  assert_non_null(want);
  d = stpcpy(d, first);
  w = stpcpy(w, first_want);
  for (i = 0; i < k; i++) {
    d = stpcpy(d, body);
    w = stpcpy(w, body);
  }
  strcpy(d, last);
  strcpy(w, last_want);
  run_on(ctx, doc, want);
  free(doc);
  free(want);
}

/* What converted the text: set, or read from the document. */
static void test_converter(void **state)
{
  static const char line[] = "這個程式把檔案復制到目錄。\n";
  static const char fixed[] = "這個程式把檔案複製到目錄。\n";
  static const char clean[] = "這項技術在那個年代發明了很多東西，大家都用它。\n"; /* 20 Han */
  zhfix_ctx *ctx = NULL;
  (void)state;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_get_converter(ctx), ZHFIX_CONVERTER_UNKNOWN);
  assert_int_equal(zhfix_set_converter(ctx, (zhfix_converter)7), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_set_converter(NULL, ZHFIX_CONVERTER_OTHER), ZHFIX_ERR_ARG);
  /* Undecided, repair mode: 復制 stays (see test_misconversion). */
  run_on(ctx, line, line);
  /* A character-only converter: its first choices are suspects, in repair
   * mode too, for every document until set back. */
  assert_int_equal(zhfix_set_converter(ctx, ZHFIX_CONVERTER_CHARACTER), ZHFIX_OK);
  run_on(ctx, line, fixed);
  run_on(ctx, line, fixed);
  /* Words known only from OpenCC's phrases (周数 -> 週數, 滑杆 -> 滑桿; not
   * in jieba's list), unless the model reads the alternative much worse
   * (是只 -> 是隻, a phrase for 这是只猫). */
  run_on(ctx, "一年的周數\n這個滑杆可定義欲列的寬度\n", "一年的週數\n這個滑桿可定義欲列的寬度\n");
  run_on(ctx, "儲存整頁或是只儲存目前段落\n", "儲存整頁或是只儲存目前段落\n");
  /* A phrase OpenCC has both ways (才能 纔能, 回覆 回復) keeps the text's. */
  run_on(ctx, "無法回復以往的設定\n", "無法回復以往的設定\n");
  run_on(ctx, "要有私鑰纔能這麼做。\n", "要有私鑰纔能這麼做。\n");
  assert_int_equal(zhfix_get_converter(ctx), ZHFIX_CONVERTER_CHARACTER);
  /* A person or a phrase converter: only what a phrase explains (被髮 is
   * s2t's 被发), with a target too; variants a person chose stay. */
  assert_int_equal(zhfix_set_converter(ctx, ZHFIX_CONVERTER_OTHER), ZHFIX_OK);
  run_on(ctx, line, line);
  run_on(ctx, "這項技術被髮明了。\n", "這項技術被發明了。\n");
  assert_int_equal(zhfix_set_target(ctx, "t2tw"), ZHFIX_OK);
  run_on(ctx, line, line);
  run_on(ctx, "輸入文字相對於基線提昇的量。\n", "輸入文字相對於基線提昇的量。\n");
  assert_int_equal(zhfix_set_target(ctx, NULL), ZHFIX_OK);

  /* Read from the document: 4000 Han characters of Traditional lines without
   * a character a character-only converter never writes make it CHARACTER,
   * and every line is repaired as such: the lines before the decision are
   * held until it. */
  assert_int_equal(zhfix_set_converter(ctx, ZHFIX_CONVERTER_UNKNOWN), ZHFIX_OK);
  doc_of(ctx, line, fixed, clean, 200, line, fixed);
  /* At most 4 MiB are held: lines before that are repaired undecided
   * (復制 left alone). */
  {
    size_t size = 200 * strlen(clean) + sizeof fixed, i;
    char ascii[65], *last = malloc(size), *last_want = malloc(size);
    assert_non_null(last);
    assert_non_null(last_want);
    memset(ascii, 'x', 63);
    ascii[63] = '\n';
    ascii[64] = '\0';
    last[0] = '\0';
    for (i = 0; i < 200; i++)
      strcat(last, clean);
    strcpy(last_want, last);
    doc_of(ctx, line, line, ascii, 65537, strcat(last, line), strcat(last_want, fixed));
    /* The windows of a line longer than 1 MiB are held like lines. */
    {
      char *longline = malloc((1u << 20) + 4096 + 2);
      assert_non_null(longline);
      memset(longline, 'a', (1u << 20) + 4096);
      strcpy(longline + (1u << 20) + 4096, "\n");
      doc_of(ctx, line, fixed, longline, 1, last, last_want);
      free(longline);
    }
    free(last);
    free(last_want);
  }
  /* Each document decides anew: one 髮 (which such a converter never
   * writes) makes it OTHER. */
  doc_of(ctx, "他的頭髮很長。\n", "他的頭髮很長。\n", clean, 200, line, line);
  assert_int_equal(zhfix_get_converter(ctx), ZHFIX_CONVERTER_UNKNOWN); /* reset by the end */
  zhfix_close(&ctx);
}

static void test_auto(void **state)
{
  static const char doc[] = "软體的設定介面很简單。\n這是說明文件。\n我们在这里\n";
  static const char want[] = "軟體的設定介面很簡單。\n這是說明文件。\n我們在這裏\n";
  char out[512];
  zhfix_ctx *ctx = NULL;
  size_t i;
  (void)state;
  run("auto", ZHFIX_PUNCT_OFF, 0, doc, want);
  run("auto", ZHFIX_PUNCT_OFF, 0, "我们在會議上讨论了这个问题。\n", "我们在会议上讨论了这个问题。\n");
  /* Fed a byte at a time, and a second document on the same handle. */
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_target(ctx, "auto"), ZHFIX_OK);
  out[0] = '\0';
  for (i = 0; i < sizeof doc - 1; i++)
    assert_int_equal(zhfix_feed(ctx, doc + i, 1, to_buf, out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, to_buf, out), ZHFIX_OK);
  assert_string_equal(out, want);
  out[0] = '\0';
  assert_int_equal(zhfix_feed(ctx, "这是简体。\n", strlen("这是简体。\n"), to_buf, out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, to_buf, out), ZHFIX_OK);
  assert_string_equal(out, "这是简体。\n");
  zhfix_close(&ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_punct),
    cmocka_unit_test(test_punct_terms),
    cmocka_unit_test(test_misconversion),
    cmocka_unit_test(test_converter),
    cmocka_unit_test(test_auto),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
