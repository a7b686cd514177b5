/* The line pipeline through the public API: pass-through of bytes that are not
 * UTF-8, line terminators, streaming, change reports, flags and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zhfix.h"

#define S(lit) lit, sizeof(lit) - 1 /* a literal with its length (may hold NUL) */

/* zhfix_process(in[0, len)) with flags and target; compares with expected. */
static void check(unsigned flags, const char *target, const char *in, size_t len,
                  const char *expected, size_t elen)
{
  zhfix_ctx *ctx = NULL;
  char *out = NULL;
  size_t olen = 0;

  assert_int_equal(zhfix_open(&ctx, flags), ZHFIX_OK);
  if (target)
    assert_int_equal(zhfix_set_target(ctx, target), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, in, len, &out, &olen), ZHFIX_OK);
  assert_int_equal(olen, elen);
  assert_memory_equal(out, expected, elen);
  assert_int_equal(out[olen], '\0');
  zhfix_free(out);
  zhfix_close(&ctx);
}

static void test_passthrough(void **state)
{
  (void)state;
  /* Invalid UTF-8 and NUL pass through and split the conversion segments. */
  check(0, "simplified", S("漢\xff字\0語"), S("汉\xff字\0语"));
  check(0, NULL, S("漢\xff字\0語"), S("漢\xff字\0語"));
  /* Split segments convert apart: 软件 is a phrase (軟體), 软 / 件 are not. */
  check(0, "twp", S("软件"), S("軟體"));
  check(0, "twp", S("软\xff件"), S("軟\xff件"));
  check(0, "twp", S("软\0件"), S("軟\0件"));
  /* Every invalid class, unchanged, around converted text. */
  check(0, "simplified", S("\x80國\xc0\x80際\xed\xa0\x80化\xf4\x90\x80\x80\xe4\xb8"),
        S("\x80国\xc0\x80际\xed\xa0\x80化\xf4\x90\x80\x80\xe4\xb8"));
  /* Ruby repair happens on each side of an invalid byte. */
  check(0, NULL, S("業(yè)\xfe業(yè)"), S("業\xfe業"));
  /* Nothing but bytes that are not UTF-8. */
  check(0, "simplified", S("\xff\xfe\0\n\x80"), S("\xff\xfe\0\n\x80"));
}

static void test_lines(void **state)
{
  (void)state;
  check(0, NULL, S("行業(yè)\r\n第二行\r\n"), S("行業\r\n第二行\r\n")); /* CRLF kept */
  check(0, "simplified", S("國\r\n際\n化\r\n"), S("国\r\n际\n化\r\n"));
  check(0, NULL, S("甲\n乙業(yè)"), S("甲\n乙業")); /* last line without newline */
  check(0, "simplified", S("甲\n乙業(yè)"), S("甲\n乙业"));
  check(0, NULL, S("甲\r"), S("甲\r")); /* a lone CR is not a terminator */
  check(0, NULL, S("a\rb\n"), S("a\rb\n"));
  check(0, NULL, S("\n\n\r\n"), S("\n\n\r\n"));
  check(0, "simplified", S(""), S(""));
}

/* ---- streaming ---- */

struct sink {
  char *data;
  size_t len;
};

static int to_sink(void *user, const char *buf, size_t len)
{
  struct sink *s = user;
  char *d = realloc(s->data, s->len + len + 1);
  if (!d)
    return 1;
  memcpy(d + s->len, buf, len);
  s->data = d;
  s->len += len;
  return 0;
}

/* A recorded change. */
struct rec {
  uint64_t line, column, byte_offset;
  char kind[16], before[64], after[64];
  double margin;
};

struct recs {
  struct rec r[16];
  size_t n;
};

static void record(void *user, const zhfix_change *ch)
{
  struct recs *rs = user;
  struct rec *r;
  assert_true(rs->n < 16);
  assert_true(ch->before_len < 64 && ch->after_len < 64);
  r = &rs->r[rs->n++];
  memset(r, 0, sizeof *r);
  r->line = ch->line;
  r->column = ch->column;
  r->byte_offset = ch->byte_offset;
  strncpy(r->kind, ch->kind, sizeof r->kind - 1);
  memcpy(r->before, ch->before, ch->before_len);
  memcpy(r->after, ch->after, ch->after_len);
  r->margin = ch->margin;
}

static const char doc[] =
  "行業(yè)競爭\r\n"
  "規(guī);瘮U張\n"
  "漢\xff字\0語\n"
  "\n"
  "甲\xfe業(yè)\r\n"
  "臺ㄊㄞˊ灣ㄨㄢ"; /* no newline */

static void feed_whole(const char *target, size_t chunk, struct sink *out, struct recs *rs)
{
  zhfix_ctx *ctx = NULL;
  size_t i;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  if (target)
    assert_int_equal(zhfix_set_target(ctx, target), ZHFIX_OK);
  zhfix_set_change_cb(ctx, record, rs);
  for (i = 0; i < sizeof doc - 1; i += chunk) {
    size_t n = sizeof doc - 1 - i < chunk ? sizeof doc - 1 - i : chunk;
    assert_int_equal(zhfix_feed(ctx, doc + i, n, to_sink, out), ZHFIX_OK);
  }
  assert_int_equal(zhfix_feed(ctx, NULL, 0, to_sink, out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, to_sink, out), ZHFIX_OK);
  zhfix_close(&ctx);
}

static void test_chunks(void **state)
{
  static const char *const targets[] = {NULL, "simplified", "tw"};
  static const char repaired[] =
    "行業競爭\r\n規模化擴張\n漢\xff字\0語\n\n甲\xfe業\r\n臺灣";
  size_t t, k;
  (void)state;

  for (t = 0; t < 3; t++) {
    struct sink whole = {0};
    struct recs rw = {0};
    feed_whole(targets[t], sizeof doc, &whole, &rw);
    if (!targets[t]) {
      assert_int_equal(whole.len, sizeof repaired - 1);
      assert_memory_equal(whole.data, repaired, whole.len);
    }
    assert_int_equal(rw.n, 8);
    for (k = 1; k <= 7; k += 3) {
      struct sink bits = {0};
      struct recs rb = {0};
      feed_whole(targets[t], k, &bits, &rb);
      assert_int_equal(bits.len, whole.len);
      assert_memory_equal(bits.data, whole.data, whole.len);
      assert_int_equal(rb.n, rw.n);
      assert_memory_equal(rb.r, rw.r, rw.n * sizeof *rw.r);
      free(bits.data);
    }
    free(whole.data);
  }
}

/* Input in GBK (zhfix_set_input_encoding) fed k bytes at a time: GBK lines
 * decoded, a stray FF kept, a line of UTF-8 (一行: E4B8 is a GBK pair, 80
 * invalid) as it is, also after a line longer than LINE_HOLD (66000 bytes of
 * 中, decoded as it comes), and a last line without a line feed. */
static void feed_gbk(size_t chunk, struct sink *out)
{
  static const char head[] = "\xd6\xd0\xce\xc4\n"    /* 中文 */
                             "\xe4\xb8\x80\xe8\xa1\x8c\n" /* 一行, UTF-8 */
                             "\xba\xc3\xff\xb5\xc4\n";     /* 好 FF 的 */
  static const char tail[] = "\n\xe4\xb8\x80\xe8\xa1\x8c\n\xcc\xec\xc6\xf8"; /* 一行, 天气 */
  size_t long_len = 66000, len = sizeof head - 1 + long_len + sizeof tail - 1, i;
  char *bytes = malloc(len);
  zhfix_ctx *ctx = NULL;

  assert_non_null(bytes);
  memcpy(bytes, head, sizeof head - 1);
  for (i = 0; i < long_len; i += 2)
    memcpy(bytes + sizeof head - 1 + i, "\xd6\xd0", 2);
  memcpy(bytes + sizeof head - 1 + long_len, tail, sizeof tail - 1);
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_input_encoding(ctx, "GBK"), ZHFIX_OK);
  for (i = 0; i < len; i += chunk)
    assert_int_equal(zhfix_feed(ctx, bytes + i, len - i < chunk ? len - i : chunk, to_sink, out),
                     ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, to_sink, out), ZHFIX_OK);
  zhfix_close(&ctx);
  free(bytes);
}

static void test_input_lines(void **state)
{
  static const char head[] = "中文\n一行\n好\xff的\n";
  static const char tail[] = "\n一行\n天气";
  static const size_t chunks[] = {1, 3, 7, 65536, 1 << 20};
  size_t k, i, long_len = 33000 * 3;
  (void)state;

  for (k = 0; k < sizeof chunks / sizeof *chunks; k++) {
    struct sink out = {0};
    feed_gbk(chunks[k], &out);
    assert_int_equal(out.len, sizeof head - 1 + long_len + sizeof tail - 1);
    assert_memory_equal(out.data, head, sizeof head - 1);
    for (i = 0; i < long_len; i += 3)
      assert_memory_equal(out.data + sizeof head - 1 + i, "中", 3);
    assert_memory_equal(out.data + sizeof head - 1 + long_len, tail, sizeof tail - 1);
    free(out.data);
  }
}

static void test_changes(void **state)
{
  struct sink out = {0};
  struct recs rs = {0};
  const struct rec *r = rs.r;
  (void)state;

  feed_whole(NULL, sizeof doc, &out, &rs);
  free(out.data);
  assert_int_equal(rs.n, 8);
  /* Line 1: 業(yè) at column 2, byte 3. */
  assert_int_equal(r[0].line, 1);
  assert_int_equal(r[0].column, 2);
  assert_int_equal(r[0].byte_offset, 3);
  assert_string_equal(r[0].kind, "ruby");
  assert_string_equal(r[0].before, "業(yè)");
  assert_string_equal(r[0].after, "業");
  assert_true(r[0].margin == 0);
  /* Line 2: the byte shift first (;瘮U at column 7, after 規 + "(guī)", byte
   * 3 + 6 = 9), then the annotation before it. */
  assert_int_equal(r[1].line, 2);
  assert_int_equal(r[1].column, 7);
  assert_int_equal(r[1].byte_offset, 9);
  assert_string_equal(r[1].kind, "byte-shift");
  assert_string_equal(r[1].before, ";瘮U");
  assert_string_equal(r[1].after, "模化擴");
  assert_true(r[1].margin > 0);
  assert_int_equal(r[2].line, 2);
  assert_int_equal(r[2].column, 1);
  assert_int_equal(r[2].byte_offset, 0);
  assert_string_equal(r[2].kind, "ruby");
  assert_string_equal(r[2].before, "規(guī)");
  assert_string_equal(r[2].after, "規");
  /* Line 3: the byte FF that is not UTF-8, reported (column 2, byte 3);
   * line 5 likewise: FE after 甲. */
  assert_int_equal(r[3].line, 3);
  assert_int_equal(r[3].column, 2);
  assert_int_equal(r[3].byte_offset, 3);
  assert_string_equal(r[3].kind, "invalid-bytes");
  assert_string_equal(r[3].before, "\xff");
  assert_string_equal(r[3].after, "\xff");
  assert_int_equal(r[4].line, 5);
  assert_int_equal(r[4].column, 2);
  assert_string_equal(r[4].kind, "invalid-bytes");
  assert_string_equal(r[4].before, "\xfe");
  /* Line 5 (after line 3 with NUL, line 4 empty): 甲 \xfe 業 - column 3,
   * byte 4; the invalid byte counts as one column. */
  assert_int_equal(r[5].line, 5);
  assert_int_equal(r[5].column, 3);
  assert_int_equal(r[5].byte_offset, 4);
  assert_string_equal(r[5].before, "業(yè)");
  assert_string_equal(r[5].after, "業");
  /* Line 6, no newline: two zhuyin readings. */
  assert_int_equal(r[6].line, 6);
  assert_int_equal(r[6].column, 1);
  assert_string_equal(r[6].before, "臺ㄊㄞˊ");
  assert_string_equal(r[6].after, "臺");
  assert_int_equal(r[7].line, 6);
  assert_int_equal(r[7].column, 5);
  assert_int_equal(r[7].byte_offset, 3 + 3 + 3 + 2); /* ˊ is 2 bytes */
  assert_string_equal(r[7].before, "灣ㄨㄢ");
  assert_string_equal(r[7].after, "灣");
}

/* A finding's callback runs after the lines before it are written and before
 * its own line is: also where the line was converted before the finding (the
 * script of a line is weighed after its conversion, which goes straight to
 * the output gathered for writing). */
struct written_at {
  struct sink *out;
  size_t at; /* out->len when "mixed-script" was reported */
  uint64_t line;
};

static void note_written(void *user, const zhfix_change *ch)
{
  struct written_at *w = user;
  if (strcmp(ch->kind, "mixed-script") == 0) {
    w->at = w->out->len;
    w->line = ch->line;
  }
}

static void test_written_before_finding(void **state)
{
  static const char in[] = "第一行。\n这是國家的问题。\n第三行。\n";
  static const char expected[] = "第一行。\n这是国家的问题。\n第三行。\n";
  zhfix_ctx *ctx = NULL;
  struct sink out = {0};
  struct written_at w = {&out, 0, 0};
  (void)state;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_target(ctx, "simplified"), ZHFIX_OK);
  assert_int_equal(zhfix_set_converter(ctx, ZHFIX_CONVERTER_OTHER), ZHFIX_OK);
  zhfix_set_change_cb(ctx, note_written, &w);
  assert_int_equal(zhfix_feed(ctx, in, sizeof in - 1, to_sink, &out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, to_sink, &out), ZHFIX_OK);
  zhfix_close(&ctx);
  assert_int_equal(w.line, 2);
  assert_int_equal(w.at, strlen("第一行。\n"));
  assert_int_equal(out.len, sizeof expected - 1);
  assert_memory_equal(out.data, expected, out.len);
  free(out.data);
}

/* A ruby residue on line 2 column 3; line numbers restart with each document. */
static void test_line_column(void **state)
{
  static const char in[] = "第一行\n甲乙業(yè)競爭\n";
  zhfix_ctx *ctx = NULL;
  struct recs rs = {0};
  char *out = NULL;
  size_t len = 0, doc_no;
  (void)state;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  zhfix_set_change_cb(ctx, record, &rs);
  for (doc_no = 0; doc_no < 2; doc_no++) {
    rs.n = 0;
    assert_int_equal(zhfix_process(ctx, in, sizeof in - 1, &out, &len), ZHFIX_OK);
    assert_string_equal(out, "第一行\n甲乙業競爭\n");
    zhfix_free(out);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].line, 2);
    assert_int_equal(rs.r[0].column, 3);
    assert_int_equal(rs.r[0].byte_offset, 6);
    assert_string_equal(rs.r[0].kind, "ruby");
    assert_string_equal(rs.r[0].before, "業(yè)");
    assert_string_equal(rs.r[0].after, "業");
  }
  /* No callback after it is cleared. */
  zhfix_set_change_cb(ctx, NULL, NULL);
  rs.n = 0;
  assert_int_equal(zhfix_process(ctx, in, sizeof in - 1, &out, &len), ZHFIX_OK);
  zhfix_free(out);
  assert_int_equal(rs.n, 0);
  zhfix_close(&ctx);
}

static void test_no_repair(void **state)
{
  (void)state;
  check(ZHFIX_NO_REPAIR, NULL, S("行業(yè)競爭"), S("行業(yè)競爭"));
  check(ZHFIX_NO_REPAIR, NULL, S("規(guī);瘮U張"), S("規(guī);瘮U張"));
  check(ZHFIX_NO_REPAIR, "simplified", S("行業(yè)競爭\n"), S("行业(yè)竞争\n"));
  check(0, "simplified", S("行業(yè)競爭\n"), S("行业竞争\n"));
}

/* ZHFIX_NO_SCRIPT_STATS: the same output and counts, lines_by_script at 0. */
static void test_no_script_stats(void **state)
{
  static const char in[] = "這是中文。\n这是中文。\n中文\nplain\n行業(yè)競爭\n發生在中國\n";
  zhfix_stats a, b;
  char *out[2];
  size_t len[2], i;
  int k;
  (void)state;
  for (k = 0; k < 2; k++) {
    zhfix_ctx *ctx = NULL;
    assert_int_equal(zhfix_open(&ctx, k ? ZHFIX_NO_SCRIPT_STATS : 0), ZHFIX_OK);
    assert_int_equal(zhfix_set_target(ctx, "t2s"), ZHFIX_OK);
    assert_int_equal(zhfix_process(ctx, in, sizeof in - 1, &out[k], &len[k]), ZHFIX_OK);
    zhfix_get_stats(ctx, k ? &b : &a);
    zhfix_close(&ctx);
  }
  assert_int_equal(len[0], len[1]);
  assert_memory_equal(out[0], out[1], len[0]);
  assert_int_equal(a.lines_by_script[ZHFIX_SCRIPT_TRADITIONAL], 3);
  assert_int_equal(a.lines_by_script[ZHFIX_SCRIPT_SIMPLIFIED], 2);
  for (i = 0; i < 4; i++)
    assert_int_equal(b.lines_by_script[i], 0);
  assert_int_equal(a.han, b.han);
  assert_int_equal(a.repaired, b.repaired);
  assert_int_equal(a.lines, b.lines);
  zhfix_free(out[0]);
  zhfix_free(out[1]);
}

static int fail_write(void *user, const char *buf, size_t len)
{
  (void)user;
  (void)buf;
  (void)len;
  return 1;
}

static void test_api_errors(void **state)
{
  zhfix_ctx *ctx = NULL, *none = NULL;
  struct sink s = {0};
  char *out = (char *)"x";
  size_t len = 7;
  int st;
  (void)state;

  zhfix_close(NULL); /* safe */
  zhfix_close(&none);
  assert_null(none);
  assert_int_equal(zhfix_open(NULL, 0), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_feed(NULL, "a\n", 2, to_sink, &s), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_finish(NULL, to_sink, &s), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_process(NULL, "a", 1, &out, &len), ZHFIX_ERR_ARG);
  assert_null(out);
  assert_int_equal(len, 0);
  assert_string_equal(zhfix_errmsg(NULL), "");
  zhfix_set_change_cb(NULL, record, NULL); /* safe */

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  assert_non_null(ctx);
  assert_int_equal(zhfix_feed(ctx, "a\n", 2, NULL, NULL), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_feed(ctx, NULL, 1, to_sink, &s), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_process(ctx, "a", 1, NULL, &len), ZHFIX_ERR_ARG);
  assert_int_equal(zhfix_process(ctx, "a", 1, &out, NULL), ZHFIX_ERR_ARG);
  /* A failing writer (the line is held until the document says what
   * converted it, here until its end). */
  assert_int_equal(zhfix_feed(ctx, "甲\n", strlen("甲\n"), fail_write, NULL), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, fail_write, NULL), ZHFIX_ERR_OUTPUT);
  assert_true(strlen(zhfix_errmsg(ctx)) > 0);
  assert_int_equal(zhfix_set_converter(ctx, ZHFIX_CONVERTER_OTHER), ZHFIX_OK);
  assert_int_equal(zhfix_feed(ctx, "甲\n", strlen("甲\n"), fail_write, NULL), ZHFIX_ERR_OUTPUT);
  assert_int_equal(zhfix_finish(ctx, to_sink, &s), ZHFIX_OK);
  zhfix_close(&ctx);
  assert_null(ctx);
  zhfix_close(&ctx); /* *ctx == NULL: no-op */
  free(s.data);

  for (st = ZHFIX_OK; st <= ZHFIX_ERR_CODEC; st++) {
    const char *m = zhfix_strerror((zhfix_status)st);
    assert_non_null(m);
    assert_true(strlen(m) > 0);
  }
  assert_non_null(zhfix_strerror((zhfix_status)99));
  assert_string_not_equal(zhfix_strerror(ZHFIX_OK), zhfix_strerror(ZHFIX_ERR_CONFIG));
  assert_non_null(zhfix_version());
  assert_true(strlen(zhfix_version()) > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_passthrough),
    cmocka_unit_test(test_lines),
    cmocka_unit_test(test_chunks),
    cmocka_unit_test(test_input_lines),
    cmocka_unit_test(test_changes),
    cmocka_unit_test(test_written_before_finding),
    cmocka_unit_test(test_line_column),
    cmocka_unit_test(test_no_repair),
    cmocka_unit_test(test_no_script_stats),
    cmocka_unit_test(test_api_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
