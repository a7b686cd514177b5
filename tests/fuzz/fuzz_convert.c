/* libFuzzer target: the conversion wrapper on the input's valid, NUL-free
 * UTF-8 prefix (the only input the pipeline hands it), differential: the fast
 * engine must give exactly libopencc's output. The first byte picks the
 * config. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const configs[] = {"t2s", "s2t", "s2twp", "tw2sp", "s2hk", "t2jp"};
  static struct zhfix__conv *conv[6], *ref[6];
  struct zhfix__buf out = {0}, want = {0};
  const char *s = (const char *)data + 1, *p = s, *end = (const char *)data + size;
  char err[256];
  uint32_t cp;
  size_t l, i;

  if (!conv[0])
    for (i = 0; i < 6; i++) {
      conv[i] = zhfix__conv_open(configs[i], false, err, sizeof err);
      ref[i] = zhfix__conv_open(configs[i], true, err, sizeof err);
    }
  if (size < 1)
    return 0;
  while (p < end && *p && (l = zhfix__utf8_decode(p, end, &cp)) > 0)
    p += l;
  i = data[0] % 6;
  if (conv[i] && ref[i] && zhfix__conv_run(conv[i], s, (size_t)(p - s), &out) == ZHFIX_OK &&
      zhfix__conv_run(ref[i], s, (size_t)(p - s), &want) == ZHFIX_OK &&
      (out.len != want.len || (out.len && memcmp(out.data, want.data, out.len) != 0)))
    abort(); /* the fast engine differs from libopencc */
  zhfix__buf_free(&out);
  zhfix__buf_free(&want);
  return 0;
}
