/* Byte-shift resync: undo a GB18030/GBK byte stream that lost or gained a byte.
 *
 * The damage: a two-byte-encoded text loses a byte (typically the lead byte
 * after something spliced into the byte stream, such as a ruby annotation).
 * From there the decoder pairs each trail byte with the next lead byte, and the
 * text reads as rare characters, private-use characters (user-defined cells)
 * and folded punctuation, until a trail byte in 0x40-0x7E decodes as a lone
 * ASCII character and the stream is aligned again. A variant: the annotation
 * was spliced in the middle of a character, and the decoder swallowed the lead
 * byte together with the annotation's "(" as one "?" ("?pinyin)").
 *
 * The repair: for each lone ASCII character in 0x40-0x7E glued to CJK text
 * (the resync trail), and each start of the run before it, re-encode the run to
 * GB18030 (trying folded ASCII punctuation as its fullwidth form), then either
 * put back a lead byte (all 126 are tried) or drop the first byte, and decode
 * again. Candidates are scored by the language model against the damaged run
 * over the same context; the best one replaces the run only if the run shows
 * damage (a rare or private-use character) and the candidate is better by
 * MARGIN nats per character. Otherwise the text is left alone. */
#include <string.h>

#include "internal.h"

#define MAX_RUN 24      /* code points searched back from the resync trail */
#define MAX_FOLDS 3     /* folded punctuation marks tried both ways (2^3 variants) */
#define MARGIN 1.5      /* nats per character the candidate must win by */
#define GAINED_PRIOR 12.0 /* nats: an extra byte is rarer than a lost one (splices lose bytes) */
#define GUESSED_LEAD 4.84 /* nats, ln 126: a lead byte chosen among all, not named by evidence */
#define OFF_SPLICE 3.0  /* nats: the run does not start at a splice (after an annotation) */
#define GUESSED_TRAIL 5.25 /* nats, ln 190: a trail byte lost to a "?", chosen among all */
#define CONFIRMED 6.0   /* nats: the annotation after the run is a reading of its last character */
#define LEAD_LOCAL 4    /* lead bytes kept after the local pre-score */
#define ANNOT_MAX 12    /* longest annotation "(...)" looked through, in code points */

/* Folded ASCII punctuation and the fullwidth form it may stand for. */
static uint32_t unfold(uint32_t c)
{
  switch (c) {
  case ',': case ';': case ':': case '?': case '!':
    return c - 0x20 + 0xFF00;
  default:
    return 0;
  }
}

static bool pinyin_letter(uint32_t c)
{
  return zhfix__is_ascii_alpha(c) || (c >= 0xC0 && c <= 0x24F) || (c >= '1' && c <= '5');
}

/* If an annotation "(letters)" ends just before pos, its "(" index, else pos. */
static size_t annotation_start(const struct zhfix__text *t, size_t pos)
{
  size_t i;
  if (pos < 3 || t->cp[pos - 1] != ')')
    return pos;
  for (i = pos - 2; i > 0 && pos - i <= ANNOT_MAX && pinyin_letter(t->cp[i]); i--)
    ;
  return t->cp[i] == '(' && i < pos - 2 ? i : pos;
}

/* Index past an annotation "(letters)" that starts at pos, else pos. */
static size_t annotation_end(const struct zhfix__text *t, size_t pos)
{
  size_t i;
  if (pos >= t->n || t->cp[pos] != '(')
    return pos;
  for (i = pos + 1; i < t->n && i - pos <= ANNOT_MAX && pinyin_letter(t->cp[i]); i++)
    ;
  return i < t->n && t->cp[i] == ')' && i > pos + 1 ? i + 1 : pos;
}

/* "?pinyin)" ending just before pos: a lead byte and the "(" eaten as one "?".
 * Returns the index of the "?", or pos if there is none. */
static size_t eaten_lead_marker(const struct zhfix__text *t, size_t pos)
{
  size_t i;
  if (pos < 3 || t->cp[pos - 1] != ')')
    return pos;
  for (i = pos - 2; i > 0 && pos - i <= ANNOT_MAX && pinyin_letter(t->cp[i]); i--)
    ;
  return t->cp[i] == '?' && i < pos - 2 && i > 0 ? i : pos;
}

/* Does t->cp[from, to), the inside of an annotation, hold a letter? Pinyin
 * does; "(1)" after a command's name (ls(1)) is no annotation. */
static bool has_letter(const struct zhfix__text *t, size_t from, size_t to)
{
  for (; from < to; from++)
    if (t->cp[from] > '9')
      return true;
  return false;
}

/* Can c be part of a misaligned run: a two-byte GB18030 character, or folded punctuation. */
static bool run_char(struct zhfix__gb *gb, uint32_t c)
{
  unsigned char b[4];
  if (c < 0x80)
    return unfold(c) != 0;
  return zhfix__gb_encode(gb, c, b) == 2;
}

struct best {
  const struct zhfix__syllable *confirm; /* reading annotated after the run, or NULL */
  double gain;
  size_t from;           /* first code point replaced */
  uint32_t cand[MAX_RUN + 2];
  size_t ncand;
};

/* Score cand against the damaged run (cost orig) in the context prev/next, less
 * the prior cost of its hypothesis; keep it if it is the best so far. */
static void consider(size_t from, uint32_t prev, uint32_t next, const uint32_t *cand,
                     size_t ncand, double orig, double prior, struct best *best)
{
  double gain;
  size_t i;
  for (i = 0; i < ncand; i++)
    if (zhfix__is_pua(cand[i]))
      return;
  gain = orig - zhfix__lm_cost(prev, cand, ncand, next) - prior;
  /* A ruby annotation after the run that reads as the candidate's last
   * character confirms it: the annotation was made for that character. */
  if (best->confirm && ncand && zhfix__is_reading(cand[ncand - 1], best->confirm))
    gain += CONFIRMED;
  if (gain > best->gain) {
    best->gain = gain;
    best->from = from;
    memcpy(best->cand, cand, ncand * sizeof *cand);
    best->ncand = ncand;
  }
}

/* Lead bytes L such that the character (t, L) has the reading of the annotation
 * that ate L: t is the last byte of the character before the "?" at q. */
static size_t straddle_leads(struct zhfix__gb *gb, const struct zhfix__text *t, size_t q,
                             unsigned char *leads)
{
  unsigned char b[4], pair[2];
  struct zhfix__syllable syl;
  size_t n = 0, end = q + 1;
  uint32_t c, ch;

  while (end < t->n && t->cp[end] != ')')
    end++;
  if (q == 0 || zhfix__gb_encode(gb, t->cp[q - 1], b) != 2 ||
      !zhfix__parse_pinyin(t->cp + q + 1, end - q - 1, &syl))
    return 0;
  pair[0] = b[1];
  for (c = 0x81; c <= 0xFE; c++) {
    pair[1] = (unsigned char)c;
    if (zhfix__gb_decode(gb, pair, 2, &ch, 1) == 1 && zhfix__is_reading(ch, &syl))
      leads[n++] = (unsigned char)c;
  }
  return n;
}

/* Candidates from the re-encoded run bytes[0, nb) (its last byte the resync
 * trail): the first byte was extra, or a lead byte was lost before it. */
static void try_bytes(struct zhfix__gb *gb, const unsigned char *bytes, size_t nb, size_t from,
                      uint32_t prev, uint32_t next, double orig, double prior, bool marker,
                      const unsigned char *named_leads, size_t nnamed, struct best *best)
{
  unsigned char pair[2];
  uint32_t rest[MAX_RUN + 2], cand[MAX_RUN + 2], first;
  size_t nrest, nleads = nnamed ? nnamed : 126, i, k;
  double local[126];

  nrest = zhfix__gb_decode(gb, bytes + 1, nb - 1, rest, MAX_RUN + 1);
  if (nrest == (size_t)-1 || nrest != (nb - 1) / 2)
    return; /* invalid, or some byte decoded alone: not a realigned run */

  /* Gained byte: the first byte was extra (not with a marker: there a byte was eaten). */
  if (!marker)
    consider(from, prev, next, rest, nrest, orig, prior + GAINED_PRIOR, best);

  /* Lost lead: put one back. Pre-score each on its own character and the next,
   * and try the best few in full. */
  pair[1] = bytes[0];
  for (i = 0; i < nleads; i++) {
    uint32_t two[2];
    pair[0] = nnamed ? named_leads[i] : (unsigned char)(0x81 + i);
    local[i] = 1e9;
    if (zhfix__gb_decode(gb, pair, 2, &first, 1) != 1 || zhfix__is_pua(first))
      continue;
    two[0] = first;
    two[1] = rest[0];
    local[i] = zhfix__lm_cost(prev, two, nrest ? 2 : 1, 0);
  }
  for (k = 0; k < LEAD_LOCAL; k++) {
    size_t bi = 0;
    for (i = 1; i < nleads; i++)
      if (local[i] < local[bi])
        bi = i;
    if (local[bi] >= 1e9)
      break;
    local[bi] = 1e9;
    pair[0] = nnamed ? named_leads[bi] : (unsigned char)(0x81 + bi);
    zhfix__gb_decode(gb, pair, 2, &first, 1);
    cand[0] = first;
    memcpy(cand + 1, rest, nrest * sizeof *rest);
    consider(from, prev, next, cand, nrest + 1, orig, prior + (nnamed ? 0 : GUESSED_LEAD), best);
  }
}

/* The byte(s) the resync character at e may stand for: an ASCII trail byte is
 * itself; a "?" (or U+FFFD) is a byte the decoder rejected, any trail byte, and
 * is tried only when an eaten-lead marker names the lead byte (`any`): with both
 * bytes of a pair unknown the evidence is too weak, and the run is left alone. */
static size_t trail_bytes(uint32_t c, bool any, unsigned char *out)
{
  size_t n = 0;
  unsigned b;
  if (c >= 0x40 && c <= 0x7E) {
    out[0] = (unsigned char)c;
    return 1;
  }
  if (!any)
    return 0;
  for (b = 0x40; b <= 0xFE; b++)
    if (b != 0x7F)
      out[n++] = (unsigned char)b;
  return n;
}

/* Try every candidate for the run [s, e] (e the resync character), deleting
 * t->cp[from, s) too (an eaten-lead marker) when from < s. */
static void try_start(struct zhfix__gb *gb, const struct zhfix__text *t, size_t from, size_t s,
                      size_t e, uint32_t prev, uint32_t next, struct best *best)
{
  size_t folds[MAX_RUN], nfolds = 0, k, v, nv, ntrails, nleads = 0, tr;
  double orig = zhfix__lm_cost(prev, t->cp + from, e - from + 1, next);
  /* Bytes are lost where something was spliced into the stream: right after an
   * annotation, or where the "?" marker shows one was spliced mid-character. */
  double position = from < s || annotation_start(t, s) < s ? 0 : OFF_SPLICE, trail_prior;
  bool marker = from < s;
  unsigned char leads[126], trails[190];

  /* With an eaten-lead marker, the annotation's reading may name the lead. */
  if (marker)
    nleads = straddle_leads(gb, t, from, leads);
  ntrails = trail_bytes(t->cp[e], nleads > 0, trails);
  trail_prior = ntrails > 1 ? GUESSED_TRAIL : 0;
  for (k = s; k < e; k++)
    if (t->cp[k] < 0x80 && nfolds < MAX_FOLDS)
      folds[nfolds++] = k;
  nv = (size_t)1 << nfolds;
  for (v = 0; v < nv; v++) {
    unsigned char bytes[2 * MAX_RUN + 4];
    size_t nb = 0, f = 0;
    bool ok = true;

    for (k = s; k < e && ok; k++) {
      uint32_t c = t->cp[k];
      if (c < 0x80) {
        bool ascii = f < nfolds && folds[f] == k && ((v >> f) & 1);
        if (f < nfolds && folds[f] == k)
          f++;
        if (ascii) {
          bytes[nb++] = (unsigned char)c;
          continue;
        }
        c = unfold(c);
      }
      ok = zhfix__gb_encode(gb, c, bytes + nb) == 2;
      nb += 2;
    }
    if (!ok || nb % 2 == 1)
      continue; /* the trail must close a pair after a lead is put back */
    for (tr = 0; tr < ntrails; tr++) {
      bytes[nb] = trails[tr];
      try_bytes(gb, bytes, nb + 1, from, prev, next, orig, position + trail_prior,
                marker, leads, nleads, best);
    }
  }
}

/* The character before position pos for scoring, looking through an annotation. */
static uint32_t context_before(const struct zhfix__text *t, size_t pos)
{
  pos = annotation_start(t, pos);
  return pos ? t->cp[pos - 1] : 0;
}

static uint32_t context_after(const struct zhfix__text *t, size_t pos)
{
  pos = annotation_end(t, pos);
  return pos < t->n ? t->cp[pos] : 0;
}

bool zhfix__shift_repair(zhfix_ctx *ctx, struct zhfix__text *t, zhfix__edit_fn report)
{
  size_t e, done = 0;

  for (e = 1; e < t->n; e++) {
    uint32_t c = t->cp[e], after = context_after(t, e + 1);
    size_t lo, s, i, k, marker, ann_open, ann_end; /* annotations around the run */
    bool damage = false;
    struct zhfix__syllable syl;
    struct best best;

    /* A resync character: a trail byte 0x40-0x7E read as ASCII, or a "?" for a
     * rejected byte, right after non-ASCII or after an eaten-lead marker, and
     * not inside a Latin word. */
    if (!((c >= 0x40 && c <= 0x7E && c != '(' && c != ')') || c == '?' || c == 0xFFFD))
      continue;
    if (t->cp[e - 1] < 0x80 && !unfold(t->cp[e - 1]) && eaten_lead_marker(t, e) == e)
      continue;
    if (after && after < 0x80 && (zhfix__is_ascii_alpha(after) || (after >= '0' && after <= '9')))
      continue;
    lo = e;
    while (lo > done && e - lo < MAX_RUN && run_char(&ctx->gb, t->cp[lo - 1]))
      lo--;
    for (i = lo; i < e; i++)
      damage |= zhfix__is_pua(t->cp[i]) || zhfix__lm_is_rare(t->cp[i]);
    marker = eaten_lead_marker(t, lo);
    /* Evidence of damage: a rare or private-use character in the run, an
     * eaten-lead marker before it, an annotation after the resync byte, or a
     * run that starts right at a splice (after an annotation); annotations
     * with a letter. */
    ann_end = annotation_end(t, e + 1);
    ann_open = lo < e ? annotation_start(t, lo) : lo;
    damage |= (marker < lo && has_letter(t, marker + 1, lo - 1)) ||
              (ann_end > e + 1 && has_letter(t, e + 2, ann_end - 1)) ||
              (ann_open < lo && has_letter(t, ann_open + 1, lo - 1));
    /* A misaligned run ends at the first byte that realigns the decoder, so no
     * later run reaches back past this one: each character is searched at most
     * once, which keeps the stage linear in the length of the line. */
    done = e + 1;
    if ((lo == e && marker == lo) || !damage)
      continue;

    best.gain = 0;
    best.ncand = 0;
    best.confirm = NULL;
    k = annotation_end(t, e + 1);
    if (k > e + 1 && zhfix__parse_pinyin(t->cp + e + 2, k - e - 3, &syl))
      best.confirm = &syl;
    for (s = lo; s < e; s++)
      try_start(&ctx->gb, t, s, s, e, context_before(t, s), after, &best);
    if (marker < lo)
      try_start(&ctx->gb, t, marker, lo, e, t->cp[marker - 1], after, &best);

    if (best.ncand && best.gain / (double)(e - best.from + 1) >= MARGIN) {
      struct zhfix__edit ed;
      ed.from = t->src[best.from];
      ed.to = t->src[e] + 1;
      ed.kind = "byte-shift";
      ed.margin = best.gain / (double)(e - best.from + 1);
      ed.after = best.cand;
      ed.nafter = best.ncand;
      if (!zhfix__text_splice(t, best.from, e - best.from + 1, best.cand, best.ncand, t->src[best.from]))
        return false;
      report(ctx, &ed);
      e = best.from + best.ncand - 1;
      done = e + 1;
    }
  }
  return true;
}
