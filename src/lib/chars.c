/* Character classes, from ICU's Unicode properties. */
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "internal.h"

bool zhfix__is_han(uint32_t cp)
{
  UErrorCode err = U_ZERO_ERROR;
  if (cp < 0x2E80)
    return false;
  /* Script=Han also covers 々 〆 〇 and radicals; an ideograph is a letter. */
  return uscript_getScript((UChar32)cp, &err) == USCRIPT_HAN && U_SUCCESS(err) &&
         u_isalpha((UChar32)cp);
}

bool zhfix__is_pua(uint32_t cp)
{
  return u_charType((UChar32)cp) == U_PRIVATE_USE_CHAR;
}

bool zhfix__is_bopomofo(uint32_t cp)
{
  UErrorCode err = U_ZERO_ERROR;
  return uscript_getScript((UChar32)cp, &err) == USCRIPT_BOPOMOFO && U_SUCCESS(err);
}
