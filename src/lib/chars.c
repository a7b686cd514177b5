/* Character classes, from the ranges data/gen_tables.py takes from Unicode's
 * Scripts.txt and UnicodeData.txt (tables/script.c, zhfix__char_classes):
 * what ICU's script and general category properties give for the same
 * Unicode version. The classes of the BMP are asked for on every character of
 * every line, so they are written into a table once, on first use; the rest
 * of Unicode searches the ranges each time. */
#include <pthread.h>
#include <stdatomic.h>

#include "internal.h"

enum { HAN = 1, PUA = 2, BOPOMOFO = 4 };

static uint8_t bmp[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;
/* Set (release) once bmp[] is built: a lookup loads it (acquire) rather
 * than calling pthread_once() each time; pthread_once() builds. */
static atomic_bool bmp_ready;

/* Is cp in one of the n ranges r (pairs first, last; sorted)? */
static bool in_ranges(const uint32_t *r, size_t n, uint32_t cp)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r[2 * mid + 1] < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && r[2 * lo] <= cp;
}

/* Set bit k in bmp[] for the BMP part of the n ranges r, from U+2E80. */
static void mark(const uint32_t *r, size_t n, int k)
{
  size_t i;
  uint32_t c;
  for (i = 0; i < n && r[2 * i] < 0x10000; i++) {
    uint32_t first = r[2 * i] < 0x2E80 ? 0x2E80 : r[2 * i];
    uint32_t last = r[2 * i + 1] < 0x10000 ? r[2 * i + 1] : 0xFFFF;
    for (c = first; c <= last; c++)
      bmp[c] |= (uint8_t)k;
  }
}

static void bmp_build(void)
{
  const struct zhfix__char_ranges *cc = &zhfix__char_classes;
  mark(cc->han, cc->nhan, HAN);
  mark(cc->pua, cc->npua, PUA);
  mark(cc->bopomofo, cc->nbopomofo, BOPOMOFO);
  atomic_store_explicit(&bmp_ready, true, memory_order_release);
}

/* class_of() past the BMP: the ranges searched each time. */
static int astral_class(uint32_t cp)
{
  const struct zhfix__char_ranges *cc = &zhfix__char_classes;
  if (cp > 0x10FFFF)
    return 0;
  return (in_ranges(cc->han, cc->nhan, cp) ? HAN : 0) | (in_ranges(cc->pua, cc->npua, cp) ? PUA : 0) |
         (in_ranges(cc->bopomofo, cc->nbopomofo, cp) ? BOPOMOFO : 0);
}

static inline int class_of(uint32_t cp)
{
  if (cp < 0x2E80)
    return 0; /* no Han, private use or zhuyin below the CJK blocks */
  if (cp >= 0x10000)
    return astral_class(cp);
  if (!atomic_load_explicit(&bmp_ready, memory_order_acquire))
    pthread_once(&bmp_once, bmp_build);
  return bmp[cp];
}

bool zhfix__is_han(uint32_t cp)
{
  return class_of(cp) & HAN;
}

bool zhfix__is_pua(uint32_t cp)
{
  return class_of(cp) & PUA;
}

bool zhfix__is_bopomofo(uint32_t cp)
{
  return class_of(cp) & BOPOMOFO;
}
