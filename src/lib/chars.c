/* Character classes, from ICU's Unicode properties. The classes of the BMP
 * are asked for on every character of every line, so they are read from ICU
 * once, into a table, on first use; the rest of Unicode asks ICU each time. */
#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "internal.h"

enum { HAN = 1, PUA = 2, BOPOMOFO = 4 };

static uint8_t bmp[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

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

static void bmp_build(void)
{
  UChar32 c;
  for (c = 0x2E80; c < 0x10000; c++)
    bmp[c] = (uint8_t)classify(c);
}

static int class_of(uint32_t cp)
{
  if (cp < 0x2E80)
    return 0; /* no Han, private use or zhuyin below the CJK blocks */
  if (cp < 0x10000) {
    pthread_once(&bmp_once, bmp_build);
    return bmp[cp];
  }
  return cp <= 0x10FFFF ? classify((UChar32)cp) : 0;
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
