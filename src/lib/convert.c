/* The single wrapper around libopencc. It absorbs the library's traps
 * (design.md section 6): opencc_open() fails with (opencc_t)-1, not NULL;
 * opencc_error() is one process-wide string, copied out at once; results are
 * freed with opencc_convert_utf8_free(); invalid UTF-8 or a NUL byte makes it
 * fail silently, so callers hand it only valid, NUL-free UTF-8. */
#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct zhfix__conv {
  opencc_t od;
};

/* The short target names of the command line, and the OpenCC config of each. */
static const struct {
  const char *name, *config;
} targets[] = {
  {"simplified", "t2s.json"}, {"traditional", "s2t.json"}, {"tw", "s2tw.json"},
  {"twp", "s2twp.json"},      {"hk", "s2hk.json"},        {"s", "t2s.json"},
  {"t", "s2t.json"},
};

struct zhfix__conv *zhfix__conv_open(const char *target, char *err, size_t errlen)
{
  char config[4096];
  struct zhfix__conv *c;
  size_t i, clen;

  snprintf(config, sizeof config, "%s", target);
  for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
    if (strcmp(target, targets[i].name) == 0)
      snprintf(config, sizeof config, "%s", targets[i].config);
  /* A bare config name ("t2s") gets the ".json" that OpenCC's file names carry. */
  clen = strlen(config);
  if (!strchr(config, '/') && (clen < 5 || strcmp(config + clen - 5, ".json") != 0))
    snprintf(config, sizeof config, "%s.json", target);

  c = malloc(sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->od = opencc_open(config);
  if (c->od == (opencc_t)-1) {
    const char *e = opencc_error();
    snprintf(err, errlen, "OpenCC config '%s': %s", config, e ? e : "cannot open");
    free(c);
    return NULL;
  }
  return c;
}

void zhfix__conv_close(struct zhfix__conv *c)
{
  if (!c)
    return;
  opencc_close(c->od);
  free(c);
}

zhfix_status zhfix__conv_run(struct zhfix__conv *c, const char *in, size_t len,
                             struct zhfix__buf *out)
{
  char *res;
  bool ok;

  if (len == 0)
    return ZHFIX_OK;
  res = opencc_convert_utf8(c->od, in, len);
  if (!res)
    return ZHFIX_ERR_CONVERT;
  /* Debian's 1.1.6 returns "" with no error on input it cannot handle. */
  if (res[0] == '\0') {
    opencc_convert_utf8_free(res);
    return ZHFIX_ERR_CONVERT;
  }
  ok = zhfix__buf_add(out, res, strlen(res));
  opencc_convert_utf8_free(res);
  return ok ? ZHFIX_OK : ZHFIX_ERR_NOMEM;
}
