/* Fault injection, loaded with LD_PRELOAD by tests/fault.sh: make the Nth call
 * of one function fail, as a full disk, an unreadable file or an exhausted
 * heap would. ZHFIX_FAIL=FUNCTION:N, FUNCTION one of read (fread and read),
 * write (fwrite and write), malloc (malloc, calloc and realloc called from
 * zhfix's own code: ICU and OpenCC abort on a failed allocation, which is
 * theirs to handle), iconv, rename; only calls from zhfix itself (the program
 * or libzhfix) count. The call fails with errno EIO, ENOSPC, ENOMEM, EBADF (a
 * converter that broke, not a byte it rejects) or EIO. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static char which[16];
static long countdown = -1;
static int ready;

static void init(void)
{
  const char *spec = getenv("ZHFIX_FAIL"), *colon;
  ready = 1;
  if (!spec || !(colon = strchr(spec, ':')) || (size_t)(colon - spec) >= sizeof which)
    return;
  memcpy(which, spec, (size_t)(colon - spec));
  countdown = atol(colon + 1);
}

/* Should this call of fn fail? Counts only calls of the chosen function. */
static int fail(const char *fn)
{
  if (!ready)
    init();
  if (countdown < 0 || strcmp(fn, which) != 0)
    return 0;
  if (countdown-- == 1) {
    countdown = -1;
    return 1;
  }
  return 0;
}

/* Called from zhfix itself (the program or libzhfix), not from a library? */
static int ours(void *ret)
{
  Dl_info info;
  /* The main program's name may come back empty. */
  return dladdr(ret, &info) && info.dli_fname &&
         (info.dli_fname[0] == '\0' || strstr(info.dli_fname, "zhfix") != NULL);
}

void *malloc(size_t n)
{
  if (ready && ours(__builtin_return_address(0)) && fail("malloc")) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
  if (ready && ours(__builtin_return_address(0)) && fail("malloc")) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
  if (ready && ours(__builtin_return_address(0)) && fail("malloc")) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_realloc(p, n);
}

#define FORWARD(ret, name, params, args, fn, err, bad)                                       \
  ret name params                                                                          \
  {                                                                                        \
    static ret(*real) params;                                                              \
    if (!real)                                                                             \
      real = (ret(*) params)dlsym(RTLD_NEXT, #name);                                       \
    if (ours(__builtin_return_address(0)) && fail(fn)) {                                   \
      errno = err;                                                                         \
      return bad;                                                                          \
    }                                                                                      \
    return real args;                                                                      \
  }

/* fread fails the way a real read error does: with the stream's error
 * indicator set (the descriptor is taken away for the one call). */
size_t fread(void *p, size_t s, size_t n, FILE *f)
{
  static size_t (*real)(void *, size_t, size_t, FILE *);
  size_t got;
  int fd, saved;
  if (!real)
    real = (size_t(*)(void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fread");
  if (!(ours(__builtin_return_address(0)) && fail("read")))
    return real(p, s, n, f);
  fd = fileno(f);
  saved = dup(fd);
  close(fd);
  got = real(p, s, n, f);
  dup2(saved, fd);
  close(saved);
  errno = EIO;
  return got;
}
FORWARD(ssize_t, read, (int fd, void *p, size_t n), (fd, p, n), "read", EIO, -1)
FORWARD(size_t, fwrite, (const void *p, size_t s, size_t n, FILE *f), (p, s, n, f), "write", ENOSPC, 0)
FORWARD(ssize_t, write, (int fd, const void *p, size_t n), (fd, p, n), "write", ENOSPC, -1)
FORWARD(size_t, iconv, (iconv_t cd, char **in, size_t *il, char **out, size_t *ol),
        (cd, in, il, out, ol), "iconv", EBADF, (size_t)-1)
FORWARD(int, rename, (const char *a, const char *b), (a, b), "rename", EIO, -1)
