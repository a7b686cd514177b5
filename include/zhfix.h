/* zhfix: repair damaged Chinese text, then convert it between scripts.
 *
 * Copyright 2026 the zhfix authors. Licensed under the Apache License 2.0.
 *
 * The pipeline, per line: repair (byte-shift resync, then ruby residue), then
 * convert (an OpenCC profile). The output for a line depends only on that line
 * and the options, so a text split at line boundaries gives the same result.
 *
 * Units: lengths and offsets are in bytes unless a name says "column", which
 * counts Unicode code points from 1. Text in and out is UTF-8; bytes that are
 * not valid UTF-8 (and NUL bytes) are passed through unchanged.
 *
 * Ownership, once for all: the library never keeps a pointer to a buffer the
 * caller passes in after the call returns. A buffer the library returns through
 * a `char **` is malloc'd, owned by the caller, and freed with zhfix_free().
 * Pointers inside a zhfix_change are valid only during the callback.
 *
 * Errors: every fallible function returns a zhfix_status; zhfix_strerror()
 * names it and zhfix_errmsg() gives the detail for the last error on a handle.
 */
#ifndef ZHFIX_H
#define ZHFIX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes. Append only: the numbers are part of the ABI. */
typedef enum zhfix_status {
  ZHFIX_OK = 0,             /**< success */
  ZHFIX_ERR_NOMEM = 1,      /**< out of memory */
  ZHFIX_ERR_ARG = 2,        /**< invalid argument (NULL handle, bad target name) */
  ZHFIX_ERR_CONFIG = 3,     /**< an OpenCC config could not be opened */
  ZHFIX_ERR_CONVERT = 4,    /**< OpenCC failed to convert a segment */
  ZHFIX_ERR_OUTPUT = 5,     /**< the caller's write callback reported failure */
  ZHFIX_ERR_CODEC = 6       /**< iconv or ICU could not open a code page converter */
} zhfix_status;

/** Flags for zhfix_open(). */
enum zhfix_flags {
  ZHFIX_NO_REPAIR = 1u << 0,      /**< skip every repair stage: convert only */
  ZHFIX_NO_SCRIPT_STATS = 1u << 1 /**< leave zhfix_stats.lines_by_script at 0: lines are not
                                       classified by script, so the language model is not
                                       asked about lines whose Han characters both scripts
                                       share (a filter that reads no statistics); the
                                       other counts, repairs and findings are the same */
};

/** Opaque handle. Not thread-safe: use one handle per thread. */
typedef struct zhfix_ctx zhfix_ctx;

/** One change made by a repair stage, reported through zhfix_change_fn. */
typedef struct zhfix_change {
  uint64_t line;            /**< 1-based line number within the current document */
  uint64_t column;          /**< 1-based column, in code points, in the input line */
  uint64_t byte_offset;     /**< 0-based byte offset of the change in the input line */
  const char *kind;         /**< "ruby", "byte-shift", "mojibake", ...; static string */
  const char *before;       /**< input bytes replaced (not NUL-terminated; not UTF-8
                                 when a whole line that was not UTF-8 was decoded) */
  size_t before_len;        /**< bytes */
  const char *after;        /**< replacement text (UTF-8, not NUL-terminated) */
  size_t after_len;         /**< bytes */
  double margin;            /**< language-model margin in nats per character (badness points
                                 per character for other alphabets); 0 for rule-based changes */
  int reported;             /**< 1: damage found but not repaired (the text is unchanged) */
} zhfix_change;

/** The script of a line or a document. Append only. */
typedef enum zhfix_script {
  ZHFIX_SCRIPT_NONE = 0,        /**< no Han characters */
  ZHFIX_SCRIPT_SIMPLIFIED = 1,
  ZHFIX_SCRIPT_TRADITIONAL = 2,
  ZHFIX_SCRIPT_MIXED = 3        /**< both, each in strength (a partial conversion) */
} zhfix_script;

/** Counts for the current document, from zhfix_get_stats(). */
typedef struct zhfix_stats {
  uint64_t lines;               /**< lines processed */
  uint64_t lines_by_script[4];  /**< lines per zhfix_script (after repair) */
  uint64_t han;                 /**< Han characters (code points) */
  uint64_t simplified_only;     /**< of them, characters only Simplified text uses */
  uint64_t traditional_only;    /**< of them, characters only Traditional text uses */
  uint64_t repaired;            /**< findings repaired */
  uint64_t reported;            /**< findings reported and left alone */
} zhfix_stats;

/** An encoding guess from zhfix_detect_encoding(). */
typedef struct zhfix_encoding_guess {
  const char *name;   /**< "UTF-8", "ASCII", "UTF-16LE", "UTF-16BE", "GBK", "GB18030", "Big5",
                           "Big5-HKSCS", "Shift_JIS", "EUC-KR" or "unknown"; static string */
  size_t bom_len;     /**< bytes of byte order mark at the start of the input, 0 if none */
  double confidence;  /**< 0..1: how clearly the guess beat the next candidate */
} zhfix_encoding_guess;

/** Called once per finding: a change made by a repair stage (reported == 0), or
 * damage found and left alone (reported == 1: before == after, nothing changed). */
typedef void (*zhfix_change_fn)(void *user, const zhfix_change *change);

/** Receives output bytes. Return 0 on success, non-zero to stop with ZHFIX_ERR_OUTPUT. */
typedef int (*zhfix_write_fn)(void *user, const char *buf, size_t len);

/**
 * Create a handle.
 * @param[out] ctx   receives the new handle; set to NULL on failure
 * @param flags      zero or more of enum zhfix_flags
 * @return ZHFIX_OK, ZHFIX_ERR_ARG (ctx is NULL), ZHFIX_ERR_NOMEM, ZHFIX_ERR_CODEC
 * @note Free with zhfix_close().
 */
zhfix_status zhfix_open(zhfix_ctx **ctx, unsigned flags);

/** Free a handle and set *ctx to NULL. zhfix_close(NULL) and *ctx == NULL are no-ops. */
void zhfix_close(zhfix_ctx **ctx);

/**
 * Choose the conversion applied after repair.
 * @param target  NULL for none (repair only; the default), one of "simplified"
 *                or "s" (t2s), "traditional" or "t" (s2t), "tw" (s2tw), "twp" (s2twp),
 *                "hk" (s2hk), "auto" (the document's dominant script: t2s or
 *                s2t, chosen from its first lines, which are held until then;
 *                see src/lib/auto.c), an OpenCC config name ("t2s",
 *                "tw2sp.json") or a path to a config file. Copied; the caller keeps ownership.
 * @return ZHFIX_OK, ZHFIX_ERR_ARG, ZHFIX_ERR_CONFIG (detail in zhfix_errmsg()),
 *         ZHFIX_ERR_NOMEM
 */
zhfix_status zhfix_set_target(zhfix_ctx *ctx, const char *target);

/** Typography of zhfix_set_punct(). Append only. */
typedef enum zhfix_punct {
  ZHFIX_PUNCT_OFF = 0,        /**< leave punctuation alone (the default) */
  ZHFIX_PUNCT_FULLWIDTH = 1,  /**< halfwidth , : ; ? ! ( ) of Chinese sentences made
                                   fullwidth; quotation marks kept */
  ZHFIX_PUNCT_MAINLAND = 2,   /**< and 「」『』 touching Han become “” ‘’ */
  ZHFIX_PUNCT_TAIWAN = 3,     /**< and “” ‘’ touching Han become 「」『』 */
  ZHFIX_PUNCT_HONGKONG = 4    /**< as Taiwan */
} zhfix_punct;

/**
 * Chinese typography, applied after the repairs (see src/lib/punct.c): a
 * halfwidth , : ; ? ! touching Han becomes fullwidth (、 between short list
 * items), never between digits (101,865 3:30) or before "//"; parentheses
 * around text with Han become fullwidth; quotation marks follow @p region.
 * @param space  non-zero: also put a space between Han and Latin letters or digits
 * Each change is reported (kinds "punctuation", "spacing").
 * @return ZHFIX_OK, ZHFIX_ERR_ARG (NULL handle or unknown region)
 */
zhfix_status zhfix_set_punct(zhfix_ctx *ctx, zhfix_punct region, int space);

/** What converted a Traditional text before zhfix saw it, as the mis-conversion
 *  stage (src/lib/misconv.c) weighs it. Append only. */
typedef enum zhfix_converter {
  ZHFIX_CONVERTER_UNKNOWN = 0,   /**< not decided yet: the evidence is still read (a
                                      repair needs the word list and the language
                                      model to agree, as in Simplified text) */
  ZHFIX_CONVERTER_CHARACTER = 1, /**< a character-only converter: the text holds none
                                      of the characters it never writes (髮 製 彙 ...),
                                      so its first choices (發 制 了 ...) are suspects */
  ZHFIX_CONVERTER_OTHER = 2      /**< a person or a phrase converter: only a character
                                      that a phrase of OpenCC's dictionaries explains
                                      (被髮 in 被髮明) is weighed, with the strict margins */
} zhfix_converter;

/**
 * Say what converted the text, for this and later documents on the handle
 * (ZHFIX_CONVERTER_UNKNOWN: read it from each document again, the default).
 * Read from the text, the decision is made once per document from its
 * Traditional lines (a line with Traditional-only and no Simplified-only
 * characters): the first that holds a character no character-only converter
 * writes gives OTHER; 4000 Han characters of such lines without one give
 * CHARACTER; 40000 Han characters of any lines without a decision give OTHER.
 * Until it is decided, zhfix_feed() holds the document's lines and the
 * windows of its long lines (4 MiB of input at most: then those are repaired
 * as undecided, and holding starts again) and writes them once it is,
 * so every line is repaired with the decision; a document that ends undecided
 * is repaired as such at zhfix_finish() (zhfix --jobs processes the part up to
 * the decision in one thread). Not with ZHFIX_NO_REPAIR or a converter set.
 * @return ZHFIX_OK, ZHFIX_ERR_ARG (NULL handle or unknown value)
 */
zhfix_status zhfix_set_converter(zhfix_ctx *ctx, zhfix_converter converter);

/** The decision for the current document so far (or the one set). */
zhfix_converter zhfix_get_converter(const zhfix_ctx *ctx);

/**
 * Choose the conversion engine, for this and later zhfix_set_target() calls.
 * @param engine  "fast" (the default): zhfix's own engine, which gives exactly
 *                libopencc's output for configs whose dictionaries it has built
 *                in (every config of Debian's opencc 1.1.6 package: tables from
 *                its .ocd2 files, see data/README.md), many times faster; a config
 *                it cannot do exactly (another dictionary or type) is converted by
 *                libopencc instead, which zhfix_get_engine() reports.
 *                "opencc": libopencc always.
 * @return ZHFIX_OK, ZHFIX_ERR_ARG (unknown engine), ZHFIX_ERR_CONFIG (reopening the
 *         current target failed; the handle keeps its previous engine)
 */
zhfix_status zhfix_set_engine(zhfix_ctx *ctx, const char *engine);

/**
 * The engine converting the current target (with "auto", both of its
 * converters): "fast", "opencc", or NULL when there is no target. Static strings.
 * @param[out] why  if not NULL, receives why the fast engine is not used (a string
 *                  owned by the handle, valid until the next zhfix_set_target() or
 *                  zhfix_set_engine()), or NULL when it is used
 */
const char *zhfix_get_engine(const zhfix_ctx *ctx, const char **why);

/** Report every finding to @p fn (NULL to stop). @p user is passed back unchanged. */
void zhfix_set_change_cb(zhfix_ctx *ctx, zhfix_change_fn fn, void *user);

/**
 * Guess the encoding of raw input from a sample of its first bytes.
 * @param buf,len  the sample (bytes; may end inside a character)
 * @param[out] guess  filled in; guess->name is a static string
 * @return ZHFIX_OK, ZHFIX_ERR_ARG, ZHFIX_ERR_NOMEM
 * @note Candidates: BOM, UTF-8, UTF-16LE/BE, GB18030/GBK, Big5, Big5-HKSCS,
 *       Shift_JIS, EUC-KR; each decodes the sample, its invalid bytes costing
 *       as damage, and the language model scores the text (see src/lib/detect.c).
 */
zhfix_status zhfix_detect_encoding(zhfix_ctx *ctx, const char *buf, size_t len,
                                   zhfix_encoding_guess *guess);

/**
 * Decode the input from @p encoding (an iconv name such as "GB18030", "BIG5",
 * "UTF-16LE") to UTF-8 before repair; NULL, "UTF-8" or "ASCII" for none (the
 * default). Bytes invalid in the encoding are passed through as they are, and
 * so is a line of valid UTF-8 in which the encoding finds invalid bytes (a
 * UTF-8 line in a GBK file; lines up to 64 KiB, in encodings whose line feed
 * is the byte 0A). Takes effect for the next document (call before the first
 * zhfix_feed()).
 * @return ZHFIX_OK, ZHFIX_ERR_ARG, ZHFIX_ERR_CODEC (iconv does not know it, or fails)
 */
zhfix_status zhfix_set_input_encoding(zhfix_ctx *ctx, const char *encoding);

/**
 * Counts for the current document (since the first zhfix_feed() after the last
 * zhfix_finish(); still valid after zhfix_finish()).
 * @return ZHFIX_OK, ZHFIX_ERR_ARG
 */
zhfix_status zhfix_get_stats(const zhfix_ctx *ctx, zhfix_stats *stats);

/**
 * The script of a text (one line, typically).
 * @param utf8,len  UTF-8 text, bytes; invalid bytes are skipped
 * @return ZHFIX_SCRIPT_NONE without Han characters; MIXED when characters only
 *         Simplified text uses and characters only Traditional text uses both
 *         appear in strength; otherwise the script they show, or, with none of
 *         them, the script whose language model reads the text better.
 * @note The character sets come from OpenCC's STCharacters and TSCharacters
 *       (src/lib/tables/script.c).
 */
zhfix_script zhfix_detect_script(const char *utf8, size_t len);

/** English name of a script ("Simplified", "Traditional", "mixed", "no Han"); static. */
const char *zhfix_script_name(zhfix_script script);

/**
 * Stream input: process every complete line in @p buf and write the result.
 * An incomplete last line is kept in the handle until more input or zhfix_finish().
 * A line ends with LF, CRLF or a lone CR (a CR at the end of @p buf waits for
 * the next byte). A line longer than 1 MiB is not held whole: it is processed
 * in windows cut after a sentence end, sentence by sentence (its output is that
 * of the line cut after each 。！？), so memory stays bounded.
 * Until the document has decided what converted it (zhfix_set_converter()),
 * and with the target "auto" until it has chosen a script, complete lines and
 * windows are held too (at most 4 MiB at a time each way) and written later.
 * Line terminators ("\n", "\r\n") are written unchanged.
 * @param buf,len  input bytes (any bytes; len may be 0)
 * @param write    output callback, called zero or more times
 * @return ZHFIX_OK, ZHFIX_ERR_NOMEM, ZHFIX_ERR_CONVERT, ZHFIX_ERR_OUTPUT, ZHFIX_ERR_ARG
 */
zhfix_status zhfix_feed(zhfix_ctx *ctx, const char *buf, size_t len,
                        zhfix_write_fn write, void *user);

/**
 * End the document: process a last line without terminator, write it, and reset
 * the line counter so the handle can take the next document.
 * @return as zhfix_feed()
 */
zhfix_status zhfix_finish(zhfix_ctx *ctx, zhfix_write_fn write, void *user);

/**
 * Convenience: process a whole document held in memory (feed + finish).
 * @param[out] out      receives a malloc'd buffer (NUL-terminated for convenience),
 *                      owned by the caller, freed with zhfix_free(); NULL on failure
 * @param[out] out_len  receives its length in bytes, without the NUL
 * @return as zhfix_feed()
 */
zhfix_status zhfix_process(zhfix_ctx *ctx, const char *in, size_t len,
                           char **out, size_t *out_len);

/** Free a buffer returned by the library. NULL is a no-op. */
void zhfix_free(void *p);

/** Static English name of a status; never NULL. */
const char *zhfix_strerror(zhfix_status status);

/** Detail of the last error on @p ctx (static or handle-owned); "" if none. */
const char *zhfix_errmsg(const zhfix_ctx *ctx);

/** The library's version, e.g. "0.1.0" (from configure's AC_INIT). */
const char *zhfix_version(void);

#ifdef __cplusplus
}
#endif
#endif
