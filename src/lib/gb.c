/* GB18030 through glibc iconv: the only place that touches iconv.
 *
 * GB18030 models text "read as GBK": it is total over two-byte pairs and maps
 * the user-defined areas to the Private Use Area, as Windows cp936 does
 * (design.md section 2), so damaged text re-encodes to the bytes it came from. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "internal.h"

bool zhfix__gb_open(struct zhfix__gb *gb)
{
  gb->enc = NULL;
  gb->dec = NULL;
  gb->to_gb = iconv_open("GB18030", "UTF-8");
  gb->from_gb = iconv_open("UTF-8", "GB18030");
  /* iconv_open reports failure as (iconv_t)-1, not NULL. */
  if (gb->to_gb == (iconv_t)-1 || gb->from_gb == (iconv_t)-1) {
    zhfix__gb_close(gb);
    return false;
  }
  return true;
}

void zhfix__gb_close(struct zhfix__gb *gb)
{
  if (gb->to_gb != (iconv_t)-1 && gb->to_gb != NULL)
    iconv_close(gb->to_gb);
  if (gb->from_gb != (iconv_t)-1 && gb->from_gb != NULL)
    iconv_close(gb->from_gb);
  gb->to_gb = gb->from_gb = (iconv_t)-1;
  free(gb->enc);
  free(gb->dec);
  gb->enc = NULL;
  gb->dec = NULL;
}

/* One whole conversion of in[0, n) into out[0, max); returns the output length
 * or (size_t)-1 on any invalid, incomplete or too long input. */
static size_t run(iconv_t cd, const char *in, size_t n, char *out, size_t max)
{
  char *ip = (char *)in, *op = out;
  size_t il = n, ol = max;

  iconv(cd, NULL, NULL, NULL, NULL);
  if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
    return (size_t)-1;
  if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
    return (size_t)-1;
  return max - ol;
}

static size_t decode_run(struct zhfix__gb *gb, const unsigned char *bytes, size_t n,
                         uint32_t *cps, size_t max, char *u, size_t usize);

/* The byte-shift stage asks for the same characters and pairs over and over:
 * the answers for the BMP and for two-byte pairs are kept, filled on first
 * use (if the table cannot be allocated, iconv answers every time). */
size_t zhfix__gb_encode(struct zhfix__gb *gb, uint32_t cp, unsigned char out[4])
{
  char u[4];
  size_t len;

  if (cp < 0x10000 && !gb->enc)
    gb->enc = calloc(0x10000, sizeof *gb->enc);
  if (cp < 0x10000 && gb->enc && gb->enc[cp] > 1) {
    out[0] = (unsigned char)(gb->enc[cp] >> 8);
    out[1] = (unsigned char)gb->enc[cp];
    return 2;
  }
  len = run(gb->to_gb, u, zhfix__utf8_encode(cp, u), (char *)out, 4);
  if (len == (size_t)-1)
    len = 0;
  if (cp < 0x10000 && gb->enc && gb->enc[cp] == 0)
    gb->enc[cp] = len == 2 ? (uint16_t)(out[0] << 8 | out[1]) : 1;
  return len;
}

size_t zhfix__gb_decode(struct zhfix__gb *gb, const unsigned char *bytes, size_t n,
                        uint32_t *cps, size_t max)
{
  char u[256];
  size_t k, slot = 0;

  if (n == 2 && max >= 1 && bytes[0] >= 0x81 && bytes[0] <= 0xFE) {
    if (!gb->dec)
      gb->dec = calloc(126 * 256, sizeof *gb->dec);
    slot = (size_t)(bytes[0] - 0x81) * 256 + bytes[1];
    if (gb->dec && gb->dec[slot]) {
      if (gb->dec[slot] == UINT32_MAX)
        return (size_t)-1;
      cps[0] = gb->dec[slot] - 1;
      return 1;
    }
  }
  k = decode_run(gb, bytes, n, cps, max, u, sizeof u);
  if (n == 2 && gb->dec && bytes[0] >= 0x81 && bytes[0] <= 0xFE)
    gb->dec[slot] = k == 1 ? cps[0] + 1 : UINT32_MAX;
  return k;
}

/* Decode with iconv: the uncached path of zhfix__gb_decode(). */
static size_t decode_run(struct zhfix__gb *gb, const unsigned char *bytes, size_t n,
                         uint32_t *cps, size_t max, char *u, size_t usize)
{
  size_t len, i = 0, k = 0, l;

  if (n > usize / 4)
    return (size_t)-1;
  len = run(gb->from_gb, (const char *)bytes, n, u, usize);
  if (len == (size_t)-1)
    return (size_t)-1;
  while (i < len) {
    if (k == max)
      return (size_t)-1;
    l = zhfix__utf8_decode(u + i, u + len, &cps[k++]);
    if (!l)
      return (size_t)-1;
    i += l;
  }
  return k;
}

bool zhfix__gb_label(const char *name)
{
  return !strcasecmp(name, "GB2312") || !strcasecmp(name, "GBK") ||
         !strcasecmp(name, "CP936") || !strcasecmp(name, "GB18030");
}
