/* libFuzzer target: the whole pipeline through the public API. The first byte
 * picks the mode (repair only, repair + t2s, convert only with s2twp) and the
 * chunk size the input is fed in; the rest is the input. */
#include <stdint.h>
#include <stdlib.h>

#include "zhfix.h"

static int sink(void *user, const char *buf, size_t len)
{
  (void)user;
  (void)buf;
  (void)len;
  return 0;
}

static void on_change(void *user, const zhfix_change *ch)
{
  volatile size_t *n = user;
  *n += ch->before_len + ch->after_len; /* touch every byte of the report */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static zhfix_ctx *ctx[3];
  static volatile size_t touched;
  size_t mode, chunk, i;

  if (!ctx[0]) {
    zhfix_open(&ctx[0], 0);
    zhfix_open(&ctx[1], 0);
    zhfix_set_target(ctx[1], "simplified");
    zhfix_open(&ctx[2], ZHFIX_NO_REPAIR);
    zhfix_set_target(ctx[2], "twp");
    for (i = 0; i < 3; i++)
      zhfix_set_change_cb(ctx[i], on_change, (void *)&touched);
  }
  if (size < 1)
    return 0;
  mode = data[0] % 3;
  chunk = 1 + (data[0] >> 2) * 7;
  data++;
  size--;
  for (i = 0; i < size; i += chunk)
    zhfix_feed(ctx[mode], (const char *)data + i, size - i < chunk ? size - i : chunk, sink, NULL);
  zhfix_finish(ctx[mode], sink, NULL);
  return 0;
}
