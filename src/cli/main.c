/* zhfix: the command-line filter. A thin layer over libzhfix: options, files,
 * standard input and output, messages on standard error, exit statuses. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhfix.h"

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
    "Repair damaged Chinese text (pinyin ruby residue, GB18030 byte-shift damage),\n"
    "then optionally convert it between Simplified and Traditional Chinese.\n"
    "With no FILE, or when FILE is -, read standard input. Output goes to standard output.\n"
    "\n"
    "  -t, --to=TARGET   after repair, convert: simplified (OpenCC t2s), traditional (s2t),\n"
    "                    tw (s2tw), twp (s2twp), hk (s2hk), or any OpenCC config name or path\n"
    "  -R, --no-repair   convert only (with --to); alone, copy the input unchanged\n"
    "      --explain     on standard error, one line per repair (conversion is not listed):\n"
    "                    FILE:LINE:COLUMN: KIND: BEFORE -> AFTER (COLUMN counts code points;\n"
    "                    FILE is (standard input) for standard input)\n"
    "  -h, --help        display this help and exit\n"
    "  -V, --version     output version information and exit\n"
    "\n"
    "Exit status: 0 success, 2 usage error, 3 input or output error,\n"
    "4 OpenCC config or conversion error.\n", progname);
}

struct explain {
  const char *file;
};

static void explain_change(void *user, const zhfix_change *ch)
{
  const struct explain *ex = user;
  fprintf(stderr, "%s:%llu:%llu: %s: %.*s -> %.*s\n", ex->file, (unsigned long long)ch->line,
          (unsigned long long)ch->column, ch->kind, (int)ch->before_len, ch->before,
          (int)ch->after_len, ch->after);
}

static int write_errno; /* errno of the first failed write to standard output */

static int write_stdout(void *user, const char *buf, size_t len)
{
  (void)user;
  if (fwrite(buf, 1, len, stdout) == len)
    return 0;
  write_errno = errno;
  return -1;
}

/* Run one input through the handle. Returns an exit status. */
static int run_file(zhfix_ctx *ctx, const char *name, struct explain *ex)
{
  static char buf[1 << 16];
  FILE *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
  zhfix_status st = ZHFIX_OK;
  size_t n;
  int rc = EXIT_OK;

  if (!in) {
    fprintf(stderr, "%s: %s: %s\n", progname, name, strerror(errno));
    return EXIT_IO;
  }
  ex->file = strcmp(name, "-") == 0 ? "(standard input)" : name;
  while (st == ZHFIX_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
    st = zhfix_feed(ctx, buf, n, write_stdout, NULL);
  if (st == ZHFIX_OK && ferror(in)) {
    fprintf(stderr, "%s: %s: %s\n", progname, name, strerror(errno));
    rc = EXIT_IO;
  }
  if (st == ZHFIX_OK)
    st = zhfix_finish(ctx, write_stdout, NULL);
  else
    zhfix_finish(ctx, write_stdout, NULL);
  if (st == ZHFIX_ERR_OUTPUT) {
    fprintf(stderr, "%s: write error: %s\n", progname, strerror(write_errno));
    rc = EXIT_WRITE;
  } else if (st != ZHFIX_OK) {
    const char *detail = zhfix_errmsg(ctx);
    fprintf(stderr, "%s: %s: %s%s%s\n", progname, ex->file, zhfix_strerror(st),
            *detail ? ": " : "", detail);
    rc = st == ZHFIX_ERR_CONVERT ? EXIT_CONVERT : EXIT_IO;
  }
  if (in != stdin)
    fclose(in);
  return rc;
}

int main(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"to", required_argument, NULL, 't'},
    {"no-repair", no_argument, NULL, 'R'},
    {"explain", no_argument, NULL, 'E'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
  };
  const char *target = NULL;
  unsigned flags = 0;
  int explain = 0, opt, rc = EXIT_OK, i;
  zhfix_ctx *ctx = NULL;
  zhfix_status st;
  struct explain ex = {"-"};

  setlocale(LC_ALL, "");
  opterr = 0; /* our own messages: argv[0] may be a libtool wrapper's path */
  while ((opt = getopt_long(argc, argv, ":t:RhV", longopts, NULL)) != -1) {
    switch (opt) {
    case 't': target = optarg; break;
    case 'R': flags |= ZHFIX_NO_REPAIR; break;
    case 'E': explain = 1; break;
    case 'h': usage(stdout); return fclose(stdout) == 0 ? EXIT_OK : EXIT_IO;
    case 'V':
      printf("zhfix %s\n", zhfix_version());
      return fclose(stdout) == 0 ? EXIT_OK : EXIT_IO;
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

  st = zhfix_open(&ctx, flags);
  if (st != ZHFIX_OK) {
    fprintf(stderr, "%s: %s\n", progname, zhfix_strerror(st));
    return EXIT_IO;
  }
  if (target && (st = zhfix_set_target(ctx, target)) != ZHFIX_OK) {
    fprintf(stderr, "%s: %s: %s\n", progname, zhfix_strerror(st), zhfix_errmsg(ctx));
    zhfix_close(&ctx);
    return st == ZHFIX_ERR_CONFIG ? EXIT_CONVERT : EXIT_USAGE;
  }
  if (explain)
    zhfix_set_change_cb(ctx, explain_change, &ex);

  if (optind == argc) {
    rc = run_file(ctx, "-", &ex);
  } else {
    /* Like cat: go on past a file that cannot be read, stop at a write error. */
    for (i = optind; i < argc && rc != EXIT_WRITE; i++) {
      int r = run_file(ctx, argv[i], &ex);
      if (r != EXIT_OK && (rc == EXIT_OK || r == EXIT_WRITE))
        rc = r;
    }
  }
  zhfix_close(&ctx);
  if (rc != EXIT_WRITE && (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)) {
    fprintf(stderr, "%s: write error: %s\n", progname, strerror(errno));
    return EXIT_IO;
  }
  /* --explain writes its report to standard error: losing it is an error too. */
  if (fflush(stderr) != 0 || ferror(stderr))
    return EXIT_IO;
  return rc == EXIT_WRITE ? EXIT_IO : rc;
}
