/* The single conversion wrapper: the fast engine (fastcc.c) by default, or
 * libopencc, when asked for or when the fast engine cannot do a config
 * exactly (a dictionary or a type it has not built in).
 *
 * For libopencc it absorbs the library's traps
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
  struct zhfix__fastcc *fast; /* the fast engine, or NULL: */
  opencc_t od;                /* libopencc */
  char why[256];              /* why the fast engine was not used ("" if it is) */
  char target[];              /* as given to zhfix__conv_open */
};

/* The short target names of the command line, and the OpenCC config of each. */
static const struct {
  const char *name, *config;
} targets[] = {
  {"simplified", "t2s.json"}, {"traditional", "s2t.json"}, {"tw", "s2tw.json"},
  {"twp", "s2twp.json"},      {"hk", "s2hk.json"},        {"s", "t2s.json"},
  {"t", "s2t.json"},
};

struct zhfix__conv *zhfix__conv_open(const char *target, bool opencc, char *err, size_t errlen)
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

  c = calloc(1, sizeof *c + strlen(target) + 1);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  strcpy(c->target, target);
  if (opencc)
    snprintf(c->why, sizeof c->why, "libopencc was asked for");
  else if ((c->fast = zhfix__fastcc_open(config, c->why, sizeof c->why)) != NULL)
    return c;
  c->od = opencc_open(config);
  if (c->od == (opencc_t)-1) {
    const char *e = opencc_error();
    snprintf(err, errlen, "OpenCC config '%s': %s", config, e ? e : "cannot open");
    free(c);
    return NULL;
  }
  return c;
}

const char *zhfix__conv_engine(const struct zhfix__conv *c, const char **why)
{
  if (why)
    *why = c->fast ? NULL : c->why;
  return c->fast ? "fast" : "opencc";
}

const char *zhfix__conv_target(const struct zhfix__conv *c)
{
  return c->target;
}

void zhfix__conv_close(struct zhfix__conv *c)
{
  if (!c)
    return;
  if (c->fast)
    zhfix__fastcc_close(c->fast);
  else
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
  if (c->fast)
    return zhfix__fastcc_run(c->fast, in, len, out) ? ZHFIX_OK : ZHFIX_ERR_NOMEM;
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

bool zhfix__conv_keeps_ascii(const struct zhfix__conv *c)
{
  return c->fast && zhfix__fastcc_keeps_ascii(c->fast);
}
