/* UTF-8 decoding and encoding, bounded by (ptr, end). */
#include "internal.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t zhfix__utf8_decode(const char *p, const char *end, uint32_t *cp)
{
  const unsigned char *s = (const unsigned char *)p;
  size_t avail = (size_t)(end - p), len, i;
  uint32_t c;

  if (avail == 0)
    return 0;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    len = 2;
    c = s[0] & 0x1F;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    len = 3;
    c = s[0] & 0x0F;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    len = 4;
    c = s[0] & 0x07;
  } else {
    return 0; /* continuation byte, C0/C1 overlong lead, or F5-FF */
  }
  if (avail < len)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  /* Reject overlong forms, surrogates and values past U+10FFFF. */
  if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return len;
}

size_t zhfix__utf8_encode(uint32_t cp, char out[4])
{
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

bool zhfix__utf8_valid(const char *s, size_t len)
{
  size_t i = 0, l;
  uint32_t cp;
  while (i < len && (l = zhfix__utf8_decode(s + i, s + len, &cp)) > 0)
    i += l;
  return i == len;
}

const char *zhfix__ascii_end(const char *p, const char *end)
{
#ifdef __SSE2__
  while (end - p >= 16) {
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)p));
    if (m)
      return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  while (p < end && (unsigned char)*p < 0x80)
    p++;
  return p;
}
