/* GB18030 through glibc iconv: the only place that touches iconv.
 *
 * GB18030 models text "read as GBK": it is total over two-byte pairs and maps
 * the user-defined areas to the Private Use Area, as Windows cp936 does
 * (design.md section 2), so damaged text re-encodes to the bytes it came from. */
#include <errno.h>

#include "internal.h"

bool zhfix__gb_open(struct zhfix__gb *gb)
{
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

size_t zhfix__gb_encode(struct zhfix__gb *gb, uint32_t cp, unsigned char out[4])
{
  char u[4];
  size_t len = run(gb->to_gb, u, zhfix__utf8_encode(cp, u), (char *)out, 4);
  return len == (size_t)-1 ? 0 : len;
}

size_t zhfix__gb_decode(struct zhfix__gb *gb, const unsigned char *bytes, size_t n,
                        uint32_t *cps, size_t max)
{
  char u[256];
  size_t len, i = 0, k = 0, l;

  if (n > sizeof u / 4)
    return (size_t)-1;
  len = run(gb->from_gb, (const char *)bytes, n, u, sizeof u);
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
