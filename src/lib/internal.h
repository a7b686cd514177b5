/* Private declarations shared across libzhfix's files (zhfix__ prefix). Never installed. */
#ifndef ZHFIX_INTERNAL_H
#define ZHFIX_INTERNAL_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
  const uint32_t *bi_start; /* per index a (nuni + 1 entries): a's first bigram */
};

extern const struct zhfix__lm_table zhfix__lm_simp, zhfix__lm_trad;

struct zhfix__script_table {
  const uint32_t *simp_only; /* sorted: characters only Simplified text uses */
  size_t nsimp;
  const uint32_t *trad_only; /* sorted: characters only Traditional text uses */
  size_t ntrad;
};

extern const struct zhfix__script_table zhfix__script_chars;

/* A key of a misconv lexicon (below): its 2-4 characters (representatives),
 * per offset the character all of its words have there (0: the key's own;
 * ZHFIX__AT_MANY: they differ), its first word (lex entry; its words end at the next key's), its
 * length in characters. */
#define ZHFIX__AT_MANY 0xFFFFFFFFu
struct zhfix__lexkey {
  uint32_t cp[4], at[4];
  uint32_t lo, len;
};

/* Converter errors (tables/misconv.c, by data/gen_misconv.py): per side (0
 * Traditional, 1 Simplified), characters with alternatives, sorted; the
 * alternatives of cp[i] are alt[first[i], first[i + 1]). doubling holds
 * ndoubling pairs of UTF-8 strings: a twice-converted form, then the right one. */
struct zhfix__misconv_table {
  const uint32_t *cp[2];
  const uint16_t *first[2];
  const uint32_t *alt[2];
  size_t n[2];
  const uint32_t *first_choice[2]; /* sorted: alternatives a converter writes first */
  size_t nfirst_choice[2];
  const uint32_t *ident[2];        /* sorted: other members that are their own source */
  size_t nident[2];
  const uint32_t *rep[2];          /* per cp[]: its set's representative */
  const char *lex[2];              /* words: key NUL word NUL, sorted by key */
  const uint32_t *lex_off[2];      /* offset of each word's key in lex */
  const uint8_t *lex_cost[2];      /* ln(frequency) x 8 of each word */
  size_t nlex[2];
  const char *const *doubling;
  size_t ndoubling;
  const uint32_t *t2s_from, *t2s_to; /* TSCharacters, first candidate, sorted by from */
  size_t nt2s;
  const char *const *vocab[2];       /* Taiwan's words, the mainland's (Simplified), sorted */
  size_t nvocab[2];
  const uint32_t *never;             /* sorted: Traditional members no character-only converter writes */
  size_t nnever;
  const char *phrase;                /* STPhrases/TWPhrases values holding a member: NUL-separated, sorted */
  const uint32_t *phrase_off;        /* offset of each value in phrase */
  size_t nphrase;
  const char *equal;                 /* "A\tB": two spellings of one STPhrases key, sorted */
  const uint32_t *equal_off;
  size_t nequal;
  const struct zhfix__lexkey *lexkey[2]; /* lex's keys, in its order, + an end (lo = nlex) */
  size_t nlexkey[2];
  const uint32_t *lexslot[2];        /* lexkey[] by misconv.c's key_hash(), linear
                                      * probing: index + 1, 0 empty; at most 3/4 full */
  uint32_t lexmask[2];               /* slots - 1 */
  const uint32_t *near[2];           /* sorted: the bits misconv.c's near filter sets, */
  size_t nnear[2];                   /* each below 1 << ZHFIX__NEAR_LOG */
};
#define ZHFIX__NEAR_LOG 21

extern const struct zhfix__misconv_table zhfix__misconv;

/* ---- buf.c: growable byte buffer ---- */

struct zhfix__buf {
  char *data;
  size_t len, cap;
};

/* zhfix__buf_reserve() when the room is not there: grows the buffer. */
bool zhfix__buf_grow(struct zhfix__buf *b, size_t n);

/* Make room for n more bytes (len unchanged); false on out of memory. Inline:
 * the pipeline asks it for every line. */
static inline bool zhfix__buf_reserve(struct zhfix__buf *b, size_t n)
{
  return n <= b->cap - b->len || zhfix__buf_grow(b, n);
}

/* Append n bytes; false on out of memory (the buffer is unchanged then). */
static inline bool zhfix__buf_add(struct zhfix__buf *b, const void *p, size_t n)
{
  if (!zhfix__buf_reserve(b, n))
    return false;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  return true;
}

bool zhfix__buf_add_cp(struct zhfix__buf *b, uint32_t cp); /* UTF-8 encode and append */
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
/* The first byte of p[0, end - p) that is not ASCII (>= 0x80), or end; 16
 * bytes at a time where SSE2 is there. */
const char *zhfix__ascii_end(const char *p, const char *end);

/* ---- buf.c: a line as code points, each remembering where it came from ---- */

struct zhfix__text {
  uint32_t *cp;   /* code points */
  uint32_t *src;  /* per code point: index of the input code point it came from */
  size_t n, cap;
};

/* Room for n code points in t (cap >= n); false on out of memory. */
bool zhfix__text_reserve(struct zhfix__text *t, size_t n);
/* Replace cp[pos, pos+del) by ins[0, nins); inserted code points get src value
 * `src`. false on out of memory (text unchanged). */
bool zhfix__text_splice(struct zhfix__text *t, size_t pos, size_t del,
                        const uint32_t *ins, size_t nins, uint32_t src);
void zhfix__text_free(struct zhfix__text *t);

/* ---- chars.c: character classes (Unicode properties, tables/script.c) ---- */

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
/* Script of cp[0, n) by its counts alone (ZHFIX_SCRIPT_TIE when only the
 * language model can tell); adds them to *count if count is not NULL. */
int zhfix__script_counted(const uint32_t *cp, size_t n, struct zhfix__script_count *count);
/* Script of cp[0, n); adds its counts to *count if count is not NULL. */
zhfix_script zhfix__classify(const uint32_t *cp, size_t n, struct zhfix__script_count *count);
/* The script that counts (as zhfix__classify adds them) give; bias is the
 * model bias (below) of the text, used when the counts tie. */
zhfix_script zhfix__script_of_counts(const struct zhfix__script_count *count, double bias);
/* The script of a text from its counts (Han, Simplified-only, Traditional-only
 * characters), or ZHFIX_SCRIPT_TIE when only the language model can tell
 * (zhfix__classify then asks it). */
#define ZHFIX_SCRIPT_TIE (-1)
int zhfix__script_by_counts(uint64_t han, uint64_t s, uint64_t t);
/* Cost under the Simplified model minus cost under the Traditional one (nats). */
double zhfix__lm_script_bias(const uint32_t *cp, size_t n);
/* zhfix__lm_script_bias(cp, n) <= 0, exactly, but computed from the few
 * characters whose costs differ between the models where their difference
 * decides (zhfix__classify's tie-break). */
bool zhfix__lm_reads_simplified(const uint32_t *cp, size_t n);
/* Cost of cp[0, n) between prev and next (0 for none) under one model:
 * trad true for the Traditional one. */
double zhfix__lm_cost_in(bool trad, uint32_t prev, const uint32_t *cp, size_t n, uint32_t next);

/* ---- badness.c: odd characters and odd neighbours in alphabetic text ---- */

/* Badness of cp[0, n) (code points): the count of character pairs real text
 * seldom puts side by side (a symbol or quote inside a word, a capital after a
 * small letter, two scripts in one word) plus 2 per control, private-use or
 * unassigned character and 1 or more per rare letter (IPA, Latin
 * Extended-B). 0 for plain text. Categories from ICU (General_Category, Script). */
int zhfix__badness(const uint32_t *cp, size_t n);

/* ---- codec.c: legacy code pages through ICU, strict both ways ---- */

enum zhfix__codec {
  ZHFIX__UTF8, ZHFIX__CP1252, ZHFIX__LATIN1, ZHFIX__GB18030, ZHFIX__BIG5, ZHFIX__SJIS,
  ZHFIX__EUCKR, ZHFIX__UTF16LE, ZHFIX__UTF16BE, ZHFIX__BIG5HKSCS, ZHFIX__CP1251, ZHFIX__CP1250,
  ZHFIX__MACROMAN, ZHFIX__CP437, ZHFIX__CP1257, ZHFIX__LATIN2, ZHFIX__NCODECS
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
 * character has no mapping in the code page or on out of memory. GB18030 also
 * takes the 24 characters glibc reads for two-byte codes that ICU reads as
 * private-use (codec.c: gb2005[]) back to those codes. */
bool zhfix__encode(struct zhfix__codecs *c, enum zhfix__codec codec, const uint32_t *cp, size_t n,
                   struct zhfix__buf *out);
/* Decode bytes[0, n) strictly into at most max code points; returns the count,
 * or (size_t)-1 on an illegal or truncated sequence or too many code points. */
size_t zhfix__decode(struct zhfix__codecs *c, enum zhfix__codec codec, const char *bytes, size_t n,
                     uint32_t *cp, size_t max);
/* Decode bytes[0, n) of a legacy code page (not UTF-8) into at most max code
 * points, skipping the bytes of each illegal or unmapped sequence: *bad gets
 * their count, *cut the bytes of a character cut off at the end. Returns the
 * count of code points, or (size_t)-1 on too many code points or out of memory. */
size_t zhfix__decode_lossy(struct zhfix__codecs *c, enum zhfix__codec codec, const char *bytes,
                           size_t n, uint32_t *cp, size_t max, size_t *bad, size_t *cut);

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
/* Does c leave ASCII text as it is (the fast engine, no key of its config
 * holding an ASCII character)? Then such a line needs no zhfix__conv_run(). */
bool zhfix__conv_keeps_ascii(const struct zhfix__conv *c);

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
  /* The trie, packed as data/gen_opencc.py describes, read in place: */
  const uint64_t *nodes;   /* [nnodes] breadth-first: code point, ISKEY, first child, count */
  const uint32_t *vals;    /* [nnodes] value offset in text (bits 0-23), length (24-31) */
  const uint16_t *rootidx; /* [1024] block of rootblk for each cp >> 6 */
  const uint64_t *rootblk; /* the root's edge for each BMP code point, 64 a block */
  const uint64_t *pairs;   /* [2^pairbits / 64] filter of the keys' first two characters */
  unsigned pairbits;
  const uint64_t *bigrams; /* [2^bigrambits / 64] filter of two consecutive characters of a key */
  unsigned bigrambits;
  const uint64_t *pair2;   /* [2 * 2^pair2bits] the keys' first two characters -> their
                            * node and its word */
  unsigned pair2bits;
  const uint16_t *mcidx;   /* [1024] word of mcbits for each cp >> 6 */
  const uint64_t *mcbits;  /* BMP code points that occur in keys of >= 2 characters */
  uint64_t ascii[2];       /* ASCII characters that occur in some key */
  bool astral;             /* some key has an astral character */
  bool astral_multi;       /* some key of >= 2 characters has one */
  bool single;             /* every key is one character */
};
extern const struct zhfix__ocd_source zhfix__ocd_sources[];
extern const size_t zhfix__nocd_sources;

struct zhfix__fastcc;
/* Open an OpenCC config (a file name, looked up as libopencc does, or a
 * path). Returns NULL and a reason in why[whylen] if the config is missing
 * or malformed, or names a dictionary or a type not built in (the caller then
 * falls back to libopencc). Dictionaries are the generated tables, read in
 * place and shared; the handle itself (its memos) is for one thread. */
struct zhfix__fastcc *zhfix__fastcc_open(const char *config, char *why, size_t whylen);
void zhfix__fastcc_close(struct zhfix__fastcc *c);
/* Convert valid UTF-8 in[0, len) (NUL allowed: it is copied) and append the
 * result to out; false on out of memory. */
bool zhfix__fastcc_run(struct zhfix__fastcc *c, const char *in, size_t len, struct zhfix__buf *out);
/* Is no ASCII character in a key of any of c's dictionaries (so that ASCII
 * converts to itself)? */
bool zhfix__fastcc_keeps_ascii(const struct zhfix__fastcc *c);

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
/* misconv.c: a converter's wrong choice among the conversions of one source
 * character (被髮明 for 被發明), and phrases a converter run twice doubled. */
bool zhfix__misconv_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report);
/* mojibake.c: are the bytes s[0, len) read as GBK/GB18030 or Big5 pairs all
 * pairs whose trail is an ASCII letter glued to a Latin word (Le r\xE9gime)?
 * Then they are no legacy Chinese (false if there is no pair). */
bool zhfix__latin_glued(const char *s, size_t len);
/* Read a processed line (or sentence of a long line) as it came,
 * text[0, len) (UTF-8; invalid bytes skipped), as evidence of what converted
 * the document (see zhfix_set_converter()); a no-op once decided. */
void zhfix__misconv_evidence(zhfix_ctx *ctx, const char *text, size_t len);
/* The same, for a line of the given script as zhfix__classify() would
 * count it before the stage (ZHFIX_SCRIPT_TIE: not known, classify it). */
bool zhfix__misconv_repair_as(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report,
                              int script);
/* For tests: true makes the stage weigh every character with alternatives,
 * without its exact filter (may_change()). */
extern bool zhfix__misconv_no_filter;
/* Can zhfix__misconv_repair change a line that holds no character c for
 * which this is true (a member of a set of alternatives, either script, or
 * the first character of a doubled form)? No: quick.c's gate. */
bool zhfix__misconv_member(uint32_t c);
/* The same by kind: a member of a set of the Traditional side (the stage
 * weighs it in a Traditional line), of the Simplified side, the first
 * character of a doubled form (any line). */
enum { ZHFIX__MISCONV_TRAD = 1, ZHFIX__MISCONV_SIMP = 2, ZHFIX__MISCONV_DOUBLING = 4 };
unsigned zhfix__misconv_member_of(uint32_t c);
/* Does zhfix__misconv_repair_as() leave the line s[0, len) (valid UTF-8, no
 * NUL) alone, whichever script of `sides` (ZHFIX__MISCONV_TRAD, _SIMP) it
 * has? True only when it can tell without decoding the line: no doubled form
 * starts in it and no member of a set has a neighbour next to which a word
 * of the lexicon could vote against it (false: run the stage to know). */
bool zhfix__misconv_quiet(const char *s, size_t len, unsigned sides);
/* The same, given the byte offsets at[0, n) of every character of the line
 * that zhfix__misconv_member_of() does not give 0 for. */
bool zhfix__misconv_quiet_at(const char *s, size_t len, const uint32_t *at, size_t n,
                             unsigned sides);
/* A trial of zhfix__misconv_repair_as(ctx, t, report, script) on the valid
 * UTF-8 line s[0, len) that t would hold, without decoding the line: given
 * the byte offsets at[0, n) as for zhfix__misconv_quiet_at(), it weighs each
 * member as the stage would, on the characters around it (at most 7 on each
 * side), and calls report for the first change it finds (the edit's
 * positions are not the line's), then stops. True when it could tell; false
 * (nothing reported) for a tie of scripts, a Traditional document that a
 * character-only converter wrote, a character outside the BMP near a
 * member: run the stage. */
bool zhfix__misconv_trial_at(zhfix_ctx *ctx, const char *s, size_t len, const uint32_t *at,
                             size_t n, int script, zhfix__edit_fn report);
/* punct.c: halfwidth punctuation of Chinese sentences made fullwidth, quotes
 * of the region, spaces between Han and Latin (the options of zhfix_set_punct). */
bool zhfix__punct_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report);

/* ---- auto.c: --to=auto ---- */

/* Take the finished output line[0, len) of a document whose script is not
 * chosen yet (ctx->linetext holds its repaired text): hold it, and once the
 * evidence suffices (or at the last line), choose, convert what is held and
 * write it. */
zhfix_status zhfix__auto_line(zhfix_ctx *ctx, const char *line, size_t len, bool last,
                              zhfix_write_fn write, void *user);
/* Start a new document: nothing chosen, nothing held. */
void zhfix__auto_reset(zhfix_ctx *ctx);

/* Can c be part of a span that the mojibake stage reads as code page d? */
bool zhfix__mojibake_span_char(enum zhfix__codec d, uint32_t c);
/* The byte c stands for when bytes were read as single-byte code page d, or -1. */
int zhfix__mojibake_sloppy_byte(enum zhfix__codec d, uint32_t c);
/* Can c stand for a UTF-8 lead byte in a code page the any-alphabet passes
 * (latin_worth) read? And c followed by next for a lead and a continuation
 * byte in one of them (a space after some leads: a lost NBSP byte)? Those
 * passes run only on a line with such a pair or a C1 control. */
bool zhfix__mojibake_latin_lead(uint32_t c);
bool zhfix__mojibake_latin_pair(uint32_t c, uint32_t next);
/* Would the mojibake stage's first pass leave the spans of t (a line as it
 * came in) that it reads as GB18030 or Big5 as they are (no hypothesis of
 * theirs has a candidate)? 1 yes, 0 no, -1 out of memory (ctx->codecs.oom is
 * then set). t is not changed; ctx->scratch is used. */
int zhfix__mojibake_cjk_quiet(zhfix_ctx *ctx, struct zhfix__text *t);

/* ---- quick.c: lines every repair stage leaves alone ---- */

#define ZHFIX__QUICK_MEMBERS 64
struct zhfix__quick {
  uint64_t han, simplified_only, traditional_only; /* as zhfix__classify() counts them */
  bool find_left; /* the line may hold damage that find_left() reports */
  /* Byte offsets of the characters the mis-conversion stage looks at
   * (zhfix__misconv_member_of() not 0), the first ZHFIX__QUICK_MEMBERS of
   * them, and their number (zhfix__quick_scan() only). */
  uint32_t member_at[ZHFIX__QUICK_MEMBERS];
  size_t nmembers;
};

/* Stages of repair() (quick.c tells which a line needs). */
enum {
  ZHFIX__STAGE_SHIFT = 1, ZHFIX__STAGE_RUBY = 2, ZHFIX__STAGE_MOJIBAKE = 4,
  ZHFIX__STAGE_UTF16 = 8, /* find_utf16_newline() may report: not quick */
  ZHFIX__STAGE_MISCONV = 16,
  ZHFIX__STAGE_ALL = 31,
  /* Of the mojibake stage, only the spans it reads as GB18030 or Big5 may
   * change (zhfix__mojibake_cjk_quiet() can tell): not a stage of its own. */
  ZHFIX__STAGE_CJK = 32,
  ZHFIX__STAGE_FULL = 127 /* the scan stopped: not even the counts are known */
};

/* Scan the line s[0, len) (bytes, no terminator). Returns the stages that may
 * change or report something in it, 0 for a quiet line, or ZHFIX__STAGE_FULL
 * (not valid UTF-8, NUL, astral, U+FFFD, private use: the full path). Unless
 * FULL, *q holds the line's Han counts and whether find_left() may report.
 * Thread-safe. */
unsigned zhfix__quick_scan(const char *s, size_t len, struct zhfix__quick *q);
/* With repairs off only the counts matter: true if s[0, len) is valid UTF-8
 * without NUL, BMP only; then *q holds its Han counts. */
bool zhfix__quick_count(const char *s, size_t len, struct zhfix__quick *q);
/* For tests: bit k set if c is in the span of quick.c's single-byte page k
 * (cp1252, cp1251, cp1250, MacRoman, cp437). */
unsigned zhfix__quick_pages(uint32_t c);

/* ---- ctx.c ---- */

#define ZHFIX__WINDOW (1u << 20) /* bytes of a long line processed at a time */

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
  struct zhfix__buf batch;     /* output of whole lines not written yet (pipeline.c put_out) */
  zhfix_write_fn batch_write;  /* ... and where it goes (the current zhfix_feed's) */
  void *batch_user;
  bool batch_failed;           /* writing it failed */
  bool batch_in_line;          /* pipeline.c do_line: a line's output is going straight */
  size_t batch_line;           /* ... to batch from this offset on: not written before its end */
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
  struct zhfix__buf in_pending;/* input bytes of an incomplete character (or line) */
  bool in_lines;               /* the input encoding writes a line feed as the byte 0A */
  bool in_long;                /* in a line longer than LINE_HOLD, decoded in part */
  struct zhfix__buf decoded;   /* scratch: decoded input */
  struct zhfix__buf linetext;  /* the repaired text of the current line (script, findings) */
  /* A line longer than `window` bytes is processed in windows (pipeline.c). */
  size_t window;               /* bytes; ZHFIX__WINDOW unless a test sets it */
  bool windowed;               /* the current line has had windows processed */
  uint64_t win_col, win_byte;  /* code points and bytes of the line before this window */
  uint64_t piece_cols;         /* code points of the piece process_line just did */
  uint64_t last_col, last_byte;/* where the last sentence processed began */
  struct zhfix__script_count win_count; /* script counts of the line's windows */
  double win_bias;             /* their summed Simplified-vs-Traditional model bias */
  bool no_quick;               /* tests: never take the quick path (quick.c) */
  bool quick_off;              /* pipeline.c: no_quick, --punct or --space (each call's) */
  bool ascii_kept;             /* pipeline.c: conv converts ASCII to itself (each call's) */
  bool dry_changed;            /* quick_line's trial of the mis-conversion stage changed something */
  unsigned skip;               /* stages repair() skips on this line (quick.c says they find nothing) */
  struct zhfix__conv *auto_conv[2]; /* --to=auto: t2s, s2t; conv is one of them once chosen */
  struct zhfix__buf held;      /* --to=auto: output held until the script is chosen */
  uint64_t auto_points[2];     /* --to=auto: evidence for Simplified, Traditional */
  zhfix_punct punct;           /* zhfix_set_punct */
  bool punct_space;
  bool punct_open;             /* punct.c: the last line left a Chinese sentence open */
  zhfix_converter converter;   /* misconv.c: what converted the document (decided once) */
  bool converter_set;          /* zhfix_set_converter() fixed it for every document */
  uint64_t converter_han[2];   /* Han characters read for it: of Traditional lines, of all */
  struct zhfix__buf ahead;     /* pipeline.c: input lines and windows held until it is decided */
  struct zhfix__buf ahead_lines; /* each one's length in bytes and kind, as uint64_t: len * 4 + kind */
  char errmsg[256];
};

zhfix_status zhfix__fail(zhfix_ctx *ctx, zhfix_status st, const char *fmt, ...);

#endif
