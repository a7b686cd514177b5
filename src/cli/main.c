/* zhfix: the command-line filter. A thin layer over libzhfix: options, files,
 * standard input and output, messages on standard error, exit statuses. */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "zhfix.h"
#include "io.h"

/* Exit statuses (documented in --help and the README). */
enum exit_status {
  EXIT_OK = 0,          /* success */
  EXIT_DAMAGE = 1,      /* reserved: damage found with --check */
  EXIT_USAGE = 2,       /* bad option or argument */
  EXIT_IO = 3,          /* a file could not be read, or output could not be written */
  EXIT_CONVERT = 4,     /* OpenCC config missing, or conversion failed */
  EXIT_WRITE = 100      /* internal: a write to standard output failed (exits as EXIT_IO) */
};

static const char *progname = "zhfix";

static void usage(FILE *f)
{
  fprintf(f,
    "Usage: %s [OPTION]... [FILE]...\n"
    "Repair damaged Chinese text (ruby residue, GB18030 byte-shift damage, mojibake,\n"
    "lines not in UTF-8), then optionally convert it between Simplified and Traditional.\n"
    "With no FILE, or when FILE is -, read standard input. Output goes to standard output.\n"
    "\n"
    "  -t, --to=TARGET   after repair, convert: simplified or s (OpenCC t2s), traditional\n"
    "                    or t (s2t), tw (s2tw), twp (s2twp), hk (s2hk), auto (the\n"
    "                    document's dominant script), or any OpenCC config name or path\n"
    "  -R, --no-repair   convert only (with --to); alone, copy the input unchanged\n"
    "                    (input in another encoding comes out decoded to UTF-8)\n"
    "      --engine=E    conversion engine: fast (the default; OpenCC's output exactly,\n"
    "                    for the configs whose dictionaries it has built in, else\n"
    "                    libopencc with a notice) or opencc (libopencc always)\n"
    "  -o, --output=FILE write to FILE (a temporary file renamed over it on success)\n"
    "  -i, --in-place[=SUFFIX]  rewrite each FILE (through a temporary file renamed\n"
    "                    over it on success); with SUFFIX, keep the original as FILE+SUFFIX\n"
    "  -j, --jobs=N      process in N threads, by blocks of whole lines (not with\n"
    "                    --explain, --detect, --check, --report, --punct, --to=auto\n"
    "                    or UTF-16 input)\n"
    "      --explain     on standard error, one line per repair (conversion is not listed):\n"
    "                    FILE:LINE:COLUMN: KIND: BEFORE -> AFTER (COLUMN counts code points;\n"
    "                    FILE is (standard input) for standard input)\n"
    "      --from=ENC    the input's encoding (an iconv name: GB18030, BIG5, UTF-16LE, ...);\n"
    "                    default: detected from the first 64 KiB of each file\n"
    "      --detect      write no text; one summary line per file:\n"
    "                    FILE: ENCODING, SCRIPT (mixed N%%), COUNT FINDINGS, ...\n"
    "      --check       write no text; exit 1 if any file has damage (repaired or not)\n"
    "      --report=json JSON Lines on standard error: one object per finding (repaired or\n"
    "                    reported) and one summary object per file\n"
    "      --report-file=F  write the JSON report to F instead\n"
    "      --output-encoding=ENC  write the text in ENC (an iconv name; default UTF-8);\n"
    "                    a character ENC cannot hold is an error (exit 4) naming its\n"
    "                    line and column, unless --unencodable says otherwise\n"
    "      --unencodable=error|replace|escape  such a character: an error, '?', or\n"
    "                    a character reference &#xHHHH; (which zhfix reads back)\n"
    "      --progress    bytes done, rate and time left on standard error (the default\n"
    "                    for a file of 64 MB or more when standard error is a terminal)\n"
    "      --no-progress never show progress\n"
    "      --punct[=REGION]  Chinese typography: halfwidth , : ; ? ! ( ) touching Han\n"
    "                    made fullwidth; quotation marks of REGION: mainland (“”),\n"
    "                    taiwan or hongkong (「」); default from --to (none: marks only)\n"
    "      --space       with --punct: a space between Han and Latin letters or digits\n"
    "      --converter=C what converted Traditional text before (for the repair of\n"
    "                    a converter's wrong choices, 被髮明 for 被發明): auto (read from\n"
    "                    each file, the default), character (a character-only converter:\n"
    "                    its first choices 發 制 了 are suspects), other (a person or a\n"
    "                    phrase converter: only what a phrase of OpenCC explains)\n"
    "  -h, --help        display this help and exit\n"
    "  -V, --version     output version information and exit\n"
    "\n"
    "Exit status: 0 success (with --check: no damage), 1 damage found (--check),\n"
    "2 usage error, 3 input or output error, 4 OpenCC config or conversion error,\n"
    "or a character the output encoding cannot hold.\n", progname);
}

#define MAX_JOBS 64
#define BLOCK (4u << 20) /* bytes a worker takes at a time, cut at a line end */
#define PROGRESS_MIN (64u << 20) /* a regular file this large shows progress on a terminal */

/* The run's options and its per-file state. */
struct run {
  int explain, detect, check, json;
  const char *from;             /* --from, or NULL to detect */
  FILE *report;                 /* --report destination (standard error by default) */
  const char *file;             /* the file being processed, as shown in messages */
  const char *encoding;         /* its input encoding, as detected or given */
  unsigned long kinds_n[16];    /* findings per kind (see count_kind) */
  const char *kinds[16];
  size_t nkinds;
  int damaged;                  /* some file had a finding */
  int jobs;                     /* --jobs: worker threads for plain processing */
  unsigned flags;               /* zhfix_open flags, for the workers' handles */
  const char *target;           /* --to, for the workers' handles */
  zhfix_punct punct;            /* --punct, for the workers' handles */
  int space;                    /* --space */
  const char *engine;           /* --engine, or NULL for the default */
  zhfix_converter converter;    /* --converter (UNKNOWN: read from each document) */
  zhfix_ctx *workers[MAX_JOBS]; /* the workers' handles, opened on first use */
  int damaged_file;             /* this file had a finding */
  int binary_file;              /* this file was binary: copied unchanged (copy_binary) */
  int progress;                 /* --progress 1, --no-progress 0, else -1 (by the input) */
};

static void count_kind(struct run *r, const char *kind)
{
  size_t i;
  for (i = 0; i < r->nkinds && strcmp(r->kinds[i], kind) != 0; i++)
    ;
  if (i == r->nkinds) {
    if (r->nkinds == sizeof r->kinds / sizeof *r->kinds)
      return;
    r->kinds[r->nkinds] = kind;
    r->kinds_n[r->nkinds++] = 0;
  }
  r->kinds_n[i]++;
}

/* Is s[0, len) valid UTF-8? (A finding on a line that was not UTF-8 shows raw bytes.) */
static int valid_utf8(const char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > len)
      return 0;
    while (--n)
      if (((unsigned char)s[++i] & 0xC0) != 0x80)
        return 0;
    i++;
  }
  return 1;
}

static void json_text(json_object *o, const char *key, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  char *h;
  size_t i;

  if (valid_utf8(s, len)) {
    json_object_object_add(o, key, json_object_new_string_len(s, (int)len));
    return;
  }
  /* Not UTF-8: null, and the bytes in hexadecimal beside it. */
  json_object_object_add(o, key, NULL);
  h = malloc(2 * len + 1);
  if (!h)
    return;
  for (i = 0; i < len; i++) {
    h[2 * i] = hex[(unsigned char)s[i] >> 4];
    h[2 * i + 1] = hex[(unsigned char)s[i] & 15];
  }
  h[2 * len] = '\0';
  {
    char k[32];
    snprintf(k, sizeof k, "%s_hex", key);
    json_object_object_add(o, k, json_object_new_string(h));
  }
  free(h);
}

static void print_json(struct run *r, json_object *o)
{
  fprintf(r->report, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
}

static void on_finding(void *user, const zhfix_change *ch)
{
  struct run *r = user;

  count_kind(r, ch->kind);
  r->damaged = r->damaged_file = 1;
  if (r->explain && !ch->reported)
    fprintf(stderr, "%s:%llu:%llu: %s: %.*s -> %.*s\n", r->file, (unsigned long long)ch->line,
            (unsigned long long)ch->column, ch->kind, (int)ch->before_len, ch->before,
            (int)ch->after_len, ch->after);
  if (r->json) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string("finding"));
    json_object_object_add(o, "file", json_object_new_string(r->file));
    json_object_object_add(o, "line", json_object_new_int64((int64_t)ch->line));
    json_object_object_add(o, "column", json_object_new_int64((int64_t)ch->column));
    json_object_object_add(o, "byte_offset", json_object_new_int64((int64_t)ch->byte_offset));
    json_object_object_add(o, "kind", json_object_new_string(ch->kind));
    json_text(o, "before", ch->before, ch->before_len);
    json_text(o, "after", ch->after, ch->after_len);
    json_object_object_add(o, "action", json_object_new_string(ch->reported ? "reported"
                                                                             : "repaired"));
    json_object_object_add(o, "margin", json_object_new_double(ch->margin));
    print_json(r, o);
  }
}

/* The document's script: the script-specific characters decide, and a share of
 * mixed lines is shown. */
static const char *doc_script(const zhfix_stats *s, double *mixed_share)
{
  uint64_t han_lines = s->lines_by_script[ZHFIX_SCRIPT_SIMPLIFIED] +
                       s->lines_by_script[ZHFIX_SCRIPT_TRADITIONAL] +
                       s->lines_by_script[ZHFIX_SCRIPT_MIXED];
  *mixed_share = han_lines ? 100.0 * (double)s->lines_by_script[ZHFIX_SCRIPT_MIXED] /
                             (double)han_lines : 0;
  if (han_lines == 0)
    return zhfix_script_name(ZHFIX_SCRIPT_NONE);
  if (s->simplified_only != s->traditional_only)
    return zhfix_script_name(s->simplified_only > s->traditional_only ? ZHFIX_SCRIPT_SIMPLIFIED
                                                                      : ZHFIX_SCRIPT_TRADITIONAL);
  return zhfix_script_name(s->lines_by_script[ZHFIX_SCRIPT_SIMPLIFIED] >=
                                   s->lines_by_script[ZHFIX_SCRIPT_TRADITIONAL]
                               ? ZHFIX_SCRIPT_SIMPLIFIED
                               : ZHFIX_SCRIPT_TRADITIONAL);
}

/* Plural label of a finding kind for the --detect line. */
static const char *kind_label(const char *kind)
{
  static const char *const labels[][2] = {
    {"ruby", "ruby residues"}, {"byte-shift", "byte-shift runs"}, {"mojibake", "mojibake runs"},
    {"mojibake-lossy", "lossy mojibake runs"}, {"replacement-character", "U+FFFD runs"},
    {"private-use", "private-use runs"}, {"halfwidth-punctuation", "halfwidth punctuation marks"},
    {"mixed-script", "mixed-script lines"}, {"question-mark-loss", "question-mark runs"},
    {"decode-gb18030", "GB18030 lines decoded"}, {"decode-big5", "Big5 lines decoded"},
    {"truncated-utf8", "lines with cut UTF-8"}, {"gbk-0x5c-mangled", "GBK lines with 0x5C mangled"},
    {"utf16-newline", "UTF-16 newline-translated segments"}, {"fffd-as-gbk", "锟斤拷 runs"},
    {"memory-fill", "memory-fill runs"}, {"html-entity", "character references"},
    {"rfc2047", "RFC 2047 encoded words"}, {"invalid-bytes", "runs of invalid bytes"},
    {"misconversion", "converter errors"}, {"punctuation", "punctuation marks made Chinese"},
    {"spacing", "spaces added"},
  };
  size_t i;
  for (i = 0; i < sizeof labels / sizeof *labels; i++)
    if (strcmp(kind, labels[i][0]) == 0)
      return labels[i][1];
  return kind;
}

static void summary(struct run *r, zhfix_ctx *ctx)
{
  zhfix_stats s;
  double mixed;
  const char *script;
  size_t i;

  zhfix_get_stats(ctx, &s);
  script = doc_script(&s, &mixed);
  if (r->detect) {
    printf("%s: %s, %s", r->file, r->encoding, script);
    if (mixed > 0)
      printf(" (mixed %.1f%%)", mixed);
    for (i = 0; i < r->nkinds; i++)
      if (strcmp(r->kinds[i], "legacy-encoding") != 0) /* the encoding is shown first */
        printf(", %lu %s", r->kinds_n[i], kind_label(r->kinds[i]));
    if (!r->damaged_file)
      printf(", clean");
    printf("\n");
  }
  if (r->json) {
    json_object *o = json_object_new_object(), *k = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string("summary"));
    json_object_object_add(o, "file", json_object_new_string(r->file));
    json_object_object_add(o, "encoding", json_object_new_string(r->encoding));
    json_object_object_add(o, "script", json_object_new_string(script));
    json_object_object_add(o, "mixed_lines_percent", json_object_new_double(mixed));
    json_object_object_add(o, "lines", json_object_new_int64((int64_t)s.lines));
    json_object_object_add(o, "han", json_object_new_int64((int64_t)s.han));
    json_object_object_add(o, "simplified_only", json_object_new_int64((int64_t)s.simplified_only));
    json_object_object_add(o, "traditional_only",
                           json_object_new_int64((int64_t)s.traditional_only));
    json_object_object_add(o, "repaired", json_object_new_int64((int64_t)s.repaired));
    json_object_object_add(o, "reported", json_object_new_int64((int64_t)s.reported));
    for (i = 0; i < r->nkinds; i++)
      json_object_object_add(k, r->kinds[i], json_object_new_int64((int64_t)r->kinds_n[i]));
    json_object_object_add(o, "findings", k);
    print_json(r, o);
  }
}

static int write_errno; /* errno of the first failed write to standard output */

static FILE *output; /* standard output, or the temporary file of -o */
static struct outenc outenc; /* --output-encoding */
static int write_status = EXIT_IO; /* how a failed write exits: EXIT_CONVERT if unencodable */
static struct progress prog; /* --progress */

static int write_stdout(void *user, const char *buf, size_t len)
{
  int rc = outenc_write(&outenc, output, buf, len);
  (void)user;
  if (rc == 0)
    return 0;
  if (rc == -2)
    write_status = EXIT_CONVERT;
  else
    write_errno = errno;
  return -1;
}

/* The message for a failed write_stdout. */
static void write_error(const struct run *r)
{
  if (write_status == EXIT_CONVERT)
    fprintf(stderr, "%s: %s:%llu:%llu: U+%04X cannot be encoded in %s\n", progname, r->file,
            (unsigned long long)outenc.bad_line, (unsigned long long)outenc.bad_col,
            (unsigned)outenc.bad_cp, outenc.name);
  else
    fprintf(stderr, "%s: write error: %s\n", progname, strerror(write_errno));
}

/* --detect and --check write no text. */
static int write_none(void *user, const char *buf, size_t len)
{
  (void)user;
  (void)buf;
  (void)len;
  return 0;
}

/* Read up to sizeof buf bytes, or to the end of the input (a short read is not
 * the end). */
static size_t fill(FILE *in, char *buf, size_t size)
{
  size_t n = 0, k;
  while (n < size && (k = fread(buf + n, 1, size - n, in)) > 0)
    n += k;
  progress_add(&prog, n);
  return n;
}

/* --jobs: a block of whole lines and what a worker made of it. */
struct job {
  zhfix_ctx *ctx;
  const char *in;
  size_t len;
  int open; /* leave the document open: no zhfix_finish() */
  struct outbuf {
    char *data;
    size_t len, cap;
  } out;
  zhfix_status st;
};

static int to_outbuf(void *user, const char *buf, size_t len)
{
  struct outbuf *o = user;
  if (len > o->cap - o->len) {
    size_t cap = o->cap ? o->cap : BLOCK;
    char *d;
    while (cap - o->len < len)
      cap *= 2;
    if (!(d = realloc(o->data, cap)))
      return -1;
    o->data = d;
    o->cap = cap;
  }
  memcpy(o->data + o->len, buf, len);
  o->len += len;
  return 0;
}

static void *work(void *arg)
{
  struct job *j = arg;
  j->out.len = 0;
  j->st = zhfix_feed(j->ctx, j->in, j->len, to_outbuf, &j->out);
  if (j->open && j->st == ZHFIX_OK)
    return NULL;
  if (j->st == ZHFIX_OK)
    j->st = zhfix_finish(j->ctx, to_outbuf, &j->out);
  else
    zhfix_finish(j->ctx, to_outbuf, &j->out);
  return NULL;
}

/* The input not yet given to a worker: bytes read ahead (carry) and the file. */
struct ahead {
  FILE *in;
  char *carry;
  size_t ncarry;
  int eof;
};

/* Take the next block of at most BLOCK bytes into b: the carry first, then
 * the file. Returns its length, or (size_t)-1 on a read error (after a message). */
static size_t next_block(struct ahead *a, char *b, const struct run *r)
{
  size_t len = a->ncarry < BLOCK ? a->ncarry : BLOCK;
  memcpy(b, a->carry, len);
  memmove(a->carry, a->carry + len, a->ncarry - len);
  a->ncarry -= len;
  if (len < BLOCK && !a->eof) {
    len += fill(a->in, b + len, BLOCK - len);
    if (ferror(a->in)) {
      fprintf(stderr, "%s: %s: %s\n", progname, r->file, strerror(errno));
      return (size_t)-1;
    }
    a->eof = len < BLOCK;
  }
  return len;
}

/* Put p[0, n) back in front of the carry. Returns 0, or -1 out of memory. */
static int unread(struct ahead *a, const char *p, size_t n)
{
  char *c;
  if (n == 0)
    return 0;
  if (!(c = realloc(a->carry, a->ncarry + n + 1)))
    return -1;
  a->carry = c;
  memmove(a->carry + n, a->carry, a->ncarry);
  memcpy(a->carry, p, n);
  a->ncarry += n;
  return 0;
}

/* A block b[0, len) without a line end is the start of a line longer than a
 * block: the whole line goes through one handle, as without --jobs (zhfix
 * processes such a line in windows anyway), up to and with its line end; what
 * follows goes back to the carry. With open set the document stays open (no
 * zhfix_finish()). Returns an exit status. */
static int long_line(zhfix_ctx *ctx, struct ahead *a, char *b, size_t len, struct run *r,
                     int open)
{
  zhfix_status st = zhfix_feed(ctx, b, len, write_stdout, NULL);
  while (st == ZHFIX_OK) {
    const char *nl;
    len = next_block(a, b, r);
    if (len == (size_t)-1) {
      zhfix_finish(ctx, write_none, NULL);
      return EXIT_IO;
    }
    if (len == 0)
      break;
    if ((nl = memchr(b, '\n', len)) != NULL) {
      size_t n = (size_t)(nl + 1 - b);
      st = zhfix_feed(ctx, b, n, write_stdout, NULL);
      if (unread(a, b + n, len - n) != 0)
        st = ZHFIX_ERR_NOMEM;
      break;
    }
    st = zhfix_feed(ctx, b, len, write_stdout, NULL);
  }
  if (st == ZHFIX_OK && open)
    return EXIT_OK;
  if (st == ZHFIX_OK)
    st = zhfix_finish(ctx, write_stdout, NULL);
  else
    zhfix_finish(ctx, write_none, NULL);
  if (st == ZHFIX_ERR_OUTPUT) {
    write_error(r);
    return EXIT_WRITE;
  }
  if (st != ZHFIX_OK) {
    fprintf(stderr, "%s: %s: %s\n", progname, r->file, zhfix_strerror(st));
    return st == ZHFIX_ERR_CONVERT ? EXIT_CONVERT : EXIT_IO;
  }
  return EXIT_OK;
}

/* The first handle has an open document (jobs[0]): once it has decided what
 * converted the document, or the input is done, finish the document (into
 * jobs[0].out) and, if decided, give the decision to every handle. */
static void decide(struct job *jobs, int *decided, const struct ahead *a, const struct run *r)
{
  zhfix_converter c = zhfix_get_converter(jobs[0].ctx);
  int k;

  if (c == ZHFIX_CONVERTER_UNKNOWN && !(a->eof && a->ncarry == 0))
    return;
  jobs[0].st = zhfix_finish(jobs[0].ctx, to_outbuf, &jobs[0].out);
  if (c != ZHFIX_CONVERTER_UNKNOWN) {
    for (k = 0; k < r->jobs; k++)
      zhfix_set_converter(r->workers[k], c);
    *decided = 1;
  }
}

/* Process the rest of in (after first[0, nfirst)) in blocks of whole lines,
 * r->jobs at a time, each in a thread with a handle of its own, and write the
 * results in order. The output for a line depends only on that line once the
 * handle has decided what converted the document (zhfix_get_converter()), so
 * the blocks up to the decision go through the first handle alone, as one
 * document, and the decision is then given to every handle: this gives what
 * one handle gives. Returns an exit status. */
static int run_parallel(FILE *in, const char *first, size_t nfirst, const char *encoding,
                        struct run *r)
{
  struct job jobs[MAX_JOBS];
  struct ahead a = {in, NULL, 0, 0};
  char *data = NULL;
  size_t i;
  int k, rc = EXIT_OK, decided = r->converter != ZHFIX_CONVERTER_UNKNOWN;

  memset(jobs, 0, sizeof jobs);
  for (k = 0; k < r->jobs; k++) {
    zhfix_status st = ZHFIX_OK;
    if (!r->workers[k] && (st = zhfix_open(&r->workers[k], r->flags)) == ZHFIX_OK && r->engine)
      st = zhfix_set_engine(r->workers[k], r->engine);
    if (st == ZHFIX_OK && r->target && !zhfix_get_engine(r->workers[k], NULL))
      st = zhfix_set_target(r->workers[k], r->target);
    if (st == ZHFIX_OK)
      st = zhfix_set_input_encoding(r->workers[k], encoding);
    if (st == ZHFIX_OK)
      st = zhfix_set_punct(r->workers[k], r->punct, r->space);
    if (st == ZHFIX_OK)
      st = zhfix_set_converter(r->workers[k], r->converter);
    if (st != ZHFIX_OK) {
      fprintf(stderr, "%s: %s\n", progname, zhfix_strerror(st));
      return EXIT_IO;
    }
    jobs[k].ctx = r->workers[k];
  }
  if (!(data = malloc((size_t)r->jobs * (BLOCK + 1))) || !(a.carry = malloc(nfirst + 1))) {
    fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
    free(data);
    return EXIT_IO;
  }
  memcpy(a.carry, first, nfirst);
  a.ncarry = nfirst;
  while (rc == EXIT_OK && (!a.eof || a.ncarry)) {
    pthread_t tid[MAX_JOBS];
    int started = 0;
    char *long_start = NULL;
    size_t long_len = 0;
    /* Fill up to r->jobs blocks (one until the decision), each ending at a
     * line end (or the input's end). */
    for (k = 0; k < (decided ? r->jobs : 1) && (!a.eof || a.ncarry); k++) {
      char *b = data + (size_t)k * (BLOCK + 1), *nl;
      size_t len = next_block(&a, b, r), cut;
      if (len == (size_t)-1) {
        rc = EXIT_IO;
        break;
      }
      /* Keep the part after the last line end (LF, or a CR not last) for the
       * next block; a block with none starts a long line. */
      nl = len ? memrchr(b, '\n', len) : NULL;
      if (!nl && len > 1)
        nl = memrchr(b, '\r', len - 1);
      if (a.eof && a.ncarry == 0) {
        cut = len;
      } else if (!nl) {
        long_start = b;
        long_len = len;
        break;
      } else {
        cut = (size_t)(nl + 1 - b);
      }
      if (unread(&a, b + cut, len - cut) != 0) {
        rc = EXIT_IO;
        break;
      }
      jobs[k].in = b;
      jobs[k].len = cut;
      jobs[k].open = !decided;
      if (pthread_create(&tid[k], NULL, work, &jobs[k]) != 0) {
        work(&jobs[k]);
        tid[k] = 0;
      }
      started++;
    }
    for (k = 0; k < started; k++) {
      if (tid[k])
        pthread_join(tid[k], NULL);
      if (rc != EXIT_OK)
        continue;
      if (jobs[k].st == ZHFIX_OK && jobs[k].open)
        decide(jobs, &decided, &a, r);
      if (jobs[k].st != ZHFIX_OK) {
        fprintf(stderr, "%s: %s: %s\n", progname, r->file, zhfix_strerror(jobs[k].st));
        rc = jobs[k].st == ZHFIX_ERR_CONVERT ? EXIT_CONVERT : EXIT_IO;
      } else if (write_stdout(NULL, jobs[k].out.data, jobs[k].out.len) != 0) {
        write_error(r);
        rc = EXIT_WRITE;
      }
    }
    /* The workers are done: the first handle takes the long line. */
    if (rc == EXIT_OK && long_start) {
      memmove(data, long_start, long_len);
      rc = long_line(jobs[0].ctx, &a, data, long_len, r, !decided);
      if (rc == EXIT_OK && !decided) {
        jobs[0].out.len = 0;
        decide(jobs, &decided, &a, r);
        if (jobs[0].st != ZHFIX_OK)
          rc = EXIT_IO;
        else if (write_stdout(NULL, jobs[0].out.data, jobs[0].out.len) != 0) {
          write_error(r);
          rc = EXIT_WRITE;
        }
      }
    }
  }
  for (i = 0; i < (size_t)r->jobs; i++)
    free(jobs[i].out.data);
  free(data);
  free(a.carry);
  return rc;
}

/* Does b[0, n), the start of a file that is not UTF-16 or UTF-32, look like
 * a binary file rather than text: 4 NUL bytes or more, 1% of it or more, or 8
 * C0 controls other than \t \n \v \f \r, ESC and SUB or more, 5% of it or
 * more? (Text with a stray NUL or a few controls is still text.) */
static int looks_binary(const char *b, size_t n)
{
  size_t nul = 0, ctl = 0, i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)b[i];
    nul += c == 0;
    ctl += (c < 0x20 && !(c >= '\t' && c <= '\r') && c != 0x1B && c != 0x1A) || c == 0x7F;
  }
  return (nul >= 4 && nul * 100 >= n) || (ctl >= 8 && ctl * 20 >= n);
}

/* A binary file goes to the output as it is, bytes unchanged (no decoding,
 * no --output-encoding), with a notice; --detect says "binary", --check
 * finds nothing. buf[0, n) is what was read of in. Returns an exit status. */
static int copy_binary(FILE *in, char *buf, size_t size, size_t n, struct run *r)
{
  r->binary_file = 1;
  if (r->detect)
    printf("%s: binary\n", r->file);
  if (r->detect || r->check)
    return EXIT_OK;
  fprintf(stderr, "%s: %s: a binary file (NUL or control bytes): not changed\n", progname,
          r->file);
  do {
    if (n && fwrite(buf, 1, n, output) != n) {
      write_errno = errno;
      write_error(r);
      return EXIT_WRITE;
    }
  } while ((n = fread(buf, 1, size, in)) > 0 && (progress_add(&prog, n), 1));
  if (ferror(in)) {
    fprintf(stderr, "%s: %s: %s\n", progname, r->file, strerror(errno));
    return EXIT_IO;
  }
  return EXIT_OK;
}

/* Run one input through the handle. Returns an exit status. */
static int run_file(zhfix_ctx *ctx, const char *name, struct run *r)
{
  static char buf[1 << 16];
  FILE *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
  zhfix_write_fn out = r->detect || r->check ? write_none : write_stdout;
  zhfix_status st = ZHFIX_OK;
  size_t n;
  int rc = EXIT_OK;

  if (!in) {
    fprintf(stderr, "%s: %s: %s\n", progname, name, strerror(errno));
    return EXIT_IO;
  }
  r->file = strcmp(name, "-") == 0 ? "(standard input)" : name;
  r->nkinds = 0;
  r->damaged_file = 0;
  r->binary_file = 0;
  outenc_begin(&outenc);
  {
    struct stat sb;
    int regular = fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode);
    prog.on = r->progress == 1 || (r->progress == -1 && regular && isatty(STDERR_FILENO) &&
                                   sb.st_size >= (off_t)PROGRESS_MIN);
    progress_begin(&prog, r->file, regular ? (uint64_t)sb.st_size : 0);
  }
  /* The input encoding: given, or guessed from the first block. */
  n = fill(in, buf, sizeof buf);
  if (ferror(in)) {
    fprintf(stderr, "%s: %s: %s\n", progname, r->file, strerror(errno));
    if (in != stdin)
      fclose(in);
    return EXIT_IO;
  }
  r->encoding = r->from;
  if (!r->from) {
    zhfix_encoding_guess g;
    if ((st = zhfix_detect_encoding(ctx, buf, n, &g)) != ZHFIX_OK) {
      fprintf(stderr, "%s: %s: %s\n", progname, r->file, zhfix_strerror(st));
      if (in != stdin)
        fclose(in);
      return EXIT_IO;
    }
    r->encoding = g.name;
    if (strncmp(g.name, "UTF-16", 6) != 0 && strncmp(g.name, "UTF-32", 6) != 0 &&
        looks_binary(buf, n)) {
      rc = copy_binary(in, buf, sizeof buf, n, r);
      progress_end(&prog);
      if (in != stdin)
        fclose(in);
      return rc;
    }
  }
  st = zhfix_set_input_encoding(ctx, strcmp(r->encoding, "unknown") ? r->encoding : NULL);
  if (st != ZHFIX_OK) {
    fprintf(stderr, "%s: %s: %s\n", progname, r->file, zhfix_errmsg(ctx));
    if (in != stdin)
      fclose(in);
    return EXIT_USAGE;
  }
  /* Text that is not UTF-8 needs converting: a finding of its own. */
  if (strcmp(r->encoding, "UTF-8") != 0 && strcmp(r->encoding, "ASCII") != 0 &&
      strcmp(r->encoding, "unknown") != 0 && n > 0) {
    zhfix_change ch;
    memset(&ch, 0, sizeof ch);
    ch.line = 1;
    ch.column = 1;
    ch.kind = "legacy-encoding";
    ch.before = ch.after = r->encoding;
    ch.before_len = ch.after_len = strlen(r->encoding);
    ch.reported = 1;
    on_finding(r, &ch);
  }
  /* --jobs: plain processing of text whose line ends are bytes of their own
   * (not UTF-16), in worker threads. Not with options whose output for a line
   * depends on other lines (--punct follows a sentence to the next line,
   * --to=auto decides for the whole document): one thread, same output. */
  if (r->jobs > 1 && !r->detect && !r->check && !r->json && !r->explain &&
      r->punct == ZHFIX_PUNCT_OFF && !(r->target && strcmp(r->target, "auto") == 0) &&
      strncmp(r->encoding, "UTF-16", 6) != 0) {
    rc = run_parallel(in, buf, n, strcmp(r->encoding, "unknown") ? r->encoding : NULL, r);
    progress_end(&prog);
    if (in != stdin)
      fclose(in);
    return rc;
  }
  if (n > 0)
    st = zhfix_feed(ctx, buf, n, out, NULL);
  while (st == ZHFIX_OK && (n = fread(buf, 1, sizeof buf, in)) > 0) {
    progress_add(&prog, n);
    st = zhfix_feed(ctx, buf, n, out, NULL);
  }
  if (st == ZHFIX_OK && ferror(in)) {
    fprintf(stderr, "%s: %s: %s\n", progname, name, strerror(errno));
    rc = EXIT_IO;
  }
  if (st == ZHFIX_OK)
    st = zhfix_finish(ctx, out, NULL);
  else
    zhfix_finish(ctx, out, NULL);
  progress_end(&prog);
  if (st == ZHFIX_ERR_OUTPUT) {
    write_error(r);
    rc = EXIT_WRITE;
  } else if (st != ZHFIX_OK) {
    const char *detail = zhfix_errmsg(ctx);
    fprintf(stderr, "%s: %s: %s%s%s\n", progname, r->file, zhfix_strerror(st),
            *detail ? ": " : "", detail);
    rc = st == ZHFIX_ERR_CONVERT ? EXIT_CONVERT : EXIT_IO;
  }
  if (rc == EXIT_OK)
    summary(r, ctx);
  if (in != stdin)
    fclose(in);
  return rc;
}

/* -o FILE: write into a temporary file beside FILE (same file system, so the
 * rename is atomic); *tmp receives its malloc'd name. NULL after a message. */
static FILE *open_output(const char *path, char **tmp)
{
  size_t len = strlen(path);
  mode_t mask;
  FILE *f;
  int fd;

  *tmp = malloc(len + 8);
  if (!*tmp) {
    fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
    return NULL;
  }
  snprintf(*tmp, len + 8, "%s.XXXXXX", path);
  fd = mkstemp(*tmp);
  if (fd < 0) {
    fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
    free(*tmp);
    *tmp = NULL;
    return NULL;
  }
  mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask); /* mkstemp makes 0600; a new file gets the usual mode */
  if (!(f = fdopen(fd, "wb"))) {
    fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
    close(fd);
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
  }
  return f;
}

/* Flush, sync and close the temporary file, then rename it over path. */
static int close_output(FILE *f, const char *tmp, const char *path)
{
  int ok = outenc_end(&outenc, f) == 0 && fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
  int err = errno;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    err = errno;
  }
  if (ok && rename(tmp, path) != 0) {
    ok = 0;
    err = errno;
  }
  if (!ok)
    fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(err));
  return ok;
}

/* The options that are not the run's own. */
struct options {
  const char *target, *report_file, *output;
  const char *punct;    /* --punct: NULL, "" (region from --to) or a region */
  int space;            /* --space */
  const char *in_place; /* -i: NULL, or the backup suffix ("" for none) */
  unsigned flags;
  const char *output_encoding; /* --output-encoding, or NULL for UTF-8 */
  enum unencodable unencodable;
};

enum { GO_ON = -1, SHOW_HELP = -2, SHOW_VERSION = -3 };
/* Long options without a short form (issue 5's I/O options). */
enum { OPT_OUTPUT_ENCODING = 0x150, OPT_UNENCODABLE, OPT_PROGRESS, OPT_NO_PROGRESS,
       OPT_CONVERTER };

/* The typography of --punct=NAME; for "", the region of the --to target. */
static zhfix_punct punct_region(const char *name, const char *target)
{
  static const struct {
    const char *name;
    zhfix_punct region;
  } names[] = {
    {"mainland", ZHFIX_PUNCT_MAINLAND}, {"taiwan", ZHFIX_PUNCT_TAIWAN},
    {"hongkong", ZHFIX_PUNCT_HONGKONG}, {"simplified", ZHFIX_PUNCT_MAINLAND},
    {"s", ZHFIX_PUNCT_MAINLAND}, {"tw", ZHFIX_PUNCT_TAIWAN}, {"twp", ZHFIX_PUNCT_TAIWAN},
    {"hk", ZHFIX_PUNCT_HONGKONG}, {"t2s", ZHFIX_PUNCT_MAINLAND}, {"tw2s", ZHFIX_PUNCT_MAINLAND},
    {"tw2sp", ZHFIX_PUNCT_MAINLAND}, {"hk2s", ZHFIX_PUNCT_MAINLAND},
    {"s2tw", ZHFIX_PUNCT_TAIWAN}, {"s2twp", ZHFIX_PUNCT_TAIWAN}, {"t2tw", ZHFIX_PUNCT_TAIWAN},
    {"s2hk", ZHFIX_PUNCT_HONGKONG}, {"t2hk", ZHFIX_PUNCT_HONGKONG},
  };
  size_t i, n;
  int from_target = !*name;
  if (from_target) {
    if (!target)
      return ZHFIX_PUNCT_FULLWIDTH;
    name = target;
  }
  n = strlen(name);
  if (n > 5 && strcmp(name + n - 5, ".json") == 0)
    n -= 5;
  for (i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen(names[i].name) == n && strncmp(name, names[i].name, n) == 0)
      return names[i].region;
  return from_target ? ZHFIX_PUNCT_FULLWIDTH : ZHFIX_PUNCT_OFF;
}

/* Parse argv into *o and *r. Returns GO_ON, SHOW_HELP, SHOW_VERSION, or an
 * exit status after printing a usage error. No other output, so that the
 * fuzzer can drive it (tests/fuzz/fuzz_cli.c). */
static int parse_options(int argc, char **argv, struct options *o, struct run *r)
{
  static const struct option longopts[] = {
    {"to", required_argument, NULL, 't'},
    {"no-repair", no_argument, NULL, 'R'},
    {"engine", required_argument, NULL, 'e'},
    {"explain", no_argument, NULL, 'E'},
    {"from", required_argument, NULL, 'f'},
    {"detect", no_argument, NULL, 'D'},
    {"check", no_argument, NULL, 'C'},
    {"report", required_argument, NULL, 'J'},
    {"report-file", required_argument, NULL, 'F'},
    {"output", required_argument, NULL, 'o'},
    {"jobs", required_argument, NULL, 'j'},
    {"in-place", optional_argument, NULL, 'i'},
    {"output-encoding", required_argument, NULL, OPT_OUTPUT_ENCODING},
    {"unencodable", required_argument, NULL, OPT_UNENCODABLE},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"converter", required_argument, NULL, OPT_CONVERTER},
    {"punct", optional_argument, NULL, 'P'},
    {"space", no_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
  };
  int opt;

  opterr = 0; /* our own messages: argv[0] may be a libtool wrapper's path */
  optind = 0; /* a full reset of getopt's state (glibc) */
  while ((opt = getopt_long(argc, argv, ":t:o:j:i::RhV", longopts, NULL)) != -1) {
    switch (opt) {
    case 't': o->target = optarg; break;
    case 'o': o->output = optarg; break;
    case 'i': o->in_place = optarg ? optarg : ""; break;
    case 'j': {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || j < 1 || j > MAX_JOBS) {
        fprintf(stderr, "%s: --jobs takes a number from 1 to %d\n", progname, MAX_JOBS);
        return EXIT_USAGE;
      }
      r->jobs = (int)j;
      break;
    }
    case 'R': o->flags |= ZHFIX_NO_REPAIR; break;
    case 'P':
      o->punct = optarg ? optarg : "";
      if (*o->punct && punct_region(o->punct, NULL) == ZHFIX_PUNCT_OFF) {
        fprintf(stderr, "%s: unknown --punct region '%s' (mainland, taiwan, hongkong)\n",
                progname, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'S': o->space = 1; break;
    case 'e':
      if (strcmp(optarg, "fast") != 0 && strcmp(optarg, "opencc") != 0) {
        fprintf(stderr, "%s: unknown engine '%s' (known: fast, opencc)\n", progname, optarg);
        return EXIT_USAGE;
      }
      r->engine = optarg;
      break;
    case 'E': r->explain = 1; break;
    case 'f': r->from = optarg; break;
    case 'D': r->detect = 1; break;
    case 'C': r->check = 1; break;
    case 'F': o->report_file = optarg; r->json = 1; break;
    case 'J':
      if (strcmp(optarg, "json") != 0) {
        fprintf(stderr, "%s: unknown report format '%s' (known: json)\n", progname, optarg);
        return EXIT_USAGE;
      }
      r->json = 1;
      break;
    case OPT_OUTPUT_ENCODING: o->output_encoding = optarg; break;
    case OPT_UNENCODABLE:
      if (strcmp(optarg, "error") == 0)
        o->unencodable = UNENC_ERROR;
      else if (strcmp(optarg, "replace") == 0)
        o->unencodable = UNENC_REPLACE;
      else if (strcmp(optarg, "escape") == 0)
        o->unencodable = UNENC_ESCAPE;
      else {
        fprintf(stderr, "%s: --unencodable takes error, replace or escape, not '%s'\n", progname,
                optarg);
        return EXIT_USAGE;
      }
      break;
    case OPT_PROGRESS: r->progress = 1; break;
    case OPT_NO_PROGRESS: r->progress = 0; break;
    case OPT_CONVERTER:
      if (strcmp(optarg, "auto") == 0)
        r->converter = ZHFIX_CONVERTER_UNKNOWN;
      else if (strcmp(optarg, "character") == 0)
        r->converter = ZHFIX_CONVERTER_CHARACTER;
      else if (strcmp(optarg, "other") == 0)
        r->converter = ZHFIX_CONVERTER_OTHER;
      else {
        fprintf(stderr, "%s: unknown --converter '%s' (auto, character, other)\n", progname,
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'h': return SHOW_HELP;
    case 'V': return SHOW_VERSION;
    case ':':
      fprintf(stderr, "%s: option '%s' requires an argument\n", progname, argv[optind - 1]);
      fprintf(stderr, "Try '%s --help' for more information.\n", progname);
      return EXIT_USAGE;
    default:
      if (optopt)
        fprintf(stderr, "%s: invalid option -- '%c'\n", progname, optopt);
      else
        fprintf(stderr, "%s: unrecognized option '%s'\n", progname, argv[optind - 1]);
      fprintf(stderr, "Try '%s --help' for more information.\n", progname);
      return EXIT_USAGE;
    }
  }
  return GO_ON;
}

#ifndef ZHFIX_NO_MAIN
int main(int argc, char **argv)
{
  struct options o = {.unencodable = UNENC_ERROR};
  const char *target, *report_file;
  char *tmp_name = NULL, *out_path = NULL; /* out_path: -o's link resolved (malloc'd) */
  unsigned flags;
  int rc = EXIT_OK, i;
  zhfix_ctx *ctx = NULL;
  zhfix_status st;
  struct run r;

  memset(&r, 0, sizeof r);
  r.report = stderr;
  r.progress = -1;
  setlocale(LC_ALL, "");
  switch ((i = parse_options(argc, argv, &o, &r))) {
  case GO_ON:
    break;
  case SHOW_HELP:
    usage(stdout);
    return fclose(stdout) == 0 ? EXIT_OK : EXIT_IO;
  case SHOW_VERSION:
    printf("zhfix %s\n", zhfix_version());
    return fclose(stdout) == 0 ? EXIT_OK : EXIT_IO;
  default:
    return i;
  }
  target = o.target;
  report_file = o.report_file;
  flags = o.flags;
  /* Only --detect and the JSON summary show the lines' scripts. */
  if (!r.detect && !r.json)
    flags |= ZHFIX_NO_SCRIPT_STATS;
  r.flags = flags;
  r.target = target;

  if (outenc_open(&outenc, o.output_encoding, o.unencodable) != 0) {
    fprintf(stderr, "%s: unknown output encoding '%s'\n", progname, o.output_encoding);
    return EXIT_USAGE;
  }
  st = zhfix_open(&ctx, flags);
  if (st != ZHFIX_OK) {
    fprintf(stderr, "%s: %s\n", progname, zhfix_strerror(st));
    return EXIT_IO;
  }
  if (r.engine && (st = zhfix_set_engine(ctx, r.engine)) != ZHFIX_OK) {
    fprintf(stderr, "%s: %s: %s\n", progname, zhfix_strerror(st), zhfix_errmsg(ctx));
    zhfix_close(&ctx);
    return EXIT_USAGE;
  }
  if (target && (st = zhfix_set_target(ctx, target)) != ZHFIX_OK) {
    fprintf(stderr, "%s: %s: %s\n", progname, zhfix_strerror(st), zhfix_errmsg(ctx));
    zhfix_close(&ctx);
    return st == ZHFIX_ERR_CONFIG ? EXIT_CONVERT : EXIT_USAGE;
  }
  if (target && !r.engine) {
    const char *why, *engine = zhfix_get_engine(ctx, &why);
    if (engine && strcmp(engine, "opencc") == 0)
      fprintf(stderr, "%s: notice: converting with libopencc: %s\n", progname, why);
  }
  if (report_file && !(r.report = fopen(report_file, "w"))) {
    fprintf(stderr, "%s: %s: %s\n", progname, report_file, strerror(errno));
    zhfix_close(&ctx);
    return EXIT_IO;
  }
  if (o.punct) {
    r.punct = punct_region(o.punct, target);
    r.space = o.space;
    zhfix_set_punct(ctx, r.punct, r.space);
  }
  zhfix_set_converter(ctx, r.converter);
  zhfix_set_change_cb(ctx, on_finding, &r);
  output = stdout;
  if (o.in_place) {
    int dash = 0;
    for (i = optind; i < argc; i++)
      dash |= strcmp(argv[i], "-") == 0;
    if (o.output || optind == argc || r.detect || r.check || dash) {
      fprintf(stderr, "%s: --in-place needs FILE arguments (not -), and no -o, --detect or "
              "--check\n", progname);
      zhfix_close(&ctx);
      return EXIT_USAGE;
    }
  }
  /* Options that would do nothing: said, not ignored. */
  if (o.output && (r.detect || r.check)) {
    fprintf(stderr, "%s: --detect and --check write no text: no -o\n", progname);
    zhfix_close(&ctx);
    return EXIT_USAGE;
  }
  if (o.space && !o.punct) {
    fprintf(stderr, "%s: --space works with --punct\n", progname);
    zhfix_close(&ctx);
    return EXIT_USAGE;
  }
  if (o.output) {
    struct stat sb;
    /* A device or a FIFO (-o /dev/null) is written to as it is: renaming a
     * temporary file over it would replace it. A symbolic link stays a link:
     * the file it points to is replaced (-o /dev/stdout, itself a link to
     * /proc/self/fd/1, is written through when that cannot be named). */
    if (lstat(o.output, &sb) == 0 && S_ISLNK(sb.st_mode)) {
      char *dest = realpath(o.output, NULL);
      if (dest && stat(dest, &sb) == 0 && S_ISREG(sb.st_mode))
        o.output = out_path = dest;
      else
        free(dest);
    }
    if (stat(o.output, &sb) == 0 && (!S_ISREG(sb.st_mode) || lstat(o.output, &sb) != 0 ||
                                     S_ISLNK(sb.st_mode))) {
      if (!(output = fopen(o.output, "wb")))
        fprintf(stderr, "%s: %s: %s\n", progname, o.output, strerror(errno));
    } else {
      output = open_output(o.output, &tmp_name);
    }
    if (!output) {
      zhfix_close(&ctx);
      return EXIT_IO;
    }
  }
  if (o.in_place) {
    /* Each file is rewritten through a temporary file beside it, renamed over
     * it only when that file went through whole; with SUFFIX, the original
     * stays under FILE+SUFFIX (a hard link made before the rename). */
    for (i = optind; i < argc && rc != EXIT_WRITE; i++) {
      struct stat sb;
      char *path = NULL;
      int x;
      if (stat(argv[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int err = errno;
        fprintf(stderr, "%s: %s: %s\n", progname, argv[i],
                stat(argv[i], &sb) != 0 ? strerror(err) : "not a regular file");
        rc = rc == EXIT_OK ? EXIT_IO : rc;
        continue;
      }
      /* A symbolic link stays a link: the file it points to is rewritten. */
      if (!(path = realpath(argv[i], NULL)) || !(output = open_output(path, &tmp_name))) {
        if (!path)
          fprintf(stderr, "%s: %s: %s\n", progname, argv[i], strerror(errno));
        free(path);
        rc = EXIT_IO;
        continue;
      }
      fchmod(fileno(output), sb.st_mode & 07777);
      x = run_file(ctx, argv[i], &r);
      if (x == EXIT_OK && r.binary_file) { /* left as it is: no rewrite, no backup */
        fclose(output);
        unlink(tmp_name);
        free(tmp_name);
        free(path);
        tmp_name = NULL;
        continue;
      }
      if (x == EXIT_OK && *o.in_place) {
        size_t bl = strlen(argv[i]) + strlen(o.in_place) + 1;
        char *backup = malloc(bl);
        if (!backup || (snprintf(backup, bl, "%s%s", argv[i], o.in_place),
                        (unlink(backup) != 0 && errno != ENOENT) || link(argv[i], backup) != 0)) {
          fprintf(stderr, "%s: %s%s: %s\n", progname, argv[i], o.in_place, strerror(errno));
          x = EXIT_IO;
        }
        free(backup);
      }
      if (x != EXIT_OK || !close_output(output, tmp_name, path)) {
        if (x != EXIT_OK)
          fclose(output);
        unlink(tmp_name);
        x = x == EXIT_OK ? EXIT_IO : x;
      }
      free(tmp_name);
      free(path);
      tmp_name = NULL;
      if (x != EXIT_OK && (rc == EXIT_OK || x == EXIT_WRITE))
        rc = x;
    }
    output = stdout;
  } else if (optind == argc) {
    rc = run_file(ctx, "-", &r);
  } else {
    /* Like cat: go on past a file that cannot be read, stop at a write error. */
    for (i = optind; i < argc && rc != EXIT_WRITE; i++) {
      int x = run_file(ctx, argv[i], &r);
      if (x != EXIT_OK && (rc == EXIT_OK || x == EXIT_WRITE))
        rc = x;
    }
  }
  zhfix_close(&ctx);
  for (i = 0; i < MAX_JOBS; i++)
    zhfix_close(&r.workers[i]);
  if (r.report != stderr && fclose(r.report) != 0) {
    fprintf(stderr, "%s: %s: %s\n", progname, report_file, strerror(errno));
    rc = EXIT_IO;
  }
  if (r.check && rc == EXIT_OK && r.damaged)
    rc = EXIT_DAMAGE;
  if (tmp_name) {
    /* -o: the file appears whole, or not at all. */
    if (rc != EXIT_OK || !close_output(output, tmp_name, o.output)) {
      if (rc == EXIT_OK)
        rc = EXIT_IO;
      else
        fclose(output);
      unlink(tmp_name);
      free(tmp_name);
      free(out_path);
      return rc == EXIT_WRITE ? write_status : rc;
    }
    free(tmp_name);
    free(out_path);
  } else if (rc != EXIT_WRITE && (outenc_end(&outenc, output) != 0 || fflush(output) != 0 ||
                                   ferror(output) || fclose(output) != 0)) {
    fprintf(stderr, "%s: write error: %s\n", progname, strerror(errno));
    return EXIT_IO;
  }
  /* --explain writes its report to standard error: losing it is an error too. */
  if (fflush(stderr) != 0 || ferror(stderr))
    return EXIT_IO;
  return rc == EXIT_WRITE ? write_status : rc;
}
#endif
