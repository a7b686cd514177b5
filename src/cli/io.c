/* Output encoding and progress display of the command line (see io.h). */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* Length (1-4) of the valid, shortest-form UTF-8 sequence at p, its scalar
 * value in *cp; 0 if the bytes at p are not one. */
static size_t utf8_char(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
  size_t n, i;
  uint32_t c = p[0], min;

  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, c &= 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, c &= 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, c &= 0x07, min = 0x10000;
  else
    return 0;
  if ((size_t)(end - p) < n)
    return 0;
  for (i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (p[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return n;
}

static int is_utf8_name(const char *name)
{
  return !name || strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0;
}

int outenc_open(struct outenc *e, const char *name, enum unencodable mode)
{
  memset(e, 0, sizeof *e);
  e->cd = (iconv_t)-1;
  e->name = name ? name : "UTF-8";
  e->mode = mode;
  e->repl[0] = '?';
  e->nrepl = 1;
  outenc_begin(e);
  if (is_utf8_name(name))
    return 0;
  e->cd = iconv_open(name, "UTF-8");
  if (e->cd == (iconv_t)-1)
    return -1;
  {
    char q[] = "?", *in = q, *out = e->repl;
    size_t inleft = 1, outleft = sizeof e->repl;
    if (iconv(e->cd, &in, &inleft, &out, &outleft) != (size_t)-1)
      e->nrepl = sizeof e->repl - outleft;
    iconv(e->cd, NULL, NULL, NULL, NULL);
  }
  return 0;
}

void outenc_close(struct outenc *e)
{
  if (e->cd != (iconv_t)-1)
    iconv_close(e->cd);
  e->cd = (iconv_t)-1;
}

void outenc_begin(struct outenc *e)
{
  e->line = 1;
  e->col = 0;
  e->cr = 0;
}

/* Count the lines and columns of p[0, n), as libzhfix does: LF, CRLF or a
 * lone CR ends a line; a column is a character or a byte that is not UTF-8. */
static void advance(struct outenc *e, const char *p, size_t n)
{
  const unsigned char *s = (const unsigned char *)p;
  size_t i;

  for (i = 0; i < n; i++) {
    if (s[i] == '\n' && e->cr) {
      e->cr = 0;
      continue;
    }
    e->cr = s[i] == '\r';
    if (s[i] == '\n' || s[i] == '\r') {
      e->line++;
      e->col = 0;
    } else if ((s[i] & 0xC0) != 0x80) {
      e->col++;
    }
  }
}

static int put(FILE *f, const char *p, size_t n)
{
  return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

/* Convert in[0, n) (valid UTF-8 or ASCII) and write it; 1 if a character in
 * it cannot be encoded. */
static int convert_out(struct outenc *e, FILE *f, const char *in, size_t n)
{
  char *ip = (char *)in;
  size_t inleft = n;

  while (inleft > 0) {
    char *op = e->buf;
    size_t outleft = sizeof e->buf;
    size_t r = iconv(e->cd, &ip, &inleft, &op, &outleft);
    if (put(f, e->buf, sizeof e->buf - outleft) != 0)
      return -1;
    if (r == (size_t)-1 && errno != E2BIG)
      return 1;
  }
  return 0;
}

int outenc_write(struct outenc *e, FILE *f, const char *p, size_t n)
{
  const char *mark = p, *end = p + n;

  if (e->cd == (iconv_t)-1)
    return put(f, p, n);
  while (p < end) {
    char *ip = (char *)p, *op = e->buf;
    size_t inleft = (size_t)(end - p), outleft = sizeof e->buf, l;
    size_t r = iconv(e->cd, &ip, &inleft, &op, &outleft);
    int err = errno;
    uint32_t cp;

    if (put(f, e->buf, sizeof e->buf - outleft) != 0)
      return -1;
    p = ip;
    if (r != (size_t)-1 || err == E2BIG)
      continue;
    /* Stopped at p: a character the encoding cannot hold, or bytes that are
     * not UTF-8 (written as they are: zhfix passed them through as it found
     * them, and they stay the same bytes). */
    l = utf8_char((const unsigned char *)p, (const unsigned char *)end, &cp);
    if (l == 0) {
      if (put(f, p, 1) != 0)
        return -1;
      p++;
      continue;
    }
    advance(e, mark, (size_t)(p - mark));
    mark = p;
    if (e->mode == UNENC_ERROR) {
      e->bad_cp = cp;
      e->bad_line = e->line;
      e->bad_col = e->col + 1;
      return -2;
    }
    if (e->mode == UNENC_REPLACE) {
      if (put(f, e->repl, e->nrepl) != 0)
        return -1;
    } else {
      /* A hexadecimal character reference, which zhfix itself reads back. */
      char ref[16];
      int k = snprintf(ref, sizeof ref, "&#x%X;", (unsigned)cp);
      int rc = convert_out(e, f, ref, (size_t)k);
      if (rc < 0)
        return -1;
      if (rc > 0 && put(f, ref, (size_t)k) != 0) /* no ASCII in the encoding */
        return -1;
    }
    p += l;
  }
  advance(e, mark, (size_t)(end - mark));
  return 0;
}

int outenc_end(struct outenc *e, FILE *f)
{
  char *op = e->buf;
  size_t outleft = sizeof e->buf;

  if (e->cd == (iconv_t)-1)
    return 0;
  iconv(e->cd, NULL, NULL, &op, &outleft);
  return put(f, e->buf, sizeof e->buf - outleft);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_begin(struct progress *p, const char *file, uint64_t total)
{
  p->file = file;
  p->total = total;
  p->done = 0;
  p->start = p->last = now();
  p->tty = isatty(fileno(stderr));
}

static void draw(struct progress *p, double t)
{
  double secs = t - p->start, rate = secs > 0 ? (double)p->done / secs : 0;

  /* On a terminal one line redrawn; elsewhere (a log) a line each time. */
  fprintf(stderr, "%szhfix: %s: %.1f MB", p->tty ? "\r" : "", p->file, (double)p->done / 1e6);
  if (p->total)
    fprintf(stderr, " of %.1f MB (%.0f%%)", (double)p->total / 1e6,
            100.0 * (double)p->done / (double)p->total);
  fprintf(stderr, ", %.1f MB/s", rate / 1e6);
  if (p->total && rate > 0 && p->done < p->total) {
    unsigned long left = (unsigned long)((double)(p->total - p->done) / rate + 0.5);
    fprintf(stderr, ", ETA %lu:%02lu:%02lu", left / 3600, left / 60 % 60, left % 60);
  }
  fputs(p->tty ? "\033[K" : "\n", stderr); /* clear the rest of the line */
}

void progress_add(struct progress *p, size_t n)
{
  double t;

  if (!p->on)
    return;
  p->done += n;
  t = now();
  if (t - p->last >= (p->tty ? 0.5 : 5.0)) {
    p->last = t;
    draw(p, t);
  }
}

void progress_end(struct progress *p)
{
  if (!p->on)
    return;
  draw(p, now());
  if (p->tty)
    fputc('\n', stderr);
}
