/* Character classes, from ICU's Unicode properties. The classes of the BMP
 * are asked for on every character of every line, so they are read from ICU
 * once, into a table, on first use (as ICU's sets of the properties' code
 * points, not code point by code point); the rest of Unicode asks ICU each
 * time. */
#include <pthread.h>
#include <stdatomic.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>

#include "internal.h"

enum { HAN = 1, PUA = 2, BOPOMOFO = 4 };

static uint8_t bmp[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;
/* Set (release) once bmp[] is built: a lookup loads it (acquire) rather
 * than calling pthread_once() each time; pthread_once() builds. */
static atomic_bool bmp_ready;

static int classify(UChar32 c)
{
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &err);
  int k = 0;
  /* Script=Han also covers 々 〆 〇 and radicals; an ideograph is a letter. */
  if (U_SUCCESS(err) && script == USCRIPT_HAN && u_isalpha(c))
    k |= HAN;
  if (u_charType(c) == U_PRIVATE_USE_CHAR)
    k |= PUA;
  if (U_SUCCESS(err) && script == USCRIPT_BOPOMOFO)
    k |= BOPOMOFO;
  return k;
}

/* Add class k to bmp[] for the code points from U+2E80 whose property prop
 * has value: letters only (u_isalpha()) if `letters`. False if ICU fails. */
static bool mark(UProperty prop, int32_t value, int k, bool letters)
{
  UErrorCode err = U_ZERO_ERROR;
  USet *set = uset_openEmpty();
  int32_t i, n;

  if (!set)
    return false;
  uset_applyIntPropertyValue(set, prop, value, &err);
  n = U_SUCCESS(err) ? uset_getItemCount(set) : 0;
  for (i = 0; i < n && U_SUCCESS(err); i++) {
    UChar32 first, last, c;
    if (uset_getItem(set, i, &first, &last, NULL, 0, &err) != 0)
      continue; /* (a string, not a range) */
    if (first < 0x2E80)
      first = 0x2E80;
    if (last > 0xFFFF)
      last = 0xFFFF;
    for (c = first; c <= last; c++)
      if (!letters || u_isalpha(c))
        bmp[c] |= (uint8_t)k;
  }
  uset_close(set);
  return U_SUCCESS(err);
}

static void bmp_build(void)
{
  UChar32 c;
  if (!mark(UCHAR_SCRIPT, USCRIPT_HAN, HAN, true) ||
      !mark(UCHAR_GENERAL_CATEGORY_MASK, U_GC_CO_MASK, PUA, false) ||
      !mark(UCHAR_SCRIPT, USCRIPT_BOPOMOFO, BOPOMOFO, false))
    for (c = 0x2E80; c < 0x10000; c++) /* (code point by code point) */
      bmp[c] = (uint8_t)classify(c);
  atomic_store_explicit(&bmp_ready, true, memory_order_release);
}

static inline int class_of(uint32_t cp)
{
  if (cp < 0x2E80)
    return 0; /* no Han, private use or zhuyin below the CJK blocks */
  if (cp >= 0x10000)
    return cp <= 0x10FFFF ? classify((UChar32)cp) : 0;
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
