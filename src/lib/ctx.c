/* Handles: open/close, options, per-handle error state, status names. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "internal.h"

zhfix_status zhfix_open(zhfix_ctx **ctx, unsigned flags)
{
  zhfix_ctx *c;

  if (!ctx)
    return ZHFIX_ERR_ARG;
  *ctx = NULL;
  c = calloc(1, sizeof *c);
  if (!c)
    return ZHFIX_ERR_NOMEM;
  c->flags = flags;
  c->in_cd = (iconv_t)-1;
  c->window = ZHFIX__WINDOW;
  if (!zhfix__gb_open(&c->gb)) {
    free(c);
    return ZHFIX_ERR_CODEC;
  }
  if (!zhfix__codecs_open(&c->codecs)) {
    zhfix__codecs_close(&c->codecs);
    zhfix__gb_close(&c->gb);
    free(c);
    return ZHFIX_ERR_CODEC;
  }
  *ctx = c;
  return ZHFIX_OK;
}

void zhfix_close(zhfix_ctx **ctx)
{
  zhfix_ctx *c;

  if (!ctx || !*ctx)
    return;
  c = *ctx;
  if (c->auto_conv[0]) {
    zhfix__conv_close(c->auto_conv[0]);
    zhfix__conv_close(c->auto_conv[1]);
  } else {
    zhfix__conv_close(c->conv);
  }
  zhfix__buf_free(&c->held);
  zhfix__buf_free(&c->ahead);
  zhfix__buf_free(&c->ahead_lines);
  zhfix__gb_close(&c->gb);
  zhfix__codecs_close(&c->codecs);
  free(c->codecs.u);
  zhfix__buf_free(&c->scratch);
  zhfix__buf_free(&c->rawline);
  zhfix__buf_free(&c->in_pending);
  zhfix__buf_free(&c->decoded);
  zhfix__buf_free(&c->linetext);
  if (c->in_cd != (iconv_t)-1)
    iconv_close(c->in_cd);
  zhfix__buf_free(&c->pending);
  zhfix__buf_free(&c->out);
  zhfix__buf_free(&c->batch);
  zhfix__buf_free(&c->seg);
  zhfix__text_free(&c->text);
  free(c->offsets);
  free(c);
  *ctx = NULL;
}

zhfix_status zhfix__fail(zhfix_ctx *ctx, zhfix_status st, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
  va_end(ap);
  return st;
}

zhfix_status zhfix_set_target(zhfix_ctx *ctx, const char *target)
{
  struct zhfix__conv *conv = NULL;

  struct zhfix__conv *both[2] = {NULL, NULL};

  if (!ctx)
    return ZHFIX_ERR_ARG;
  if (target && strcmp(target, "auto") == 0) {
    /* The document's dominant script, chosen as it comes (auto.c). */
    if (!(both[0] = zhfix__conv_open("t2s", ctx->engine_opencc, ctx->errmsg,
                                     sizeof ctx->errmsg)) ||
        !(both[1] = zhfix__conv_open("s2t", ctx->engine_opencc, ctx->errmsg,
                                     sizeof ctx->errmsg))) {
      zhfix__conv_close(both[0]);
      return ZHFIX_ERR_CONFIG;
    }
  } else if (target) {
    if (!*target)
      return zhfix__fail(ctx, ZHFIX_ERR_ARG, "empty conversion target");
    conv = zhfix__conv_open(target, ctx->engine_opencc, ctx->errmsg, sizeof ctx->errmsg);
    if (!conv)
      return ZHFIX_ERR_CONFIG;
  }
  if (ctx->auto_conv[0]) {
    zhfix__conv_close(ctx->auto_conv[0]);
    zhfix__conv_close(ctx->auto_conv[1]);
  } else {
    zhfix__conv_close(ctx->conv);
  }
  ctx->conv = conv;
  ctx->auto_conv[0] = both[0];
  ctx->auto_conv[1] = both[1];
  zhfix__auto_reset(ctx);
  return ZHFIX_OK;
}

zhfix_status zhfix_set_punct(zhfix_ctx *ctx, zhfix_punct region, int space)
{
  if (!ctx || region < ZHFIX_PUNCT_OFF || region > ZHFIX_PUNCT_HONGKONG)
    return ZHFIX_ERR_ARG;
  ctx->punct = region;
  ctx->punct_space = space != 0;
  return ZHFIX_OK;
}

zhfix_status zhfix_set_converter(zhfix_ctx *ctx, zhfix_converter converter)
{
  if (!ctx || converter < ZHFIX_CONVERTER_UNKNOWN || converter > ZHFIX_CONVERTER_OTHER)
    return ZHFIX_ERR_ARG;
  ctx->converter = converter;
  ctx->converter_set = converter != ZHFIX_CONVERTER_UNKNOWN;
  ctx->converter_han[0] = ctx->converter_han[1] = 0;
  return ZHFIX_OK;
}

zhfix_converter zhfix_get_converter(const zhfix_ctx *ctx)
{
  return ctx ? ctx->converter : ZHFIX_CONVERTER_UNKNOWN;
}

zhfix_status zhfix_set_engine(zhfix_ctx *ctx, const char *engine)
{
  bool opencc;
  zhfix_status st = ZHFIX_OK;

  if (!ctx || !engine)
    return ZHFIX_ERR_ARG;
  if (strcmp(engine, "fast") == 0)
    opencc = false;
  else if (strcmp(engine, "opencc") == 0)
    opencc = true;
  else
    return zhfix__fail(ctx, ZHFIX_ERR_ARG, "unknown engine '%s' (fast, opencc)", engine);
  if (opencc == ctx->engine_opencc)
    return ZHFIX_OK;
  ctx->engine_opencc = opencc;
  if (ctx->auto_conv[0]) { /* --to=auto: both converters again, nothing chosen yet */
    st = zhfix_set_target(ctx, "auto");
    if (st != ZHFIX_OK)
      ctx->engine_opencc = !opencc;
  } else if (ctx->conv) {
    struct zhfix__conv *conv = zhfix__conv_open(zhfix__conv_target(ctx->conv), opencc,
                                                ctx->errmsg, sizeof ctx->errmsg);
    if (!conv) {
      ctx->engine_opencc = !opencc;
      return ZHFIX_ERR_CONFIG;
    }
    zhfix__conv_close(ctx->conv);
    ctx->conv = conv;
  }
  return st;
}

const char *zhfix_get_engine(const zhfix_ctx *ctx, const char **why)
{
  if (why)
    *why = NULL;
  if (!ctx || (!ctx->conv && !ctx->auto_conv[0]))
    return NULL;
  /* --to=auto: both converters have the same engine (Debian's t2s and s2t). */
  return zhfix__conv_engine(ctx->conv ? ctx->conv : ctx->auto_conv[0], why);
}

zhfix_status zhfix_set_input_encoding(zhfix_ctx *ctx, const char *encoding)
{
  iconv_t cd = (iconv_t)-1;
  bool lines = false;

  if (!ctx)
    return ZHFIX_ERR_ARG;
  if (encoding && strcasecmp(encoding, "UTF-8") != 0 && strcasecmp(encoding, "UTF8") != 0 &&
      strcasecmp(encoding, "ASCII") != 0) {
    /* GBK text is decoded as GB18030, its superset: user-defined cells become
     * private-use characters instead of errors. */
    const char *from = zhfix__gb_label(encoding) ? "GB18030" : encoding;
    char nl = '\n', got[8], *in = &nl, *out = got;
    size_t inleft = 1, outleft = sizeof got;
    cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
      return zhfix__fail(ctx, ZHFIX_ERR_CODEC, "unknown input encoding '%s'", encoding);
    /* Lines are bytes ending in 0A (pipeline.c decodes them one by one) unless
     * the encoding writes a line feed otherwise (UTF-16, UTF-32). */
    if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1) {
      lines = out == got + 1 && got[0] == '\n';
    } else if (errno != EINVAL && errno != EILSEQ) {
      int e = errno;
      iconv_close(cd);
      return zhfix__fail(ctx, ZHFIX_ERR_CODEC, "iconv: %s", strerror(e));
    }
    iconv(cd, NULL, NULL, NULL, NULL);
  }
  if (ctx->in_cd != (iconv_t)-1)
    iconv_close(ctx->in_cd);
  ctx->in_cd = cd;
  ctx->in_pending.len = 0;
  ctx->in_lines = lines;
  ctx->in_long = false;
  return ZHFIX_OK;
}

zhfix_status zhfix_get_stats(const zhfix_ctx *ctx, zhfix_stats *stats)
{
  if (!ctx || !stats)
    return ZHFIX_ERR_ARG;
  *stats = ctx->stats;
  return ZHFIX_OK;
}

void zhfix_set_change_cb(zhfix_ctx *ctx, zhfix_change_fn fn, void *user)
{
  if (!ctx)
    return;
  ctx->change_fn = fn;
  ctx->change_user = user;
}

const char *zhfix_errmsg(const zhfix_ctx *ctx)
{
  return ctx ? ctx->errmsg : "";
}

const char *zhfix_version(void)
{
  return PACKAGE_VERSION;
}

void zhfix_free(void *p)
{
  free(p);
}

const char *zhfix_strerror(zhfix_status status)
{
  switch (status) {
  case ZHFIX_OK: return "success";
  case ZHFIX_ERR_NOMEM: return "out of memory";
  case ZHFIX_ERR_ARG: return "invalid argument";
  case ZHFIX_ERR_CONFIG: return "cannot open OpenCC config";
  case ZHFIX_ERR_CONVERT: return "OpenCC conversion failed";
  case ZHFIX_ERR_OUTPUT: return "output failed";
  case ZHFIX_ERR_CODEC: return "cannot open a code page converter";
  }
  return "unknown status";
}
