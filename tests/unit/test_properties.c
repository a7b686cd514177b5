/* Properties over generated inputs (a fixed-seed generator, so every run tests
 * the same inputs): repair is idempotent; clean text is unchanged; with
 * repairs off, every byte comes out in order; with repairs on, input in which
 * no repair claims anything comes out unchanged; valid UTF-8 in gives valid
 * UTF-8 out; the output is the same fed in any chunks, and line by line. The
 * inputs: our own sentences (tests/data), damaged by the kinds zhfix repairs,
 * and random bytes biased towards the ones that matter (CR, LF, NUL, '(',
 * '?', C1 and lead bytes, pieces of UTF-8 characters). Also: clean text with
 * every line end, NUL and a byte order mark unchanged; invalid UTF-8 and a cut
 * last character kept with --no-repair and covered by findings with repairs;
 * lines longer than the window processed sentence by sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "xorshift.h"

#define ROUNDS 400
#define MAX_SENT 600

static char *sentences[MAX_SENT];
static size_t nsentences;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_rand(void)
{
  return xorshift_next(&rng);
}

static char *process(unsigned flags, const char *in, size_t len, size_t *out_len,
                     uint64_t *repaired)
{
  zhfix_ctx *ctx = NULL;
  zhfix_stats st;
  char *out = NULL;
  assert_int_equal(zhfix_open(&ctx, flags), ZHFIX_OK);
  assert_int_equal(zhfix_process(ctx, in, len, &out, out_len), ZHFIX_OK);
  zhfix_get_stats(ctx, &st);
  if (repaired)
    *repaired = st.repaired;
  zhfix_close(&ctx);
  return out;
}

/* A generated input: sentences, some damaged, and random bytes. */
static void generate(struct zhfix__buf *b, bool random_bytes)
{
  static const char pieces[][8] = {"\r", "\n", "\r\n", "(", ")", "?", "\x80", "\xe4",
                                   "\xe4\xb8", "\xc3", "\x00", "(y\xc3\xa8)", "&#x", ";"};
  size_t k, n = 1 + next_rand() % 6;
  b->len = 0;
  for (k = 0; k < n; k++) {
    const char *s = sentences[next_rand() % nsentences];
    switch (next_rand() % 4) {
    case 0: /* a ruby residue after the first character */
      zhfix__buf_add(b, s, 3);
      zhfix__buf_add(b, "(y\xc3\xa8)", 6);
      zhfix__buf_add(b, s + 3, strlen(s) - 3);
      break;
    default:
      zhfix__buf_add(b, s, strlen(s));
    }
    if (random_bytes) {
      size_t r = next_rand() % 4, j;
      for (j = 0; j < r; j++) {
        const char *p = pieces[next_rand() % (sizeof pieces / sizeof *pieces)];
        zhfix__buf_add(b, p, *p ? strlen(p) : 1);
      }
    }
    zhfix__buf_add(b, "\n", next_rand() % 5 ? 1 : 0);
  }
}

static void test_idempotent(void **state)
{
  struct zhfix__buf in = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    size_t l1, l2;
    char *once, *twice;
    generate(&in, round % 2);
    once = process(0, in.data, in.len, &l1, NULL);
    twice = process(0, once, l1, &l2, NULL);
    if (l1 != l2 || memcmp(once, twice, l1) != 0)
      fail_msg("not idempotent on round %d: %.*s", round, (int)in.len, in.data);
    zhfix_free(once);
    zhfix_free(twice);
  }
  zhfix__buf_free(&in);
}

static void test_clean_unchanged(void **state)
{
  size_t i, l;
  (void)state;
  for (i = 0; i < nsentences; i++) {
    char *out = process(0, sentences[i], strlen(sentences[i]), &l, NULL);
    assert_int_equal(l, strlen(sentences[i]));
    assert_memory_equal(out, sentences[i], l);
    zhfix_free(out);
  }
}

static void test_no_repair_keeps_every_byte(void **state)
{
  struct zhfix__buf in = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    size_t l;
    char *out;
    generate(&in, true);
    out = process(ZHFIX_NO_REPAIR, in.data, in.len, &l, NULL);
    assert_int_equal(l, in.len);
    assert_memory_equal(out, in.data, l);
    zhfix_free(out);
  }
  zhfix__buf_free(&in);
}

static void test_unclaimed_unchanged_and_valid(void **state)
{
  struct zhfix__buf in = {0};
  int round, unclaimed = 0;
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    size_t l;
    uint64_t repaired;
    char *out;
    generate(&in, round % 2);
    out = process(0, in.data, in.len, &l, &repaired);
    if (repaired == 0) {
      unclaimed++;
      assert_int_equal(l, in.len);
      assert_memory_equal(out, in.data, l);
    }
    if (zhfix__utf8_valid(in.data, in.len))
      assert_true(zhfix__utf8_valid(out, l));
    zhfix_free(out);
  }
  assert_true(unclaimed > 0);
  zhfix__buf_free(&in);
}

static int sink(void *user, const char *buf, size_t len)
{
  return zhfix__buf_add(user, buf, len) ? 0 : 1;
}

/* Feed in to a new handle (window bytes per window, 0 for the default) in
 * random chunks of 1 to max bytes (max 0: all at once); the output into out,
 * the number of lines into *lines if not NULL. */
static void feed_chunks(size_t window, const struct zhfix__buf *in, size_t max,
                        struct zhfix__buf *out, uint64_t *lines)
{
  zhfix_ctx *ctx = NULL;
  zhfix_stats st;
  size_t i;
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  if (window)
    ctx->window = window;
  out->len = 0;
  for (i = 0; i < in->len;) {
    size_t c = max ? 1 + next_rand() % max : in->len;
    if (c > in->len - i)
      c = in->len - i;
    assert_int_equal(zhfix_feed(ctx, in->data + i, c, sink, out), ZHFIX_OK);
    i += c;
  }
  assert_int_equal(zhfix_finish(ctx, sink, out), ZHFIX_OK);
  zhfix_get_stats(ctx, &st);
  if (lines)
    *lines = st.lines;
  zhfix_close(&ctx);
}

/* The repairs reported for a document: line, byte offset, the bytes replaced
 * and their replacement. */
struct edits {
  struct edit {
    uint64_t line, off;
    size_t before_len;
    char before[256], after[256];
    size_t after_len;
  } e[4096];
  size_t n;
  bool overflow;
};

static void collect(void *user, const zhfix_change *ch)
{
  struct edits *ed = user;
  struct edit *e;
  if (ch->reported)
    return;
  if (ed->n == sizeof ed->e / sizeof *ed->e || ch->before_len > sizeof e->before ||
      ch->after_len > sizeof e->after) {
    ed->overflow = true;
    return;
  }
  e = &ed->e[ed->n++];
  e->line = ch->line;
  e->off = ch->byte_offset;
  e->before_len = ch->before_len;
  memcpy(e->before, ch->before, ch->before_len);
  e->after_len = ch->after_len;
  memcpy(e->after, ch->after, ch->after_len);
}

/* Every byte no repair claimed comes out, in order: the input with the
 * reported repairs applied is the output. Documents whose repairs overlap
 * (a later stage working on an earlier stage's result) are not judged here;
 * enough of them do not overlap. */
static void test_unclaimed_bytes_in_order(void **state)
{
  static struct edits ed;
  struct zhfix__buf in = {0}, want = {0};
  int round, judged = 0;
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    zhfix_ctx *ctx = NULL;
    struct zhfix__buf got = {0};
    size_t i, k = 0, start = 0;
    uint64_t line = 1;
    bool overlap = false;

    generate(&in, round % 2);
    ed.n = 0;
    ed.overflow = false;
    assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
    zhfix_set_change_cb(ctx, collect, &ed);
    assert_int_equal(zhfix_feed(ctx, in.data, in.len, sink, &got), ZHFIX_OK);
    assert_int_equal(zhfix_finish(ctx, sink, &got), ZHFIX_OK);
    zhfix_close(&ctx);
    /* Apply the edits, line by line, in order of offset (they come in order). */
    want.len = 0;
    for (i = 0; i <= in.len && !overlap && !ed.overflow; i++) {
      uint64_t pos = 0;
      size_t end;
      /* Line ends as zhfix sees them: LF, CRLF, or a lone CR. */
      if (i < in.len && in.data[i] != '\n' &&
          !(in.data[i] == '\r' && (i + 1 == in.len || in.data[i + 1] != '\n')))
        continue;
      end = i < in.len ? i + 1 : i;
      for (; k < ed.n && ed.e[k].line == line; k++) {
        struct edit *e = &ed.e[k];
        if (e->off < pos || start + e->off + e->before_len > i ||
            memcmp(in.data + start + e->off, e->before, e->before_len) != 0) {
          overlap = true;
          break;
        }
        zhfix__buf_add(&want, in.data + start + pos, e->off - pos);
        zhfix__buf_add(&want, e->after, e->after_len);
        pos = e->off + e->before_len;
      }
      zhfix__buf_add(&want, in.data + start + pos, end - start - pos);
      start = end;
      line++;
    }
    if (!overlap && !ed.overflow && k == ed.n) {
      judged++;
      assert_int_equal(want.len, got.len);
      assert_memory_equal(want.data, got.data, got.len);
    }
    zhfix__buf_free(&got);
  }
  printf("# %d of %d documents judged\n", judged, ROUNDS);
  assert_true(judged > ROUNDS / 2);
  zhfix__buf_free(&in);
  zhfix__buf_free(&want);
}

/* Clean text with every kind of line end (LF, CRLF, a lone CR, none at the
 * end), NUL bytes and a leading byte order mark comes out byte-identical, fed
 * whole or in small chunks. */
static void test_clean_line_ends_nul_bom(void **state)
{
  static const char *const ends[] = {"\n", "\r\n", "\r", "\n\n", "\r\r\n", ""};
  struct zhfix__buf in = {0}, chunked = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS / 2; round++) {
    size_t k, n = 1 + next_rand() % 8, l;
    char *out;
    in.len = 0;
    if (round % 2)
      zhfix__buf_add(&in, "\xef\xbb\xbf", 3);
    for (k = 0; k < n; k++) {
      const char *s = sentences[next_rand() % nsentences];
      zhfix__buf_add(&in, s, strlen(s));
      if (next_rand() % 4 == 0)
        zhfix__buf_add(&in, "\0", 1);
      {
        const char *e = ends[next_rand() % (k + 1 < n ? 5 : 6)];
        zhfix__buf_add(&in, e, strlen(e));
      }
    }
    out = process(0, in.data, in.len, &l, NULL);
    if (l != in.len || memcmp(out, in.data, l) != 0)
      fail_msg("clean text changed on round %d", round);
    zhfix_free(out);
    feed_chunks(0, &in, 5, &chunked, NULL);
    assert_int_equal(chunked.len, in.len);
    assert_memory_equal(chunked.data, in.data, in.len);
  }
  zhfix__buf_free(&in);
  zhfix__buf_free(&chunked);
}

/* The findings of a document, repaired and reported: line, byte offset and
 * length of what they cover in the input line. */
struct spans {
  struct span {
    uint64_t line, off, len;
  } s[4096];
  size_t n;
};

static void collect_spans(void *user, const zhfix_change *ch)
{
  struct spans *sp = user;
  if (sp->n < sizeof sp->s / sizeof *sp->s) {
    sp->s[sp->n].line = ch->line;
    sp->s[sp->n].off = ch->byte_offset;
    sp->s[sp->n].len = ch->before_len;
    sp->n++;
  }
}

/* Invalid UTF-8 (stray continuation and lead bytes, a surrogate, an overlong
 * form, bytes FE FF) and a truncated final character: byte-identical with
 * repairs off; with repairs on, every invalid byte is inside a finding
 * (repaired or reported) of its line. */
static void test_invalid_bytes(void **state)
{
  static const char *const bad[] = {"\x80", "\xbf\xbf", "\xe4\xb8", "\xc3", "\xed\xa0\x80",
                                    "\xc0\xaf", "\xfe\xff", "\xf4\x90\x80\x80"};
  static struct spans sp;
  struct zhfix__buf in = {0}, got = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS / 2; round++) {
    zhfix_ctx *ctx = NULL;
    size_t k, n = 1 + next_rand() % 5, l, i, start = 0;
    uint64_t line = 1;
    char *out;
    in.len = 0;
    for (k = 0; k < n; k++) {
      const char *s = sentences[next_rand() % nsentences], *b = bad[next_rand() % 8];
      size_t cut = 3 * (next_rand() % (strlen(s) / 3));
      zhfix__buf_add(&in, s, cut);
      zhfix__buf_add(&in, b, strlen(b));
      zhfix__buf_add(&in, s + cut, strlen(s) - cut);
      zhfix__buf_add(&in, "\n", 1);
    }
    /* The last character cut short, and no line end after it. */
    zhfix__buf_add(&in, "\xe4\xb8\xad\xe6\x96", 5);
    out = process(ZHFIX_NO_REPAIR, in.data, in.len, &l, NULL);
    assert_int_equal(l, in.len);
    assert_memory_equal(out, in.data, l);
    zhfix_free(out);

    sp.n = 0;
    got.len = 0;
    assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
    zhfix_set_change_cb(ctx, collect_spans, &sp);
    assert_int_equal(zhfix_feed(ctx, in.data, in.len, sink, &got), ZHFIX_OK);
    assert_int_equal(zhfix_finish(ctx, sink, &got), ZHFIX_OK);
    zhfix_close(&ctx);
    for (i = 0; i < in.len;) {
      uint32_t cp;
      size_t len = in.data[i] == '\n' ? 1 : zhfix__utf8_decode(in.data + i, in.data + in.len, &cp);
      if (in.data[i] == '\n') {
        line++;
        start = i + 1;
      } else if (len == 0) {
        size_t j;
        for (j = 0; j < sp.n; j++)
          if (sp.s[j].line == line && sp.s[j].off <= i - start &&
              i - start < sp.s[j].off + sp.s[j].len)
            break;
        if (j == sp.n)
          fail_msg("round %d: invalid byte %02x at line %llu, byte %zu: no finding", round,
                   (unsigned char)in.data[i], (unsigned long long)line, i - start);
        len = 1;
      }
      i += len;
    }
  }
  zhfix__buf_free(&in);
  zhfix__buf_free(&got);
}

/* A line longer than the window is processed sentence by sentence, in
 * bounded memory: its output is that of the line cut after each sentence end
 * (。！？), whatever the chunks it comes in; a shorter line is processed
 * whole; a windowed line counts once. */
static void test_long_lines_in_windows(void **state)
{
  enum { WINDOW = 1024 };
  struct zhfix__buf in = {0}, want = {0}, got = {0};
  int round, windowed = 0;
  (void)state;
  for (round = 0; round < 40; round++) {
    size_t nlines = 1 + next_rand() % 3, k, j;
    uint64_t lines;
    in.len = 0;
    want.len = 0;
    for (k = 0; k < nlines; k++) {
      size_t start = in.len, n = next_rand() % 2 ? 5 + next_rand() % 60 : 1 + next_rand() % 10;
      const char *end = k + 1 < nlines || round % 2 ? "\n" : "";
      for (j = 0; j < n; j++) {
        const char *s = sentences[next_rand() % nsentences];
        if (next_rand() % 3 == 0) { /* a ruby residue after the first character */
          zhfix__buf_add(&in, s, 3);
          zhfix__buf_add(&in, "(y\xc3\xa8)", 6);
          zhfix__buf_add(&in, s + 3, strlen(s) - 3);
        } else {
          zhfix__buf_add(&in, s, strlen(s));
        }
      }
      /* What the line should give. */
      if (in.len - start + strlen(end) > WINDOW + 2) {
        size_t a = start, i;
        windowed++;
        for (i = start; i <= in.len; i++) {
          const unsigned char *p = (const unsigned char *)in.data + i;
          bool stop = i == in.len ||
                      (i + 3 <= in.len && ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
                                           (p[0] == 0xEF && p[1] == 0xBC &&
                                            (p[2] == 0x81 || p[2] == 0x9F))));
          if (stop) {
            size_t b = i == in.len ? i : i + 3, l;
            char *o;
            if (b > a) {
              o = process(0, in.data + a, b - a, &l, NULL);
              zhfix__buf_add(&want, o, l);
              zhfix_free(o);
            }
            a = b;
          }
        }
      } else {
        size_t l;
        char *o = process(0, in.data + start, in.len - start, &l, NULL);
        zhfix__buf_add(&want, o, l);
        zhfix_free(o);
      }
      zhfix__buf_add(&in, end, strlen(end));
      zhfix__buf_add(&want, end, strlen(end));
    }
    feed_chunks(WINDOW, &in, round % 2 ? 700 : 0, &got, &lines);
    assert_int_equal(lines, nlines);
    if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
      fail_msg("round %d: windowed output differs", round);
  }
  printf("# %d windowed lines\n", windowed);
  assert_true(windowed > 10);
  zhfix__buf_free(&in);
  zhfix__buf_free(&want);
  zhfix__buf_free(&got);
}

static void test_chunks_and_lines(void **state)
{
  struct zhfix__buf in = {0}, chunked = {0}, lines = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS / 4; round++) {
    size_t l, i, start;
    char *whole;
    generate(&in, true);
    whole = process(0, in.data, in.len, &l, NULL);
    /* In random chunks. */
    feed_chunks(0, &in, 9, &chunked, NULL);
    assert_int_equal(chunked.len, l);
    assert_memory_equal(chunked.data, whole, l);
    /* Line by line, each a document of its own. */
    lines.len = 0;
    for (i = 0, start = 0; i <= in.len; i++) {
      if (i == in.len || in.data[i] == '\n') {
        size_t ll, end = i < in.len ? i + 1 : i;
        char *part;
        if (end == start)
          break;
        part = process(0, in.data + start, end - start, &ll, NULL);
        zhfix__buf_add(&lines, part, ll);
        zhfix_free(part);
        start = end;
      }
    }
    assert_int_equal(lines.len, l);
    assert_memory_equal(lines.data, whole, l);
    zhfix_free(whole);
  }
  zhfix__buf_free(&in);
  zhfix__buf_free(&chunked);
  zhfix__buf_free(&lines);
}

int main(void)
{
  const char *src = getenv("ZHFIX_SRCDIR");
  static const char *const files[] = {"sentences.zh-Hans.txt", "sentences.zh-Hant.txt"};
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_clean_unchanged),
    cmocka_unit_test(test_idempotent),
    cmocka_unit_test(test_no_repair_keeps_every_byte),
    cmocka_unit_test(test_unclaimed_unchanged_and_valid),
    cmocka_unit_test(test_chunks_and_lines),
    cmocka_unit_test(test_unclaimed_bytes_in_order),
    cmocka_unit_test(test_clean_line_ends_nul_bom),
    cmocka_unit_test(test_invalid_bytes),
    cmocka_unit_test(test_long_lines_in_windows),
  };
  char path[4096], line[4096];
  size_t f;
  int rc;

  for (f = 0; f < 2; f++) {
    FILE *in;
    snprintf(path, sizeof path, "%s/tests/data/%s", src ? src : ".", files[f]);
    if (!(in = fopen(path, "r"))) {
      fprintf(stderr, "test_properties: cannot open %s\n", path);
      return 1;
    }
    while (fgets(line, sizeof line, in) && nsentences < MAX_SENT) {
      line[strcspn(line, "\n")] = '\0';
      if (*line)
        sentences[nsentences++] = strdup(line);
    }
    fclose(in);
  }
  rc = cmocka_run_group_tests(tests, NULL, NULL);
  for (f = 0; f < nsentences; f++)
    free(sentences[f]);
  return rc;
}
