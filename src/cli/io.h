/* The command line's output encoding (--output-encoding, --unencodable) and
 * progress display (--progress): kept apart from main.c's options and files. */
#ifndef ZHFIX_CLI_IO_H
#define ZHFIX_CLI_IO_H

#include <iconv.h>
#include <stdint.h>
#include <stdio.h>

/* What to do with a character the output encoding cannot hold. */
enum unencodable { UNENC_ERROR, UNENC_REPLACE, UNENC_ESCAPE };

/* UTF-8 text (as libzhfix writes it) → the output encoding, through iconv. */
struct outenc {
  iconv_t cd;             /* UTF-8 -> the output encoding; (iconv_t)-1: UTF-8, bytes as they are */
  const char *name;       /* the output encoding, as given */
  enum unencodable mode;
  char repl[8];           /* '?' in the output encoding (UNENC_REPLACE) */
  size_t nrepl;
  uint64_t line, col;     /* where the text written so far ends: 1-based line, code points on it */
  int cr;                 /* the last byte written was a CR (a CRLF is one line end) */
  char buf[1 << 14];      /* converted bytes */
  /* The character that could not be encoded (after outenc_write returned -2). */
  uint32_t bad_cp;
  uint64_t bad_line, bad_col;
};

/* Open the converter for name (NULL, "UTF-8" or "UTF8": none). Returns 0, or
 * -1 if iconv does not know the encoding. */
int outenc_open(struct outenc *e, const char *name, enum unencodable mode);
void outenc_close(struct outenc *e);
/* Start counting lines and columns anew (a new input file). */
void outenc_begin(struct outenc *e);
/* Convert p[0, n) and write it to f. Bytes that are not UTF-8 (input bytes
 * zhfix passed through as they were) are written as they are. Returns 0; -1
 * on a write error (errno set); -2 on a character the encoding cannot hold
 * when the mode is UNENC_ERROR (bad_cp, bad_line, bad_col say which; the text
 * before it was written). */
int outenc_write(struct outenc *e, FILE *f, const char *p, size_t n);
/* End the output: write what a stateful encoding needs to return to its
 * initial state. Returns 0, or -1 on a write error. */
int outenc_end(struct outenc *e, FILE *f);

/* Progress on standard error: bytes done, rate, and with a known size the
 * share done and the time left. */
struct progress {
  int on;
  int tty;                /* standard error is a terminal: redraw one line */
  const char *file;       /* shown before the figures */
  uint64_t total, done;   /* bytes; total 0: not known */
  double start, last;     /* seconds (monotonic clock) */
};

/* Start a file: total is its size in bytes, 0 when not known. */
void progress_begin(struct progress *p, const char *file, uint64_t total);
/* n more bytes read: redraw the line at most twice a second (on a terminal;
 * elsewhere a line every 5 seconds). */
void progress_add(struct progress *p, size_t n);
/* The file is done: the last figures, and a line end. */
void progress_end(struct progress *p);

#endif
