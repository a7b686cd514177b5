/* Private declarations shared across libzhfix's files (zhfix__ prefix). Never installed. */
#ifndef ZHFIX_INTERNAL_H
#define ZHFIX_INTERNAL_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zhfix.h"

/* ---- generated tables (src/lib/tables, by data/gen_tables.py) ---- */

struct zhfix__reading_entry {
  uint32_t cp;     /* Han code point */
  uint32_t first;  /* index of its first syllable id in ids[] */
  uint8_t count;   /* number of readings */
  uint8_t common;  /* how many of them, first, are common (kMandarin, kHanyuPinlu) */
};

struct zhfix__readings_table {
  const char *const *syllables;               /* toned syllables "zhuan3", sorted */
  size_t nsyllables;
  const uint16_t *ids;                        /* syllable ids, per entry */
  const struct zhfix__reading_entry *entries; /* sorted by cp */
  size_t nentries;
};

extern const struct zhfix__readings_table zhfix__readings;

struct zhfix__lm_table {
  const uint32_t *uni_cp;  /* code points, sorted */
  const uint8_t *uni_cost; /* -ln P(c), in 1/8 nat */
  const uint8_t *start_cost; /* -ln P(c starts a word | c) */
  const uint8_t *end_cost;   /* -ln P(c ends a word | c) */
  size_t nuni;
  const uint32_t *bi_key;  /* (index of a << 16) | index of b, sorted */
  const uint8_t *bi_cost;  /* -ln P(b | a, inside a word), in 1/8 nat */
  size_t nbi;
};

extern const struct zhfix__lm_table zhfix__lm_simp, zhfix__lm_trad;

struct zhfix__script_table {
  const uint32_t *simp_only; /* sorted: characters only Simplified text uses */
  size_t nsimp;
  const uint32_t *trad_only; /* sorted: characters only Traditional text uses */
  size_t ntrad;
};

extern const struct zhfix__script_table zhfix__script_chars;

/* ---- buf.c: growable byte buffer ---- */

struct zhfix__buf {
  char *data;
  size_t len, cap;
};

/* Append n bytes; false on out of memory (the buffer is unchanged then). */
bool zhfix__buf_add(struct zhfix__buf *b, const void *p, size_t n);
bool zhfix__buf_add_cp(struct zhfix__buf *b, uint32_t cp); /* UTF-8 encode and append */
/* Make room for n more bytes (len unchanged); false on out of memory. */
bool zhfix__buf_reserve(struct zhfix__buf *b, size_t n);
void zhfix__buf_free(struct zhfix__buf *b);

/* ---- utf8.c ---- */

/* Decode one scalar value at p (p < end). Returns its length in bytes (1-4)
 * and stores it in *cp, or 0 if the bytes at p are not a valid, shortest-form
 * UTF-8 sequence of a scalar value (surrogates and > U+10FFFF are invalid). */
size_t zhfix__utf8_decode(const char *p, const char *end, uint32_t *cp);
/* Is s[0, len) valid UTF-8 throughout (NUL allowed)? */
bool zhfix__utf8_valid(const char *s, size_t len);
/* Encode cp (a scalar value) into out[4]; returns the length 1-4. */
size_t zhfix__utf8_encode(uint32_t cp, char out[4]);

/* ---- buf.c: a line as code points, each remembering where it came from ---- */

struct zhfix__text {
  uint32_t *cp;   /* code points */
  uint32_t *src;  /* per code point: index of the input code point it came from */
  size_t n, cap;
};

/* Replace cp[pos, pos+del) by ins[0, nins); inserted code points get src value
 * `src`. false on out of memory (text unchanged). */
bool zhfix__text_splice(struct zhfix__text *t, size_t pos, size_t del,
                        const uint32_t *ins, size_t nins, uint32_t src);
void zhfix__text_free(struct zhfix__text *t);

/* ---- chars.c: character classes (ICU properties) ---- */

bool zhfix__is_han(uint32_t cp);        /* Script=Han ideograph (not punctuation) */
bool zhfix__is_pua(uint32_t cp);        /* General_Category=Co */
bool zhfix__is_bopomofo(uint32_t cp);   /* Script=Bopomofo letters */
static inline bool zhfix__is_ascii_alpha(uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- lm.c: character language model ---- */

/* Index of key in the sorted array a[0, n), or -1. */
long zhfix__find_u32(const uint32_t *a, size_t n, uint32_t key);

/* Cost, in nats, of the sequence cp[0, n) preceded by `prev` and followed by
 * `next` (0 for none), under the better of the Simplified and Traditional
 * models. Lower is more plausible Chinese. Non-Han characters get fixed costs
 * (see lm.c): ASCII letters glued to Han and private-use characters are dear. */
double zhfix__lm_cost(uint32_t prev, const uint32_t *cp, size_t n, uint32_t next);
/* -ln P(c) of one Han character under the better model; a large constant if unknown. */
double zhfix__lm_unigram(uint32_t cp);
/* True if cp is a Han character rare enough to be evidence of damage. */
bool zhfix__lm_is_rare(uint32_t cp);

/* ---- readings.c lookup (ruby.c) ---- */

/* A syllable: ASCII base (u-umlaut as 'v'), NUL-terminated, and tone 1-5 or 0
 * when the annotation gave none. */
struct zhfix__syllable {
  char base[8];
  int tone;
};

/* Parse one pinyin syllable cp[0, n): ASCII letters and tone-marked vowels
 * (any case, ü or v), or letters and a final tone digit 1-5. */
bool zhfix__parse_pinyin(const uint32_t *cp, size_t n, struct zhfix__syllable *syl);
/* How syl reads Han character cp (Unihan union; see readings.c). */
enum zhfix__reading { ZHFIX__NOT_READING = 0, ZHFIX__RARE_READING, ZHFIX__COMMON_READING };
enum zhfix__reading zhfix__reading_of(uint32_t cp, const struct zhfix__syllable *syl);
/* True if syl is any reading of cp. */
bool zhfix__is_reading(uint32_t cp, const struct zhfix__syllable *syl);

/* ---- gb.c: GB18030 through iconv ---- */

/* Is name a label of the GB family (GB2312, GBK, CP936, GB18030), all read as
 * GB18030, their superset, as browsers do? */
bool zhfix__gb_label(const char *name);

struct zhfix__gb {
  iconv_t to_gb;   /* UTF-8 -> GB18030 */
  iconv_t from_gb; /* GB18030 -> UTF-8 */
  uint16_t *enc;   /* lazily: per BMP code point, its two-byte code, 1 if none, 0 unknown */
  uint32_t *dec;   /* lazily: per two-byte pair (lead 81-FE), its code point + 1, 0 unknown,
                      UINT32_MAX invalid */
};

bool zhfix__gb_open(struct zhfix__gb *gb);
void zhfix__gb_close(struct zhfix__gb *gb);
/* GB18030 bytes of cp into out[4]; returns 1, 2 or 4, or 0 if not encodable. */
size_t zhfix__gb_encode(struct zhfix__gb *gb, uint32_t cp, unsigned char out[4]);
/* Decode bytes[0, n) strictly; stores at most max code points in cps. Returns
 * the count, or (size_t)-1 if the bytes are not valid GB18030 or too many. */
size_t zhfix__gb_decode(struct zhfix__gb *gb, const unsigned char *bytes, size_t n,
                        uint32_t *cps, size_t max);

/* ---- detect.c ---- */

struct zhfix__script_count {
  uint64_t han, simplified_only, traditional_only;
};
/* Script of cp[0, n); adds its counts to *count if count is not NULL. */
zhfix_script zhfix__classify(const uint32_t *cp, size_t n, struct zhfix__script_count *count);
/* Cost under the Simplified model minus cost under the Traditional one (nats). */
double zhfix__lm_script_bias(const uint32_t *cp, size_t n);

/* ---- codec.c: legacy code pages through ICU, strict both ways ---- */

enum zhfix__codec {
  ZHFIX__UTF8, ZHFIX__CP1252, ZHFIX__LATIN1, ZHFIX__GB18030, ZHFIX__BIG5, ZHFIX__SJIS,
  ZHFIX__EUCKR, ZHFIX__UTF16LE, ZHFIX__UTF16BE, ZHFIX__BIG5HKSCS, ZHFIX__CP1251, ZHFIX__CP1250,
  ZHFIX__MACROMAN, ZHFIX__CP437, ZHFIX__NCODECS
};

struct UConverter;
struct zhfix__codecs {
  struct UConverter *cnv[ZHFIX__NCODECS]; /* NULL for UTF-8 (our own code) */
  uint16_t *u;                            /* UTF-16 scratch (UChar) */
  size_t nu;
  bool oom;  /* an allocation failed (the call reported failure, like invalid input) */
};

bool zhfix__codecs_open(struct zhfix__codecs *c);
void zhfix__codecs_close(struct zhfix__codecs *c);
/* Encode cp[0, n) exactly into out (replacing its contents); false if a
 * character has no mapping in the code page or on out of memory. */
bool zhfix__encode(struct zhfix__codecs *c, enum zhfix__codec codec, const uint32_t *cp, size_t n,
                   struct zhfix__buf *out);
/* Decode bytes[0, n) strictly into at most max code points; returns the count,
 * or (size_t)-1 on an illegal or truncated sequence or too many code points. */
size_t zhfix__decode(struct zhfix__codecs *c, enum zhfix__codec codec, const char *bytes, size_t n,
                     uint32_t *cp, size_t max);

/* ---- convert.c: the single conversion wrapper (fast engine or libopencc) ---- */

struct zhfix__conv;
/* Open the OpenCC config for a target (see zhfix_set_target) with the fast
 * engine, or with libopencc if opencc is true or the fast engine cannot do
 * the config exactly. On failure returns NULL and writes a message into
 * err[errlen]. */
struct zhfix__conv *zhfix__conv_open(const char *target, bool opencc, char *err, size_t errlen);
/* The engine of c, "fast" or "opencc"; *why (if why is not NULL) receives
 * why the fast engine was not used, or NULL. Strings owned by c. */
const char *zhfix__conv_engine(const struct zhfix__conv *c, const char **why);
const char *zhfix__conv_target(const struct zhfix__conv *c); /* as opened */
void zhfix__conv_close(struct zhfix__conv *c);
/* Convert valid, NUL-free UTF-8 in[0, len) and append the result to out. */
zhfix_status zhfix__conv_run(struct zhfix__conv *c, const char *in, size_t len,
                             struct zhfix__buf *out);

/* ---- fastcc.c: the fast conversion engine (OpenCC 1.1 semantics, exactly) ---- */

/* One OpenCC dictionary, generated by data/gen_opencc.py into tables/opencc.c
 * from an installed .ocd2 file. */
struct zhfix__ocd_source {
  const char *file;  /* "STPhrases.ocd2" */
  long size;         /* bytes of the .ocd2 file the text was made from */
  size_t nentries;
  size_t nnodes;     /* of its trie: the root and each distinct key prefix */
  const char *text;  /* "key\tdefault value\n" lines, UTF-8, sorted by code points */
  size_t len;        /* bytes of text */
};
extern const struct zhfix__ocd_source zhfix__ocd_sources[];
extern const size_t zhfix__nocd_sources;

struct zhfix__fastcc;
/* Open an OpenCC config (a file name, looked up as libopencc does, or a
 * path). Returns NULL and a reason in why[whylen] if the config is missing
 * or malformed, or names a dictionary or a type not built in (the caller then
 * falls back to libopencc). Dictionaries are built once per process and
 * shared read-only; the handle itself is for one thread. */
struct zhfix__fastcc *zhfix__fastcc_open(const char *config, char *why, size_t whylen);
void zhfix__fastcc_close(struct zhfix__fastcc *c);
/* Convert valid UTF-8 in[0, len) (NUL allowed: it is copied) and append the
 * result to out; false on out of memory. */
bool zhfix__fastcc_run(struct zhfix__fastcc *c, const char *in, size_t len, struct zhfix__buf *out);

/* ---- repair stages (shift.c, ruby.c) ---- */

/* A change found by a stage, in terms of the input line's code points. */
struct zhfix__edit {
  size_t from, to;      /* input code point range [from, to) replaced */
  const char *kind;
  double margin;
  const uint32_t *after;
  size_t nafter;
};

typedef void (*zhfix__edit_fn)(zhfix_ctx *ctx, const struct zhfix__edit *e);

bool zhfix__mojibake_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report);
/* A line that is not valid UTF-8: UTF-8 cut inside characters, or text in a
 * legacy code page (GB18030, Big5; GBK with 0x5C trail bytes mangled to 0x2F).
 * On success writes valid UTF-8 into out and returns the kind of the repair;
 * NULL when no hypothesis reads as text (the bytes are then left alone), or
 * with *nomem set when an allocation failed. */
const char *zhfix__raw_repair(zhfix_ctx *ctx, const char *s, size_t len, struct zhfix__buf *out,
                              bool *nomem);
bool zhfix__shift_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report);
bool zhfix__ruby_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report);

/* ---- ctx.c ---- */

struct zhfix_ctx {
  unsigned flags;
  struct zhfix__conv *conv;    /* NULL: no conversion */
  bool engine_opencc;          /* zhfix_set_engine(ctx, "opencc") */
  struct zhfix__gb gb;
  struct zhfix__codecs codecs;
  struct zhfix__buf scratch;   /* scratch bytes for the mojibake stage */
  struct zhfix__buf rawline;   /* a line decoded from raw bytes by zhfix__raw_repair */
  zhfix_change_fn change_fn;
  void *change_user;
  struct zhfix__buf pending;   /* incomplete line kept between feeds */
  struct zhfix__buf out;       /* output of one line */
  struct zhfix__buf seg;       /* scratch: one repaired segment */
  struct zhfix__text text;     /* scratch: the segment as code points */
  uint32_t *offsets;           /* byte offset of each input code point of the segment */
  size_t noffsets;
  const char *seg_bytes;       /* the segment being repaired (for change reports) */
  uint64_t seg_col, seg_byte;  /* its column (0-based) and byte offset in the line */
  uint64_t line;               /* lines finished in this document */
  zhfix_stats stats;           /* counts for this document */
  bool doc_done;               /* zhfix_finish() ran: the next feed starts a document */
  iconv_t in_cd;               /* input encoding -> UTF-8, or (iconv_t)-1 */
  struct zhfix__buf in_pending;/* input bytes of an incomplete character */
  struct zhfix__buf decoded;   /* scratch: decoded input */
  struct zhfix__buf linetext;  /* the repaired text of the current line (script, findings) */
  char errmsg[256];
};

zhfix_status zhfix__fail(zhfix_ctx *ctx, zhfix_status st, const char *fmt, ...);

#endif
