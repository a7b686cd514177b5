/* The quick path (quick.c) changes nothing: on generated lines, clean and
 * damaged in every way the stages look for, and on lines built to sit just
 * outside each of the scan's gates, the output, every finding (kind,
 * position, bytes, margin) and the statistics are the same with the quick path
 * on and off. Also: the scan's table of single-byte code page characters is
 * mojibake.c's, character by character, and clean lines do take the quick
 * path (so that the comparison is not vacuous). Fixed-seed generator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "xorshift.h"

#define ROUNDS 3000
#define MAX_SENT 600

static char *sentences[MAX_SENT];
static size_t nsentences;
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static struct zhfix__codecs codecs;

static uint32_t next_rand(void)
{
  return xorshift_next(&rng);
}

/* What a run reports: the output, then every finding, then the stats. */
static void record(void *user, const zhfix_change *ch)
{
  struct zhfix__buf *b = user;
  char head[160];
  int n = snprintf(head, sizeof head, "\n%s %llu:%llu@%llu %d %.6f [", ch->kind,
                   (unsigned long long)ch->line, (unsigned long long)ch->column,
                   (unsigned long long)ch->byte_offset, ch->reported, ch->margin);
  zhfix__buf_add(b, head, (size_t)n);
  zhfix__buf_add(b, ch->before, ch->before_len);
  zhfix__buf_add(b, "] [", 3);
  zhfix__buf_add(b, ch->after, ch->after_len);
  zhfix__buf_add(b, "]", 1);
}

static int sink(void *user, const char *buf, size_t len)
{
  return zhfix__buf_add(user, buf, len) ? 0 : 1;
}

static void run(const struct zhfix__buf *in, unsigned flags, bool quick, struct zhfix__buf *out)
{
  zhfix_ctx *ctx = NULL;
  struct zhfix__buf findings = {0};
  zhfix_stats st;

  out->len = 0;
  assert_int_equal(zhfix_open(&ctx, flags), ZHFIX_OK);
  ctx->no_quick = !quick;
  zhfix_set_change_cb(ctx, record, &findings);
  assert_int_equal(zhfix_feed(ctx, in->data, in->len, sink, out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, sink, out), ZHFIX_OK);
  zhfix_get_stats(ctx, &st);
  zhfix_close(&ctx);
  zhfix__buf_add(out, findings.data, findings.len);
  zhfix__buf_add(out, &st, sizeof st);
  zhfix__buf_free(&findings);
}

/* Pieces the stages react to, or that sit next to what they react to. */
static const char *const pieces[] = {
  "\xc2\xa0", "\xc2\xa0\xc2\xa0", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x98", "\xe2\x80\x94",
  "\xe2\x80\xa6", "\xc2\xb7", "\xe2\x80\xa7", "\xe2\x94\x80", "\xe2\x94\x82\xe2\x94\x9c",
  "\xe2\x86\x92", "\xc3\xa9", "\xc3\xa4\xc2\xb8\xc2\xad", "\xc3\x96\xc3\x90", "\xe3\x83\xbb",
  "\xe3\x81\x82", "\xea\xb0\x80", "(", ")", "\xef\xbc\x88", "\xef\xbc\x89", "(y\xc3\xa8)",
  "(xing2)", "(hang)", "(HEAD)", "(1)", "\xef\xbc\x88zh\xc3\xb2ng\xef\xbc\x89",
  "\xe3\x84\x8a\xe3\x84\x9e\xcb\x8a", "\xcb\x99", "?", "??", "???", ",", ";", ":", "!",
  "a", "Z", "@", "\\", "x)", "?de)", "&#x7CFB;", "&#33274;", "&amp;", "=?gb2312?B?1tA=?=",
  "=?", "\xef\xbf\xbd", "\xee\x80\x80", "\xe9\x94\x9f\xe6\x96\xa4\xe6\x8b\xb7",
  "\xe7\x83\xab\xe7\x83\xab\xe7\x83\xab\xe7\x83\xab", "\xe7\x83\xab", "\xe5\xb1\xaf\xe5\xb1\xaf",
  "\xe4\xb8\x8a", "\xe4\xb8\x8a\xe4\xb9\x8a", "\xe4\xb8\x8d", "\xe5\x88\xa0", "\xe8\xb9\xa7",
  "\xf0\xa0\x80\x80", "\xf0\x9f\x98\x80", "\t", " ", "0", "\xe3\x80\x80", "\xef\xbc\x8c",
  "\xd0\x96", "\xce\xb1", "\xc2\xa9\xc2\xae", "\xe2\x82\xac", "\xc5\x93",
  "\xe9\x8d\x99\xe5\x82\x9b\xe6\x9a\x9f", /* 参数 in UTF-8 read as GBK */
  "\xe7\x92\x81\xe5\x89\xa7\xe7\x96\x86", /* 设置 */
  "\xe6\x8b\x9c\xe8\x82\x88", /* 問題 in Big5 read as GBK */
  /* GBK read as cp1252, ending in a three-byte character of bytes 80-9F
   * (考槃: ¿¼˜„; 鎮: ±…) */
  "\xc2\xbf\xc2\xbc\xcb\x9c\xe2\x80\x9e", "\xc2\xb1\xc2\xb1\xc2\xb1\xe2\x80\xa6",
};

/* Append s[0, len) to b with some of its characters read through code page
 * `as` from their bytes in code page `from` (the stages' own damage). */
static void add_misread(struct zhfix__buf *b, const char *s, size_t len, enum zhfix__codec from,
                        enum zhfix__codec as)
{
  uint32_t cp[4096], out[8192];
  struct zhfix__buf bytes = {0};
  size_t n = 0, i = 0, l, m;

  while (i < len && n < 4096 && (l = zhfix__utf8_decode(s + i, s + len, &cp[n])) > 0) {
    i += l;
    n++;
  }
  if (as == ZHFIX__CP1252 && zhfix__encode(&codecs, from, cp, n, &bytes)) {
    /* read sloppily, as the stage does: a byte cp1252 leaves undefined is
     * the code point of its number */
    for (i = 0; i < bytes.len; i++) {
      uint32_t c = (unsigned char)bytes.data[i];
      if (zhfix__decode(&codecs, ZHFIX__CP1252, bytes.data + i, 1, &c, 1) != 1)
        c = (unsigned char)bytes.data[i];
      zhfix__buf_add_cp(b, c);
    }
  } else if (zhfix__encode(&codecs, from, cp, n, &bytes) &&
             (m = zhfix__decode(&codecs, as, bytes.data, bytes.len, out, 8192)) != (size_t)-1) {
    for (i = 0; i < m; i++)
      zhfix__buf_add_cp(b, out[i]);
  } else {
    zhfix__buf_add(b, s, len);
  }
  zhfix__buf_free(&bytes);
}

/* Byte offset of a character boundary in s near a random place. */
static size_t boundary(const char *s, size_t len)
{
  size_t at = len ? next_rand() % (len + 1) : 0;
  while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
    at++;
  return at;
}

/* One generated document of a few lines. */
static void generate(struct zhfix__buf *b)
{
  static const enum zhfix__codec pairs[][2] = {
    {ZHFIX__UTF8, ZHFIX__CP1252}, {ZHFIX__UTF8, ZHFIX__GB18030}, {ZHFIX__GB18030, ZHFIX__CP1252},
    {ZHFIX__GB18030, ZHFIX__BIG5}, {ZHFIX__BIG5, ZHFIX__GB18030}, {ZHFIX__UTF8, ZHFIX__CP1251},
    {ZHFIX__UTF8, ZHFIX__CP437}, {ZHFIX__UTF8, ZHFIX__MACROMAN}, {ZHFIX__GB18030, ZHFIX__SJIS},
  };
  size_t lines = 1 + next_rand() % 4, k;

  b->len = 0;
  for (k = 0; k < lines; k++) {
    const char *s = sentences[next_rand() % nsentences];
    size_t len = strlen(s), at, to, j, edits = next_rand() % 4;
    struct zhfix__buf line = {0};

    switch (next_rand() % 6) {
    case 0: /* a piece of the sentence misread */
      at = boundary(s, len);
      to = at + boundary(s + at, len - at);
      j = next_rand() % (sizeof pairs / sizeof *pairs);
      zhfix__buf_add(&line, s, at);
      add_misread(&line, s + at, to - at, pairs[j][0], pairs[j][1]);
      zhfix__buf_add(&line, s + to, len - to);
      break;
    case 1: /* UTF-16 whose 0D bytes became 0A: U+xx0D read as U+xx0A */
      for (at = 0; at < len;) {
        uint32_t c;
        size_t l = zhfix__utf8_decode(s + at, s + len, &c);
        if (l == 0)
          break;
        zhfix__buf_add_cp(&line, (c & 0xFF) == 0x0D && c >= 0x3000 ? c - 3 : c);
        at += l;
      }
      break;
    case 2: /* ASCII around it */
      zhfix__buf_add(&line, "see ls(1) and ", 14);
      zhfix__buf_add(&line, s, len);
      break;
    default:
      zhfix__buf_add(&line, s, len);
    }
    /* Pieces put in at character boundaries. */
    for (j = 0; j < edits; j++) {
      const char *p = pieces[next_rand() % (sizeof pieces / sizeof *pieces)];
      struct zhfix__buf t = {0};
      at = boundary(line.data, line.len);
      zhfix__buf_add(&t, line.data, at);
      zhfix__buf_add(&t, p, strlen(p));
      zhfix__buf_add(&t, line.data + at, line.len - at);
      zhfix__buf_free(&line);
      line = t;
    }
    zhfix__buf_add(b, line.data, line.len);
    zhfix__buf_add(b, "\n", next_rand() % 8 ? 1 : 0);
    zhfix__buf_free(&line);
  }
}

static void compare(const struct zhfix__buf *in, unsigned flags, int round)
{
  struct zhfix__buf slow = {0}, quick = {0};
  run(in, flags, false, &slow);
  run(in, flags, true, &quick);
  if (slow.len != quick.len || memcmp(slow.data, quick.data, slow.len) != 0)
    fail_msg("quick path differs on round %d (flags %u): %.*s", round, flags, (int)in->len,
             in->data);
  zhfix__buf_free(&slow);
  zhfix__buf_free(&quick);
}

/* Add the first n characters of s, again from its start when it ends. */
static void fill(struct zhfix__buf *b, const char *s, size_t n)
{
  const char *p = s;
  while (n--) {
    size_t l = 1;
    if (!*p)
      p = s;
    while ((p[l] & 0xC0) == 0x80)
      l++;
    zhfix__buf_add(b, p, l);
    p += l;
  }
}

static void test_same_with_and_without(void **state)
{
  struct zhfix__buf in = {0};
  int round;
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    generate(&in);
    compare(&in, round % 10 ? 0 : ZHFIX_NO_REPAIR, round);
  }
  zhfix__buf_free(&in);
}

/* Every sentence with each piece after each of its first characters. */
static void test_pieces_everywhere(void **state)
{
  struct zhfix__buf in = {0};
  size_t i, p, at;
  int round = 0;
  (void)state;
  for (i = 0; i < nsentences; i += 7)
    for (p = 0; p < sizeof pieces / sizeof *pieces; p++) {
      const char *s = sentences[i];
      size_t len = strlen(s);
      for (at = 0; at <= len && at < 30; at++) {
        if (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
          continue;
        in.len = 0;
        zhfix__buf_add(&in, s, at);
        zhfix__buf_add(&in, pieces[p], strlen(pieces[p]));
        zhfix__buf_add(&in, s + at, len - at);
        zhfix__buf_add(&in, "\n", 1);
        compare(&in, round % 3 ? 0 : ZHFIX_NO_REPAIR, round);
        round++;
      }
    }
  zhfix__buf_free(&in);
}

/* The scan's fast paths at every alignment: each piece after 0 to 40
 * characters of a fill (plain ASCII, read 16 bytes at a time up to the
 * line's last 16; Han, read two sequences at once; both mixed), the line
 * ending at the piece or one or two fill characters after it. The fills
 * hold specials, letters after Han, quotes between Han, U+xx0D, members and
 * rare characters, and so meet every piece at each offset modulo 16 and at
 * each place in a pair of sequences. */
static void test_alignments(void **state)
{
  static const char *const fills[] = {
    "ab cd 12 ef-gh. ij/kl_mn ", "  int x = y + 1; ", "a&b c,d (e) f:g ",
    "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6\xe6\xb8\xac\xe8\xa9\xa6\xe4\xb8\x8d\xe4\xba\x86",
    "\xe8\xaa\xaa\xe6\x98\x8e\xe3\x80\x8c\xe6\x96\x87\xe4\xbb\xb6\xe3\x80\x8d\xe5\x85\xa7\xe5\xae\xb9",
    "\xe4\xb8\xad a\xe6\x96\x87 1\xe5\xad\x97\xe2\x80\x9c\xe7\xac\xa6\xe2\x80\x9d\xe6\xb8\xac,",
    "\xe9\x82\xbe\xe8\x8e\x92\xe4\xb8\x8a\xe4\xb8\x8b\xe5\x90\x8e\xe5\xb9\xb2\xe9\x87\x8c\xe3\x80\x82",
  };
  static const char *const more[] = {
    "\xe0\x80\x80", "\xed\xa0\x80", "\xe4\xb8", "\xc2", "&#", "\xe2\x80\x9c\x61", "a\xe2\x80\x9d",
    "\xe2\x80\x9c\xe4\xb8\xad\xe2\x80\x9d", "\xc3\xa4\xe4\xb8\xad", "\xc2\x80", "\xc3\xa9\xc2\xa0",
  };
  struct zhfix__buf in = {0};
  size_t f, p, at, after, np = sizeof pieces / sizeof *pieces;
  int round = 0;
  (void)state;
  for (f = 0; f < sizeof fills / sizeof *fills; f++)
    for (p = 0; p < np + sizeof more / sizeof *more; p++) {
      const char *piece = p < np ? pieces[p] : more[p - np];
      in.len = 0;
      for (at = 0; at <= 40; at++)
        for (after = 0; after < 3; after++) {
          fill(&in, fills[f], at);
          zhfix__buf_add(&in, piece, strlen(piece));
          fill(&in, fills[f], after);
          zhfix__buf_add(&in, "\n", 1);
        }
      compare(&in, round % 4 ? 0 : ZHFIX_NO_REPAIR, round);
      round++;
    }
  zhfix__buf_free(&in);
}

/* The golden inputs (real damage of every kind), whole and line by line. */
static void test_golden(void **state)
{
  static const char *const files[] = {"article.txt", "clean.txt", "pronunciation.txt",
                                      "ruby-learner.txt"};
  const char *src = getenv("ZHFIX_SRCDIR");
  struct zhfix__buf in = {0}, one = {0};
  char path[4096];
  size_t f, i, start;
  int round = 0;
  (void)state;
  for (f = 0; f < sizeof files / sizeof *files; f++) {
    FILE *fp;
    char buf[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/tests/golden/input/%s", src ? src : ".", files[f]);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    in.len = 0;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
      zhfix__buf_add(&in, buf, n);
    fclose(fp);
    compare(&in, 0, round++);
    for (i = 0, start = 0; i < in.len; i++)
      if (in.data[i] == '\n') {
        one.len = 0;
        zhfix__buf_add(&one, in.data + start, i + 1 - start);
        compare(&one, 0, round++);
        start = i + 1;
      }
  }
  zhfix__buf_free(&in);
  zhfix__buf_free(&one);
}

/* misconv.c's filter (may_change()) and the scan's gate for the stage change
 * nothing: each sentence with each member of a set of alternatives replaced
 * by each other member (a converter's wrong choice), in repair mode and with
 * a target, gives the same output, findings and statistics with the filter
 * and the quick path on as with both off. */
static void run_target(const struct zhfix__buf *in, const char *target, bool quick,
                       struct zhfix__buf *out)
{
  zhfix_ctx *ctx = NULL;
  struct zhfix__buf findings = {0};
  zhfix_stats st;

  out->len = 0;
  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  if (target)
    assert_int_equal(zhfix_set_target(ctx, target), ZHFIX_OK);
  ctx->no_quick = !quick;
  zhfix_set_change_cb(ctx, record, &findings);
  assert_int_equal(zhfix_feed(ctx, in->data, in->len, sink, out), ZHFIX_OK);
  assert_int_equal(zhfix_finish(ctx, sink, out), ZHFIX_OK);
  zhfix_get_stats(ctx, &st);
  zhfix_close(&ctx);
  zhfix__buf_add(out, findings.data, findings.len);
  zhfix__buf_add(out, &st, sizeof st);
  zhfix__buf_free(&findings);
}

static void test_misconv_filter(void **state)
{
  static const char *const targets[] = {NULL, "s", "t"};
  const struct zhfix__misconv_table *m = &zhfix__misconv;
  struct zhfix__buf in = {0}, a = {0}, b = {0};
  size_t i, lines = 0, differ = 0;
  (void)state;
  for (i = 0; i < nsentences; i++) {
    const char *s = sentences[i];
    size_t len = strlen(s), at, l;
    uint32_t c;
    const char *other = sentences[(i + nsentences / 2) % nsentences];
    in.len = 0;
    zhfix__buf_add(&in, s, len);
    zhfix__buf_add(&in, "\n", 1);
    /* (and the sentence with one of the other script: a line of mixed script) */
    zhfix__buf_add(&in, s, len);
    zhfix__buf_add(&in, other, strlen(other));
    zhfix__buf_add(&in, "\n", 1);
    for (at = 0; at < len && (l = zhfix__utf8_decode(s + at, s + len, &c)) > 0; at += l) {
      int side;
      for (side = 0; side < 2; side++) {
        long k = zhfix__find_u32(m->cp[side], m->n[side], c);
        size_t j;
        if (k < 0)
          continue;
        /* (the member alone: a line whose script only the model tells) */
        zhfix__buf_add_cp(&in, c);
        zhfix__buf_add(&in, "\n", 1);
        for (j = m->first[side][k]; j < m->first[side][k + 1]; j++) {
          zhfix__buf_add(&in, s, at);
          zhfix__buf_add_cp(&in, m->alt[side][j]);
          zhfix__buf_add(&in, s + at + l, len - at - l);
          zhfix__buf_add(&in, "\n", 1);
          lines++;
        }
      }
    }
    {
      size_t t, j;
      for (t = 0; t < sizeof targets / sizeof *targets; t++) {
        zhfix__misconv_no_filter = false;
        run_target(&in, targets[t], true, &a);
        zhfix__misconv_no_filter = true;
        run_target(&in, targets[t], false, &b);
        zhfix__misconv_no_filter = false;
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
          fail_msg("filter changes the output (target %s): %.*s", targets[t] ? targets[t] : "-",
                   (int)in.len, in.data);
        for (j = 0; j + 13 <= a.len && memcmp(a.data + j, "misconversion", 13) != 0; j++)
          ;
        differ += j + 13 <= a.len;
      }
    }
  }
  printf("# %zu lines with a member replaced; %zu documents with a misconversion repaired\n",
         lines, differ);
  assert_true(lines > 1000);
  assert_true(differ > 50);
  zhfix__buf_free(&in);
  zhfix__buf_free(&a);
  zhfix__buf_free(&b);
}

static size_t edits;

static void count_edit(zhfix_ctx *ctx, const struct zhfix__edit *e)
{
  (void)ctx;
  (void)e;
  edits++;
}

/* Edits of the mis-conversion stage on line[0, len) read as `script`: as it
 * runs (filtered), or unfiltered (choose() weighs every member). */
static size_t stage_edits(zhfix_ctx *ctx, const char *line, size_t len, int script,
                          bool unfiltered)
{
  struct zhfix__text t = {0};
  size_t i = 0, l;
  uint32_t c;

  assert_true(zhfix__text_reserve(&t, len));
  while (i < len && (l = zhfix__utf8_decode(line + i, line + len, &c)) > 0) {
    t.src[t.n] = (uint32_t)t.n;
    t.cp[t.n++] = c;
    i += l;
  }
  edits = 0;
  zhfix__misconv_no_filter = unfiltered;
  assert_true(zhfix__misconv_repair_as(ctx, &t, count_edit, script));
  zhfix__misconv_no_filter = false;
  zhfix__text_free(&t);
  return edits;
}

/* zhfix__misconv_trial_at() finds a change exactly where the stage makes
 * one: on the sentences with each member of a set replaced by each other
 * member (and with a doubled form put in), as Simplified, Traditional and
 * mixed text, in repair mode, with a conversion target and after a phrase
 * converter (ZHFIX_CONVERTER_OTHER); it declines a tie of scripts and a
 * document a character-only converter wrote. */
static void test_misconv_trial(void **state)
{
  const struct zhfix__misconv_table *m = &zhfix__misconv;
  static const int scripts[] = {ZHFIX_SCRIPT_SIMPLIFIED, ZHFIX_SCRIPT_TRADITIONAL,
                                ZHFIX_SCRIPT_MIXED};
  zhfix_ctx *ctx[3] = {NULL, NULL, NULL};
  struct zhfix__buf line = {0};
  struct zhfix__quick q;
  size_t i, tried = 0, changed = 0, doubled = 0;
  (void)state;

  assert_int_equal(zhfix_open(&ctx[0], 0), ZHFIX_OK);
  assert_int_equal(zhfix_open(&ctx[1], 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_target(ctx[1], "t"), ZHFIX_OK);
  assert_int_equal(zhfix_open(&ctx[2], 0), ZHFIX_OK);
  ctx[2]->converter = ZHFIX_CONVERTER_OTHER;
  for (i = 0; i < nsentences; i++) {
    const char *s = sentences[i];
    size_t len = strlen(s), at, l, j, k, x, y;
    uint32_t c;
    for (at = 0; at <= len; at += l ? l : 1) {
      int side;
      l = at < len ? zhfix__utf8_decode(s + at, s + len, &c) : 0;
      for (side = 0; side < 2; side++) {
        long f = l ? zhfix__find_u32(m->cp[side], m->n[side], c) : -1;
        size_t first = f < 0 ? 0 : m->first[side][f], last = f < 0 ? 0 : m->first[side][f + 1];
        if (at == len && side == 0) /* the line as it is, and with a doubled form */
          first = 0, last = 1 + m->ndoubling;
        for (j = first; j < last; j++) {
          line.len = 0;
          if (at < len) {
            zhfix__buf_add(&line, s, at);
            zhfix__buf_add_cp(&line, m->alt[side][j]);
            zhfix__buf_add(&line, s + at + l, len - at - l);
          } else if (j == 0) {
            zhfix__buf_add(&line, s, len);
          } else { /* (after the first few characters) */
            for (k = 0; k < len && k < 12; k += zhfix__utf8_decode(s + k, s + len, &c))
              ;
            zhfix__buf_add(&line, s, k);
            zhfix__buf_add(&line, m->doubling[2 * (j - 1)], strlen(m->doubling[2 * (j - 1)]));
            zhfix__buf_add(&line, s + k, len - k);
            doubled++;
          }
          if (zhfix__quick_scan(line.data, line.len, &q) == ZHFIX__STAGE_FULL ||
              q.nmembers > ZHFIX__QUICK_MEMBERS)
            continue;
          for (x = 0; x < 3; x++)
            for (y = 0; y < sizeof scripts / sizeof *scripts; y++) {
              size_t n = stage_edits(ctx[x], line.data, line.len, scripts[y], false);
              edits = 0;
              if (!zhfix__misconv_trial_at(ctx[x], line.data, line.len, q.member_at, q.nmembers,
                                           scripts[y], count_edit))
                fail_msg("declined: %.*s", (int)line.len, line.data);
              if ((edits > 0) != (n > 0))
                fail_msg("trial %zu, stage %zu edits as %d: %.*s", edits, n, scripts[y],
                         (int)line.len, line.data);
              assert_true(edits <= 1);
              tried++;
              changed += n > 0;
            }
          edits = 0;
          assert_false(zhfix__misconv_trial_at(ctx[0], line.data, line.len, q.member_at,
                                               q.nmembers, ZHFIX_SCRIPT_TIE, count_edit));
        }
      }
      if (at == len)
        break;
    }
  }
  /* A document a character-only converter wrote: the stage classifies again. */
  ctx[2]->converter = ZHFIX_CONVERTER_CHARACTER;
  assert_int_not_equal(zhfix__quick_scan(sentences[0], strlen(sentences[0]), &q),
                       ZHFIX__STAGE_FULL);
  assert_false(zhfix__misconv_trial_at(ctx[2], sentences[0], strlen(sentences[0]), q.member_at,
                                       q.nmembers, ZHFIX_SCRIPT_TRADITIONAL, count_edit));
  printf("# %zu trials, %zu of them with an edit; %zu lines with a doubled form\n", tried, changed,
         doubled);
  assert_true(tried > 10000 && changed > 100 && doubled > 10);
  for (i = 0; i < 3; i++)
    zhfix_close(&ctx[i]);
  zhfix__buf_free(&line);
}

/* zhfix__misconv_quiet() says a line is left alone only when the stage,
 * unfiltered, leaves it alone as Simplified and as Traditional text, with and
 * without a conversion target: on the sentences, each with every member of a
 * set replaced by each other member, and on the doubled forms. */
static void test_misconv_quiet(void **state)
{
  const struct zhfix__misconv_table *m = &zhfix__misconv;
  const unsigned both = ZHFIX__MISCONV_SIMP | ZHFIX__MISCONV_TRAD;
  zhfix_ctx *repair = NULL, *convert = NULL;
  struct zhfix__buf line = {0};
  struct zhfix__quick q;
  size_t i, quiet = 0, loud = 0, changed = 0, at_checked = 0;
  (void)state;

  assert_int_equal(zhfix_open(&repair, 0), ZHFIX_OK);
  assert_int_equal(zhfix_open(&convert, 0), ZHFIX_OK);
  assert_int_equal(zhfix_set_target(convert, "t"), ZHFIX_OK);
  for (i = 0; i < nsentences + m->ndoubling; i++) {
    const char *s = i < nsentences ? sentences[i] : m->doubling[2 * (i - nsentences)];
    size_t len = strlen(s), at, l, j, v;
    uint32_t c;
    for (at = 0, v = 0; at <= len; at += l ? l : 1, v++) {
      int side;
      l = at < len ? zhfix__utf8_decode(s + at, s + len, &c) : 0;
      for (side = 0; side < 2; side++) {
        long k = l ? zhfix__find_u32(m->cp[side], m->n[side], c) : -1;
        size_t first = k < 0 ? 0 : m->first[side][k], last = k < 0 ? 0 : m->first[side][k + 1];
        if (at == len && side == 0) /* the line as it is */
          first = 0, last = 1;
        for (j = first; j < last; j++) {
          size_t n;
          line.len = 0;
          if (at == len) {
            zhfix__buf_add(&line, s, len);
          } else {
            zhfix__buf_add(&line, s, at);
            zhfix__buf_add_cp(&line, m->alt[side][j]);
            zhfix__buf_add(&line, s + at + l, len - at - l);
          }
          n = stage_edits(repair, line.data, line.len, ZHFIX_SCRIPT_SIMPLIFIED, true) +
              stage_edits(repair, line.data, line.len, ZHFIX_SCRIPT_TRADITIONAL, true) +
              stage_edits(convert, line.data, line.len, ZHFIX_SCRIPT_SIMPLIFIED, true) +
              stage_edits(convert, line.data, line.len, ZHFIX_SCRIPT_TRADITIONAL, true);
          changed += n > 0;
          /* (the same from the members' offsets the scan records) */
          if (zhfix__quick_scan(line.data, line.len, &q) != ZHFIX__STAGE_FULL &&
              q.nmembers <= ZHFIX__QUICK_MEMBERS) {
            at_checked++;
            assert_int_equal(zhfix__misconv_quiet_at(line.data, line.len, q.member_at, q.nmembers, both),
                             zhfix__misconv_quiet(line.data, line.len, both));
          }
          if (!zhfix__misconv_quiet(line.data, line.len, both)) {
            loud++;
            continue;
          }
          quiet++;
          if (n)
            fail_msg("quiet, but the stage edits it: %.*s", (int)line.len, line.data);
        }
      }
      if (at == len)
        break;
    }
  }
  printf("# %zu lines quiet, %zu not (%zu of them edited); %zu also from the scan's offsets\n",
         quiet, loud, changed, at_checked);
  assert_true(quiet > 100 && changed > 100 && at_checked > 1000);
  zhfix_close(&repair);
  zhfix_close(&convert);
  zhfix__buf_free(&line);
}

/* Clean sentences take the quick path (most of them). */
static void test_clean_is_quick(void **state)
{
  size_t i, quick = 0, misconv = 0;
  (void)state;
  /* Clean text needs no repair stage; misconv.c looks at most Chinese lines
   * (its sets hold 了, 后, 干 ...). */
  for (i = 0; i < nsentences; i++) {
    struct zhfix__quick q;
    unsigned need = zhfix__quick_scan(sentences[i], strlen(sentences[i]), &q);
    quick += need == 0;
    misconv += need == ZHFIX__STAGE_MISCONV;
  }
  printf("# %zu of %zu clean sentences quick, %zu more need only the mis-conversion stage\n",
         quick, nsentences, misconv);
  assert_true((quick + misconv) * 10 >= nsentences * 9);
}

/* Load the UTF-8 line s into t as code points. */
static void load_text(struct zhfix__text *t, const char *s)
{
  size_t len = strlen(s), i = 0, l;
  uint32_t c;
  t->n = 0;
  assert_true(zhfix__text_reserve(t, len));
  while (i < len && (l = zhfix__utf8_decode(s + i, s + len, &c)) > 0) {
    t->src[t->n] = (uint32_t)t->n;
    t->cp[t->n++] = c;
    i += l;
  }
}

/* Lines whose only doubt is a span the mojibake stage reads as GB18030 or
 * Big5 (no-break spaces between Han): the scan says so (ZHFIX__STAGE_CJK),
 * and zhfix__mojibake_cjk_quiet() tells clean text from mojibake. */
static void test_cjk_spans(void **state)
{
  static const struct {
    const char *line;
    int quiet;
  } cases[] = {
    {"参见第\xc2\xa0" "9.6.3\xc2\xa0节“使用 UUID 访问分区”。", 1},
    {"參見第\xc2\xa0" "9.6.3\xc2\xa0節「使用 UUID 存取分割區」。", 1},
    {"非常\xc2\xa0\xc2\xa0重要的文件", 1},
    /* 参数设置 (UTF-8 read as GBK) with a no-break space between */
    {"\xe9\x8d\x99\xe5\x82\x9b\xe6\x9a\x9f\xc2\xa0\xe7\x92\x81\xe5\x89\xa7\xe7\x96\x86", 0},
  };
  zhfix_ctx *ctx = NULL;
  struct zhfix__text t = {0};
  size_t i;
  (void)state;

  assert_int_equal(zhfix_open(&ctx, 0), ZHFIX_OK);
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct zhfix__quick q;
    unsigned need = zhfix__quick_scan(cases[i].line, strlen(cases[i].line), &q);
    if ((need & ~ZHFIX__STAGE_MISCONV) != ZHFIX__STAGE_CJK)
      fail_msg("%s: stages %u", cases[i].line, need);
    load_text(&t, cases[i].line);
    assert_int_equal(zhfix__mojibake_cjk_quiet(ctx, &t), cases[i].quiet);
  }
  zhfix__text_free(&t);
  zhfix_close(&ctx);
}

/* What zhfix__mojibake_cjk_quiet() reads GB18030 and Big5 bytes from: a
 * string encodes to its characters' bytes one after another, or not at all
 * when one of them has none, as ICU's converters do it whole. On the
 * sentences' characters, no-break spaces, ASCII and random BMP characters. */
static void test_cjk_bytes(void **state)
{
  static const enum zhfix__codec pages[] = {ZHFIX__GB18030, ZHFIX__BIG5};
  struct zhfix__buf whole = {0}, one = {0}, joined = {0};
  uint32_t cp[8];
  size_t r, n, k, p, failed = 0;
  (void)state;

  for (r = 0; r < 20000; r++) {
    const char *s = sentences[next_rand() % nsentences];
    n = 1 + next_rand() % 8;
    for (k = 0; k < n; k++) {
      uint32_t c, pick = next_rand() % 4;
      size_t len = strlen(s), at = len ? next_rand() % len : 0;
      while (at > 0 && (s[at] & 0xC0) == 0x80)
        at--;
      if (pick == 0 || !len || !zhfix__utf8_decode(s + at, s + len, &c))
        c = 0x80 + next_rand() % (0x10000 - 0x80);
      else if (pick == 1)
        c = next_rand() % 2 ? 0xA0 : 0x20 + next_rand() % 0x5F;
      if (c >= 0xD800 && c <= 0xDFFF)
        c = 0x3000;
      cp[k] = c;
    }
    for (p = 0; p < 2; p++) {
      bool ok = true, all = zhfix__encode(&codecs, pages[p], cp, n, &whole);
      joined.len = 0;
      for (k = 0; k < n && ok; k++)
        if ((ok = zhfix__encode(&codecs, pages[p], cp + k, 1, &one)))
          zhfix__buf_add(&joined, one.data, one.len);
      assert_int_equal(all, ok);
      failed += !ok;
      if (ok) {
        assert_int_equal(whole.len, joined.len);
        assert_memory_equal(whole.data, joined.data, whole.len);
      }
    }
  }
  printf("# 40000 strings, %zu with a character the code page lacks\n", failed);
  assert_true(failed > 1000 && failed < 39000);
  zhfix__buf_free(&whole);
  zhfix__buf_free(&one);
  zhfix__buf_free(&joined);
}

/* A "(1)" after a command's name is no annotation: the byte-shift stage is
 * not asked about the run after it; "(ye4)" is one. */
static void test_digit_annotation(void **state)
{
  static const char *const digits[] = {
    "xmessage(1)：在一個視窗中顯示一條訊息或疑問（X）",
    "見ls(1)的說明X。",
  };
  static const char *const pinyin[] = {
    "xmessage(ye4)：在一個視窗中顯示一條訊息或疑問（X）",
    "見ls(yè)的說明X。",
  };
  struct zhfix__quick q;
  size_t i;
  (void)state;

  for (i = 0; i < sizeof digits / sizeof *digits; i++) {
    unsigned need = zhfix__quick_scan(digits[i], strlen(digits[i]), &q);
    if (need == ZHFIX__STAGE_FULL || (need & ZHFIX__STAGE_SHIFT))
      fail_msg("%s: stages %u", digits[i], need);
    need = zhfix__quick_scan(pinyin[i], strlen(pinyin[i]), &q);
    if (need == ZHFIX__STAGE_FULL || !(need & ZHFIX__STAGE_SHIFT))
      fail_msg("%s: stages %u", pinyin[i], need);
  }
}

/* The scan's table knows every character mojibake.c's spans take. */
static void test_pages_table(void **state)
{
  static const enum zhfix__codec pages[] = {ZHFIX__CP1252, ZHFIX__CP1251, ZHFIX__CP1250,
                                            ZHFIX__MACROMAN, ZHFIX__CP437};
  uint32_t c;
  size_t k;
  (void)state;
  for (c = 0x80; c < 0x10000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    for (k = 0; k < sizeof pages / sizeof *pages; k++)
      if (((zhfix__quick_pages(c) >> k) & 1) != zhfix__mojibake_span_char(pages[k], c))
        fail_msg("U+%04X page %zu", (unsigned)c, k);
  }
}

/* The scan's table asks each module only where its answer can be yes
 * (quick.c table_build()): those bounds hold, on the whole BMP. chars.c's
 * Han characters are in U+2E80-U+9FFF and U+F900-U+FAFF and are neither
 * private use nor zhuyin, its private use in U+E000-U+F8FF, its zhuyin in
 * U+3100-U+31BF; mojibake.c has no latin lead from U+2E80 to U+FAFF;
 * misconv.c's members are its table's sets (by side) and the first
 * characters of its doubled forms; every Han character lm.c's unigram tables
 * do not list is rare alike. */
static void test_table_sources(void **state)
{
  static const struct zhfix__lm_table *const models[2] = {&zhfix__lm_simp, &zhfix__lm_trad};
  static uint8_t listed[0x10000 / 8], member[3][0x10000 / 8];
  static const unsigned kinds[3] = {ZHFIX__MISCONV_TRAD, ZHFIX__MISCONV_SIMP,
                                    ZHFIX__MISCONV_DOUBLING};
  const struct zhfix__misconv_table *mc = &zhfix__misconv;
  int unlisted = -1;
  uint32_t c;
  size_t i, k;
  (void)state;
  for (i = 0; i < 2; i++)
    for (k = 0; k < models[i]->nuni; k++)
      if (models[i]->uni_cp[k] < 0x10000)
        listed[models[i]->uni_cp[k] >> 3] |= (uint8_t)(1u << (models[i]->uni_cp[k] & 7));
  for (i = 0; i < 2; i++)
    for (k = 0; k < mc->n[i]; k++)
      if (mc->cp[i][k] < 0x10000)
        member[i][mc->cp[i][k] >> 3] |= (uint8_t)(1u << (mc->cp[i][k] & 7));
  for (k = 0; k < mc->ndoubling; k++) {
    const char *bad = mc->doubling[2 * k];
    assert_true(zhfix__utf8_decode(bad, bad + strlen(bad), &c) > 0);
    if (c < 0x10000)
      member[2][c >> 3] |= (uint8_t)(1u << (c & 7));
  }
  for (c = 0x80; c < 0x10000; c++) {
    unsigned m = 0;
    bool han;
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    han = zhfix__is_han(c);
    if (han && !((c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)))
      fail_msg("U+%04X: Han", (unsigned)c);
    if (zhfix__is_pua(c) && (han || c < 0xE000 || c > 0xF8FF))
      fail_msg("U+%04X: private use", (unsigned)c);
    if (zhfix__is_bopomofo(c) && (han || c < 0x3100 || c > 0x31BF))
      fail_msg("U+%04X: zhuyin", (unsigned)c);
    if (c >= 0x2E80 && c < 0xFB00 && zhfix__mojibake_latin_lead(c))
      fail_msg("U+%04X: latin lead", (unsigned)c);
    for (i = 0; i < 3; i++)
      if (member[i][c >> 3] >> (c & 7) & 1)
        m |= kinds[i];
    if (zhfix__misconv_member_of(c) != m)
      fail_msg("U+%04X: member", (unsigned)c);
    if (han && !(listed[c >> 3] >> (c & 7) & 1)) {
      if (unlisted < 0)
        unlisted = zhfix__lm_is_rare(c);
      if (zhfix__lm_is_rare(c) != unlisted)
        fail_msg("U+%04X: rare", (unsigned)c);
    }
  }
  assert_true(unlisted >= 0); /* (some Han characters are not listed) */
}

int main(void)
{
  const char *src = getenv("ZHFIX_SRCDIR");
  static const char *const files[] = {"sentences.zh-Hans.txt", "sentences.zh-Hant.txt"};
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pages_table),
    cmocka_unit_test(test_table_sources),
    cmocka_unit_test(test_clean_is_quick),
    cmocka_unit_test(test_cjk_spans),
    cmocka_unit_test(test_cjk_bytes),
    cmocka_unit_test(test_digit_annotation),
    cmocka_unit_test(test_alignments),
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_misconv_filter),
    cmocka_unit_test(test_misconv_quiet),
    cmocka_unit_test(test_misconv_trial),
    cmocka_unit_test(test_pieces_everywhere),
    cmocka_unit_test(test_same_with_and_without),
  };
  char path[4096], line[4096];
  size_t f;
  int rc;

  for (f = 0; f < 2; f++) {
    FILE *in;
    snprintf(path, sizeof path, "%s/tests/data/%s", src ? src : ".", files[f]);
    if (!(in = fopen(path, "r"))) {
      fprintf(stderr, "test_quick: cannot open %s\n", path);
      return 1;
    }
    while (fgets(line, sizeof line, in) && nsentences < MAX_SENT) {
      line[strcspn(line, "\n")] = '\0';
      if (*line)
        sentences[nsentences++] = strdup(line);
    }
    fclose(in);
  }
  if (!zhfix__codecs_open(&codecs))
    return 1;
  rc = cmocka_run_group_tests(tests, NULL, NULL);
  zhfix__codecs_close(&codecs);
  free(codecs.u);
  for (f = 0; f < nsentences; f++)
    free(sentences[f]);
  return rc;
}
