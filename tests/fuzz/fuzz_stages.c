/* libFuzzer target: each repair stage on its own (the first byte picks it),
 * on the input's valid UTF-8 prefix; and the raw-line repair on the bytes. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

static void no_report(zhfix_ctx *ctx, const struct zhfix__edit *e)
{
  (void)ctx;
  (void)e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static zhfix_ctx *ctx;
  struct zhfix__text t = {0};
  struct zhfix__buf out = {0};
  const char *s = (const char *)data + 1, *end = (const char *)data + size;
  uint32_t cp;
  size_t l;

  if (!ctx)
    zhfix_open(&ctx, 0);
  if (size < 1)
    return 0;
  if (data[0] % 4 == 3) {
    bool nomem;
    (void)zhfix__raw_repair(ctx, s, size - 1, &out, &nomem);
    zhfix__buf_free(&out);
    return 0;
  }
  while (s < end && (l = zhfix__utf8_decode(s, end, &cp)) > 0) {
    zhfix__text_splice(&t, t.n, 0, &cp, 1, (uint32_t)t.n);
    s += l;
  }
  switch (data[0] % 4) {
  case 0: zhfix__shift_repair(ctx, &t, no_report); break;
  case 1: zhfix__ruby_repair(ctx, &t, no_report); break;
  case 2: zhfix__mojibake_repair(ctx, &t, no_report); break;
  }
  zhfix__text_free(&t);
  return 0;
}
