/* Growable byte buffer and the growable code point text of a line. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool zhfix__buf_grow(struct zhfix__buf *b, size_t n)
{
  size_t cap = b->cap ? b->cap : 256;
  char *d;

  if (n <= b->cap - b->len)
    return true;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2)
      return false;
    cap *= 2;
  }
  d = realloc(b->data, cap);
  if (!d)
    return false;
  b->data = d;
  b->cap = cap;
  return true;
}

bool zhfix__buf_add_cp(struct zhfix__buf *b, uint32_t cp)
{
  char u[4];
  return zhfix__buf_add(b, u, zhfix__utf8_encode(cp, u));
}

void zhfix__buf_free(struct zhfix__buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

bool zhfix__text_reserve(struct zhfix__text *t, size_t n)
{
  size_t cap = t->cap ? t->cap : 64;
  uint32_t *cp, *src;

  if (n <= t->cap)
    return true;
  while (cap < n) {
    if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
      return false;
    cap *= 2;
  }
  cp = realloc(t->cp, cap * sizeof *cp);
  if (!cp)
    return false;
  t->cp = cp;
  src = realloc(t->src, cap * sizeof *src);
  if (!src)
    return false;
  t->src = src;
  t->cap = cap;
  return true;
}

bool zhfix__text_splice(struct zhfix__text *t, size_t pos, size_t del,
                        const uint32_t *ins, size_t nins, uint32_t src)
{
  size_t tail = t->n - pos - del, i;

  if (nins > del && !zhfix__text_reserve(t, t->n - del + nins))
    return false;
  memmove(t->cp + pos + nins, t->cp + pos + del, tail * sizeof *t->cp);
  memmove(t->src + pos + nins, t->src + pos + del, tail * sizeof *t->src);
  for (i = 0; i < nins; i++) {
    t->cp[pos + i] = ins[i];
    t->src[pos + i] = src;
  }
  t->n = t->n - del + nins;
  return true;
}

void zhfix__text_free(struct zhfix__text *t)
{
  free(t->cp);
  free(t->src);
  memset(t, 0, sizeof *t);
}
