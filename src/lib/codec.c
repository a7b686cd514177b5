/* Legacy code pages through ICU converters, exact in both directions: the
 * only place that touches ucnv. Strict: an unmappable character or an illegal
 * byte sequence fails the whole conversion (no substitution, no fallback).
 *
 * ICU's variants are the ones mojibake comes from (design.md section 2):
 * windows-1252 passes the five undefined bytes 81 8D 8F 90 9D through as
 * U+0081..., as Windows and browsers do; GB18030 maps the user-defined areas
 * to the Private Use Area, as Windows cp936 does. */
#include <stdlib.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "internal.h"

static const char *const icu_names[ZHFIX__NCODECS] = {
  [ZHFIX__CP1252] = "windows-1252", [ZHFIX__LATIN1] = "ISO-8859-1",
  [ZHFIX__GB18030] = "GB18030",     [ZHFIX__BIG5] = "windows-950",
  [ZHFIX__SJIS] = "windows-932",    [ZHFIX__EUCKR] = "windows-949",
  [ZHFIX__UTF16LE] = "UTF-16LE",    [ZHFIX__UTF16BE] = "UTF-16BE",
  [ZHFIX__BIG5HKSCS] = "ibm-1375_P100-2008", [ZHFIX__CP1251] = "windows-1251",
  [ZHFIX__CP1250] = "windows-1250", [ZHFIX__MACROMAN] = "macos-0_2-10.2",
  [ZHFIX__CP437] = "ibm-437_P100-1995", [ZHFIX__CP1257] = "windows-1257",
  [ZHFIX__LATIN2] = "ISO-8859-2",
};

bool zhfix__codecs_open(struct zhfix__codecs *c)
{
  int i;
  for (i = 0; i < ZHFIX__NCODECS; i++) {
    UErrorCode err = U_ZERO_ERROR;
    c->cnv[i] = NULL;
    if (!icu_names[i])
      continue;
    c->cnv[i] = ucnv_open(icu_names[i], &err);
    if (U_FAILURE(err))
      return false;
    ucnv_setToUCallBack(c->cnv[i], UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    ucnv_setFromUCallBack(c->cnv[i], UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    if (U_FAILURE(err))
      return false;
  }
  return true;
}

void zhfix__codecs_close(struct zhfix__codecs *c)
{
  int i;
  for (i = 0; i < ZHFIX__NCODECS; i++) {
    if (c->cnv[i])
      ucnv_close(c->cnv[i]);
    c->cnv[i] = NULL;
  }
}

/* UTF-16 scratch for ICU, grown as needed. */
static UChar *u16(struct zhfix__codecs *c, size_t n)
{
  if (n > c->nu) {
    UChar *p = realloc(c->u, n * sizeof *p);
    if (!p) {
      c->oom = true;
      return NULL;
    }
    c->u = p;
    c->nu = n;
  }
  return c->u;
}

/* glibc reads GB18030 as GB18030-2005 does: 24 two-byte codes that ICU and
 * Windows cp936 read as private-use characters are the characters Unicode
 * gave them later (A6D9 ︐, the vertical forms U+FE10-FE19, and FE51 𠂇 ...
 * FEA0 龻). Big5 自 (A6DB) read as GB18030 by glibc (zhfix's input decoding of
 * a GBK file) is ︑, by ICU U+E78F. Pairs: the character, ICU's private-use
 * character (from ICU 72 and glibc 2.36, all two-byte codes compared). */
static const uint32_t gb2005[][2] = {
  {0xFE10, 0xE78D},  {0xFE12, 0xE78E},  {0xFE11, 0xE78F},  {0xFE13, 0xE790}, {0xFE14, 0xE791},
  {0xFE15, 0xE792},  {0xFE16, 0xE793},  {0xFE17, 0xE794},  {0xFE18, 0xE795}, {0xFE19, 0xE796},
  {0x20087, 0xE816}, {0x20089, 0xE817}, {0x200CC, 0xE818}, {0x9FB4, 0xE81E}, {0x9FB5, 0xE826},
  {0x9FB6, 0xE82B},  {0x9FB7, 0xE82C},  {0x215D7, 0xE831}, {0x9FB8, 0xE832}, {0x2298F, 0xE83B},
  {0x9FB9, 0xE843},  {0x9FBA, 0xE854},  {0x241FE, 0xE855}, {0x9FBB, 0xE864},
};

/* The private-use character ICU reads for the two-byte GB18030 code that
 * glibc reads as c, or 0. */
static uint32_t gb2005_pua(uint32_t c)
{
  size_t i;
  if (c < 0x9FB4 || (c > 0x9FBB && c < 0xFE10) || (c > 0xFE19 && c < 0x20087))
    return 0;
  for (i = 0; i < sizeof gb2005 / sizeof *gb2005; i++)
    if (gb2005[i][0] == c)
      return gb2005[i][1];
  return 0;
}

bool zhfix__encode(struct zhfix__codecs *c, enum zhfix__codec codec, const uint32_t *cp, size_t n,
                   struct zhfix__buf *out)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t ulen, len;
  size_t i;
  UChar *u;
  uint32_t *mapped = NULL;
  bool ok;

  out->len = 0;
  if (codec == ZHFIX__UTF8) {
    for (i = 0; i < n; i++)
      if (!zhfix__buf_add_cp(out, cp[i]))
        return !(c->oom = true);
    return true;
  }
  /* Text read by glibc goes back to the two bytes it was read from. */
  for (i = 0; codec == ZHFIX__GB18030 && i < n && !gb2005_pua(cp[i]); i++)
    ;
  if (codec == ZHFIX__GB18030 && i < n) {
    if (!(mapped = malloc(n * sizeof *mapped)))
      return !(c->oom = true);
    for (i = 0; i < n; i++)
      mapped[i] = gb2005_pua(cp[i]) ? gb2005_pua(cp[i]) : cp[i];
    ok = zhfix__encode(c, codec, mapped, n, out);
    free(mapped);
    return ok;
  }
  if (n > INT32_MAX / 4 || !(u = u16(c, 2 * n + 1)))
    return false;
  u_strFromUTF32(u, (int32_t)(2 * n + 1), &ulen, (const UChar32 *)cp, (int32_t)n, &err);
  if (U_FAILURE(err))
    return false;
  if (!zhfix__buf_reserve(out, 4 * n + 4))
    return !(c->oom = true);
  if (out->cap > INT32_MAX)
    return false;
  ucnv_resetFromUnicode(c->cnv[codec]);
  len = ucnv_fromUChars(c->cnv[codec], out->data, (int32_t)out->cap, u, ulen, &err);
  if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING)
    return false;
  out->len = (size_t)len;
  return true;
}

size_t zhfix__decode(struct zhfix__codecs *c, enum zhfix__codec codec, const char *bytes, size_t n,
                     uint32_t *cp, size_t max)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t ulen, clen;
  size_t i = 0, k = 0;
  UChar *u;

  if (codec == ZHFIX__UTF8) {
    while (i < n) {
      size_t l = zhfix__utf8_decode(bytes + i, bytes + n, k < max ? &cp[k] : &cp[0]);
      if (!l || k == max)
        return (size_t)-1;
      k++;
      i += l;
    }
    return k;
  }
  if (n > INT32_MAX / 2 || !(u = u16(c, n + 1)))
    return (size_t)-1;
  ucnv_resetToUnicode(c->cnv[codec]);
  ulen = ucnv_toUChars(c->cnv[codec], u, (int32_t)(n + 1), bytes, (int32_t)n, &err);
  if (U_FAILURE(err))
    return (size_t)-1;
  u_strToUTF32((UChar32 *)cp, (int32_t)max, &clen, u, ulen, &err);
  if (U_FAILURE(err))
    return (size_t)-1;
  return (size_t)clen;
}

size_t zhfix__decode_lossy(struct zhfix__codecs *c, enum zhfix__codec codec, const char *bytes,
                           size_t n, uint32_t *cp, size_t max, size_t *bad, size_t *cut)
{
  UErrorCode err = U_ZERO_ERROR;
  const char *src = bytes, *end = bytes + n;
  int32_t clen;
  UChar *u, *tgt;
  UConverter *cnv = c->cnv[codec];

  *bad = *cut = 0;
  /* One UTF-16 unit per byte at most: a code page's one- and two-byte
   * characters are in the BMP, and its four-byte ones (GB18030) a pair. */
  if (codec == ZHFIX__UTF8 || n > INT32_MAX / 2 || !(u = u16(c, n + 1)))
    return (size_t)-1;
  tgt = u;
  ucnv_resetToUnicode(cnv);
  for (;;) {
    char invalid[32];
    int8_t ilen = (int8_t)sizeof invalid;
    UErrorCode ierr = U_ZERO_ERROR;

    err = U_ZERO_ERROR;
    ucnv_toUnicode(cnv, &tgt, u + n + 1, &src, end, NULL, true, &err);
    if (err != U_ILLEGAL_CHAR_FOUND && err != U_INVALID_CHAR_FOUND &&
        err != U_TRUNCATED_CHAR_FOUND)
      break;
    /* The bytes the converter gave up on: skipped, counted; it goes on after them. */
    ucnv_getInvalidChars(cnv, invalid, &ilen, &ierr);
    if (U_FAILURE(ierr) || ilen <= 0)
      return (size_t)-1;
    if (err == U_TRUNCATED_CHAR_FOUND) {
      *cut += (size_t)ilen;
      err = U_ZERO_ERROR;
      break;
    }
    *bad += (size_t)ilen;
  }
  if (U_FAILURE(err))
    return (size_t)-1;
  err = U_ZERO_ERROR;
  u_strToUTF32((UChar32 *)cp, (int32_t)max, &clen, u, (int32_t)(tgt - u), &err);
  if (U_FAILURE(err))
    return (size_t)-1;
  return (size_t)clen;
}
