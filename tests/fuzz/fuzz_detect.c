/* libFuzzer target: encoding detection, then decoding the input from the
 * detected encoding through the pipeline, and script detection. */
#include <stdint.h>

#include "zhfix.h"

static int sink(void *user, const char *buf, size_t len)
{
  (void)user;
  (void)buf;
  (void)len;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static zhfix_ctx *ctx;
  zhfix_encoding_guess g;

  if (!ctx)
    zhfix_open(&ctx, 0);
  zhfix_detect_encoding(ctx, (const char *)data, size, &g);
  if (zhfix_set_input_encoding(ctx, g.name[0] == 'u' ? NULL : g.name) == ZHFIX_OK) {
    zhfix_feed(ctx, (const char *)data, size, sink, NULL);
    zhfix_finish(ctx, sink, NULL);
  }
  zhfix_set_input_encoding(ctx, NULL);
  (void)zhfix_detect_script((const char *)data, size);
  return 0;
}
