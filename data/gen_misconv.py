#!/usr/bin/env python3
"""Generate src/lib/tables/misconv.c: the converter-error tables of zhfix.

Deterministic: the same inputs give byte-identical output. Run through
`make update-tables` (after data/gen_tables.py, whose helpers it uses).

Inputs (Debian packages opencc and libopencc-data, Apache-2.0)
  STCharacters, TSCharacters, TWVariants, HKVariants, TWVariantsRev,
  HKVariantsRev, STPhrases, TWPhrases through `opencc_dict`;
  the `opencc` command with the configs in DOUBLING_CONFIGS.

Outputs
  Alternatives: for each character, the other characters that one conversion
  of the same source character gives. Traditional side: the candidates of a
  Simplified character in STCharacters (发 -> 發 髮; 干 -> 幹 乾 干). Simplified
  side: the candidates of a Traditional character in TSCharacters (乾 -> 干 乾;
  麼 -> 么 麽), and the two sides of a Taiwan/Hong Kong variant read back as
  Simplified (TWVariantsRev: 么 -> 幺). A one-character-at-a-time converter
  that takes the first candidate writes the wrong member of such a set.
  First choices: the alternatives a converter taking the first candidate writes
  (發 for 发, 幺 for 么 read as a Taiwan variant): where such a character is
  wrong, a one-character converter put it there.
  Identities: the other members that are also their own source (于 among 於 于):
  a converter that takes the first candidate never writes them; text that has
  them chose them (classical 至于), so repair mode leaves them alone.
  Lexicons: per side, the words of jieba's dict.txt (Traditional side: each word
  converted alone by OpenCC's LEXICON_CONFIGS, so a converter's segmentation of
  running text plays no part; and, marked PHRASE_ONLY, the keys of
  STPhrases and TWPhrases (through t2s) through the same configs, where jieba
  lacks them) that hold a character with alternatives, keyed by
  the word with each such character written as its set's representative: the
  words a text's span could have been before a converter chose.
  Vocabularies: words only Taiwan uses and words only the mainland uses
  (TWPhrasesRev and TWPhrases keys), in Simplified characters, with the
  character map TSCharacters to read any text in them: --to=auto takes a
  text that uses Taiwan's words for Traditional.
  Never written: the Traditional members of those sets that a character-only
  converter never writes (Simplified text, each character through
  STCharacters' first candidate, then TWVariants or HKVariants or neither,
  never gives 髮, 製, 彙): text that holds them did not come out of one.
  Phrase values: the values of 2-8 Han characters of STPhrases and TWPhrases
  that hold a member of a Traditional set: what a phrase converter writes,
  right or wrong where its segmentation erred (被髮 in 被髮明).
  Equal spellings: the values of one key of STPhrases that differ in a
  character (才能 纔能): either is right, and the repair keeps the text's.
  Doublings: a phrase converter that is not idempotent duplicates characters
  when run twice (s2twp: 算法 -> 演算法 -> 演演算法). For every phrase of
  OpenCC's phrase dictionaries, each config's output converted again by the
  same config, where the second output is the first with a run of characters
  repeated: (second, first), reduced to the shortest pairs.
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_tables import banner, c_array, is_han, opencc_lines, read_jieba, read_opencc_chars  # noqa: E402

DOUBLING_CONFIGS = ("s2twp.json", "tw2sp.json", "s2tw.json", "tw2s.json", "s2hk.json",
                    "hk2s.json", "s2t.json", "t2s.json")
PHRASE_DICTS = ("STPhrases", "TSPhrases", "TWPhrases", "TWPhrasesRev")
LEXICON_CONFIGS = ("s2t.json", "s2tw.json", "s2twp.json", "s2hk.json")
LEX_MIN_LEN, LEX_MAX_LEN, LEX_MIN_FREQ = 2, 4, 5
PHRASE_ONLY = 0x80  # a lexicon cost's bit: the word is known only from OpenCC's phrases
AT_MANY = 0xFFFFFFFF  # a key's words differ at that offset (ZHFIX__AT_MANY)
NEAR_LOG = 21  # bits of misconv.c's near_hash() (ZHFIX__NEAR_LOG)


def alternatives(dicts):
    """{char: set of other chars}: members of one candidate list of a dictionary."""
    alt = {}
    for table in dicts:
        for key, values in table.items():
            members = [v for v in values if len(v) == 1]
            if len(key) != 1 or len(members) < 2:
                continue
            for c in members:
                alt.setdefault(c, set()).update(m for m in members if m != c)
    return alt


def components(alt):
    """{char: the smallest code point of its set of mutual alternatives}."""
    rep = {}
    for c in sorted(alt, key=ord):
        if c in rep:
            continue
        todo, seen = [c], {c}
        while todo:
            for a in alt.get(todo.pop(), ()):
                if a not in seen:
                    seen.add(a)
                    todo.append(a)
        r = min(seen, key=ord)
        for x in seen:
            rep[x] = r
    return rep


def lexicon(words, alt, rep, phrases=(), firsts=frozenset()):
    """[(key, word, cost)]: words of LEX_MIN_LEN..LEX_MAX_LEN characters, as
    frequent as LEX_MIN_FREQ, holding a character with alternatives; the key
    writes each such character as its set's representative; cost: ln(freq) x 8
    (at most 127). phrases: more such words, known only as a phrase converter's
    output: those the words lack get the cost of LEX_MIN_FREQ with bit 7 set
    (PHRASE_ONLY), if they hold a member not in firsts (misconv.c lets such a
    word vote only for another member than the text's, and only after a
    one-character converter, which writes the firsts)."""
    best = {}
    for w, f in words:
        if LEX_MIN_LEN <= len(w) <= LEX_MAX_LEN and f >= LEX_MIN_FREQ and \
                all(is_han(c) for c in w) and any(c in alt for c in w):
            best[w] = max(best.get(w, 0), f)
    out = []
    for w, f in best.items():
        key = "".join(rep.get(c, c) for c in w)
        out.append((key.encode("utf-8"), w.encode("utf-8"), min(127, int(round(math.log(f) * 8)))))
    only = {w for w in phrases if w not in best and LEX_MIN_LEN <= len(w) <= LEX_MAX_LEN and
            all(is_han(c) for c in w) and any(c in alt and c not in firsts for c in w)}
    for w in only:
        key = "".join(rep.get(c, c) for c in w)
        out.append((key.encode("utf-8"), w.encode("utf-8"),
                    PHRASE_ONLY | int(round(math.log(LEX_MIN_FREQ) * 8))))
    return sorted(out)


def key_hash(cps):
    """misconv.c's key_hash() of a key's code points, in uint32 arithmetic."""
    h = len(cps) * 0x9E3779B1 & 0xFFFFFFFF
    for c in cps:
        h = (h ^ c) * 0x85EBCA77 & 0xFFFFFFFF
    return h ^ (h >> 15)


def lexkeys(lex):
    """[(cps, at, lo, hi)]: each key of lex (sorted by key, so its words are
    entries [lo, hi); all of LEX_MIN_LEN..LEX_MAX_LEN characters) as code
    points, and per offset the code point all its words have there, or
    AT_MANY (a word shorter than the key repeats its last character, as
    misconv.c's word_char() reads it)."""
    out, e = [], 0
    while e < len(lex):
        hi = e + 1
        while hi < len(lex) and lex[hi][0] == lex[e][0]:
            hi += 1
        cps = [ord(c) for c in lex[e][0].decode("utf-8")]
        # (misconv.c ends a key's words at the next key's first)
        assert LEX_MIN_LEN <= len(cps) <= LEX_MAX_LEN
        at = []
        for k in range(len(cps)):
            seen = set()
            for j in range(e, hi):
                word = lex[j][1].decode("utf-8")
                seen.add(ord(word[min(k, len(word) - 1)]) if word else 0)
            at.append(seen.pop() if len(seen) == 1 else AT_MANY)
        out.append((cps, at, e, hi))
        e = hi
    return out


def lexslots(keys):
    """An open-addressing table of keys (linear probing on key_hash(), at
    most 3/4 full): per slot, index + 1 into keys, 0 if empty."""
    size = 16
    while 3 * size < 4 * len(keys):
        size *= 2
    slots = [0] * size
    for i, (cps, _, _, _) in enumerate(keys):
        h = key_hash(cps) & (size - 1)
        while slots[h]:
            h = (h + 1) & (size - 1)
        slots[h] = i + 1
    return slots


def near_hash(c, r, right):
    """misconv.c's near_hash() of member c beside representative r, in uint32
    arithmetic: a bit number below 1 << NEAR_LOG."""
    m = 0xFFFFFFFF
    h = (c * 0x9E3779B1 & m) ^ ((r + (0x7F4A7C15 if right else 0)) & m)
    h = h * 0x85EBCA77 & m
    h ^= h >> 13
    h = h * 0xC2B2AE35 & m
    return h >> (32 - NEAR_LOG)


def near_bits(keys, rep):
    """The bit numbers, sorted, that misconv.c's near filter sets: for each key
    and offset k holding the representative of members c whose words do not
    all have c there (a key that may vote against c), near_hash() of c and
    the key's character before k (or, at k = 0, after it, right)."""
    members = {}
    for c in sorted(rep, key=ord):
        members.setdefault(ord(rep[c]), []).append(ord(c))
    bits = set()
    for cps, at, _, _ in keys:
        for k, r in enumerate(cps):
            for c in members.get(r, ()):
                if at[k] != c:
                    bits.add(near_hash(c, cps[k - 1], False) if k else near_hash(c, cps[1], True))
    return sorted(bits)


def first_choices(dicts):
    """Characters that a converter taking the first candidate writes where there was a choice."""
    out = set()
    for table in dicts:
        for key, values in table.items():
            if len(key) == 1 and len(values) >= 2 and len(values[0]) == 1:
                out.add(values[0])
    return out


def variant_pairs(table):
    """{char: set}: a variant and its standard form are alternatives of each other."""
    alt = {}
    for key, values in table.items():
        for v in values:
            if len(key) == 1 and len(v) == 1 and v != key:
                alt.setdefault(key, set()).add(v)
                alt.setdefault(v, set()).add(key)
    return alt


def merge(*alts):
    out = {}
    for a in alts:
        for c, s in a.items():
            out.setdefault(c, set()).update(s)
    return out


def repeated(second, first):
    """Is second the string first with one run of characters written twice?"""
    n = len(second) - len(first)
    if n <= 0:
        return False
    for i in range(len(first) + 1):
        if second[:i] == first[:i] and second[i + n:] == first[i:] and \
                (second[i:i + n] == second[i - n:i] or second[i:i + n] == second[i + n:i + 2 * n]):
            return True
    return False


def doublings(opencc, words):
    pairs = set()
    for config in DOUBLING_CONFIGS:
        once = opencc_lines(opencc, config, words)
        twice = opencc_lines(opencc, config, once)
        pairs.update((b, a) for a, b in zip(once, twice) if repeated(b, a))
    # Keep the shortest: a pair whose damaged form holds another's is redundant
    # (the repair runs again over its own output).
    kept = []
    for bad, good in sorted(pairs, key=lambda p: (len(p[0]), p)):
        if not any(k_bad in bad for k_bad, _ in kept):
            kept.append((bad, good))
    return sorted(kept)


def vocabularies(ts, twp, twp_rev):
    """Taiwan and mainland words (2-6 characters), written in Simplified one
    character at a time (TSCharacters, first candidate): the keys of
    TWPhrasesRev are Taiwan's, the keys of TWPhrases the mainland's."""
    def simp(w):
        return "".join(ts[c][0] if c in ts else c for c in w)
    tw = {simp(k) for k in twp_rev if 2 <= len(k) <= 6 and all(is_han(c) for c in k)}
    cn = {simp(k) for k in twp if 2 <= len(k) <= 6 and all(is_han(c) for c in k)}
    return sorted(tw - cn), sorted(cn - tw)


HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0))


def never_written(st, ts, variants, trad):
    """Members of Traditional sets that no character-only converter writes:
    not in the image of (TSCharacters, then STCharacters, then one of the
    variant tables or none), first candidates, over every Han code point."""
    def first(table, c):
        v = table.get(c)
        return v[0] if v and len(v[0]) == 1 else c
    image = set()
    for lo, hi in HAN_BLOCKS:
        for cp in range(lo, hi):
            t = first(st, first(ts, chr(cp)))
            image.add(t)
            for table in variants:
                image.add(first(table, t))
    return sorted((c for c in trad if c not in image), key=ord)


def phrase_values(tables, trad):
    """Values of 2-8 Han characters of the phrase tables holding a member of a
    Traditional set, UTF-8, sorted, unique."""
    out = set()
    for table in tables:
        for values in table.values():
            for v in values:
                if 2 <= len(v) <= 8 and all(is_han(c) for c in v) and any(c in trad for c in v):
                    out.add(v.encode("utf-8"))
    return sorted(out)


def equal_spellings(table):
    """"A\tB" (UTF-8, sorted) for each two values A, B of one key of the
    phrase table, of as many Han characters: OpenCC's own word that the phrase
    may be spelled either way (才能 纔能, 回覆 回復)."""
    out = set()
    for values in table.values():
        for a in values:
            for b in values:
                if a != b and len(a) == len(b) and all(is_han(c) for c in a + b):
                    out.add((a + "\t" + b).encode("utf-8"))
    return sorted(out)


def write_blob(f, name, items):
    """A sorted list of UTF-8 strings as one NUL-separated string and offsets."""
    blob, offs = bytearray(), []
    for item in items:
        offs.append(len(blob))
        blob += item + b"\0"
    f.write("static const char %s[%d] =\n" % (name, len(blob) + 1))
    pieces = blob.decode("utf-8").split("\0")[:-1]  # (the blob ends with NUL)
    for i in range(0, len(pieces), 16):
        f.write('  "%s"%s\n' % ("".join(p + "\\0" for p in pieces[i:i + 16]),
                                ";" if i + 16 >= len(pieces) else ""))
    if not pieces:
        f.write('  "";\n')
    f.write(c_array("uint32_t", name + "_off", offs, "%d", 12))


def write_table(path, trad, simp, firsts, idents, reps, lexicons, pairs, inputs, ts, vocab,
                never, phrases, equal):
    nkeys, nslots, nnear = {}, {}, {}
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(banner(inputs).replace("gen_tables.py", "gen_misconv.py"))
        f.write('#include "internal.h"\n\n')
        f.write('_Static_assert(ZHFIX__NEAR_LOG == %d, "near_bits() of data/gen_misconv.py");\n\n'
                % NEAR_LOG)
        for name, alt in (("trad", trad), ("simp", simp)):
            chars = sorted(alt, key=ord)
            first, flat = [], []
            for c in chars:
                first.append(len(flat))
                flat.extend(ord(a) for a in sorted(alt[c], key=ord))
            first.append(len(flat))
            f.write("/* %s side: %d characters with alternatives */\n" % (name, len(chars)))
            f.write(c_array("uint32_t", name + "_cp", [ord(c) for c in chars], "0x%X"))
            f.write(c_array("uint16_t", name + "_first", first, "%d", 16))
            f.write(c_array("uint32_t", name + "_alt", flat, "0x%X"))
            fc = sorted((c for c in firsts[name] if c in alt), key=ord)
            f.write("/* %s side: %d of them are a converter's first choice */\n" % (name, len(fc)))
            f.write(c_array("uint32_t", name + "_firstchoice", [ord(c) for c in fc], "0x%X"))
            firsts[name] = fc
            ident = sorted((c for c in idents[name] if c in alt and c not in firsts[name]), key=ord)
            f.write("/* %s side: %d others that are their own source too (于 for 于) */\n"
                    % (name, len(ident)))
            f.write(c_array("uint32_t", name + "_ident", [ord(c) for c in ident], "0x%X"))
            idents[name] = ident
            f.write(c_array("uint32_t", name + "_rep", [ord(reps[name][c]) for c in chars], "0x%X"))
            lex = lexicons[name]
            f.write("/* %s side: %d words (key, NUL, word, NUL), sorted by key */\n" % (name, len(lex)))
            write_blob(f, name + "_lex", [key + b"\0" + word for key, word, _ in lex])
            f.write(c_array("uint8_t", name + "_lex_cost", [c for _, _, c in lex], "%d", 20))
            keys = lexkeys(lex)
            nkeys[name] = len(keys)
            f.write("/* %s side: %d keys: code points, per offset the character of all\n"
                    " * their words (0: the key's, %d: they differ), first word, length;\n"
                    " * then an end */\n"
                    % (name, len(keys), AT_MANY))
            f.write("static const struct zhfix__lexkey %s_lexkey[%d] = {\n" % (name, len(keys) + 1))
            def row(cps, at, lo):
                own = [a if a != c else 0 for c, a in zip(cps, at)]
                while len(own) > 1 and own[-1] == 0:
                    own.pop()  # (C zeroes the rest)
                return "{{%s},{%s},%d,%d}," % (",".join("%d" % c for c in cps),
                                               ",".join("%d" % a for a in own), lo, len(cps))
            for i in range(0, len(keys), 2):
                f.write("  " + " ".join(row(cps, at, lo) for cps, at, lo, _ in keys[i:i + 2]) + "\n")
            f.write("  {{0},{0},%d,0}\n};\n" % len(lex))
            slots = lexslots(keys)
            nslots[name] = len(slots)
            f.write("/* %s side: the keys by key_hash(), linear probing: index + 1, 0 empty */\n"
                    % name)
            f.write(c_array("uint32_t", name + "_lexslot", slots, "%d", 20))
            near = near_bits(keys, reps[name])
            nnear[name] = len(near)
            f.write("/* %s side: the %d bits misconv.c's near filter sets (near_hash()) */\n"
                    % (name, len(near)))
            f.write(c_array("uint32_t", name + "_near", near, "%d", 16))
        chars = sorted((k for k in ts if len(k) == 1 and len(ts[k][0]) == 1 and ts[k][0] != k),
                       key=ord)
        f.write("/* TSCharacters, first candidate: %d characters and their Simplified form */\n"
                % len(chars))
        f.write(c_array("uint32_t", "t2s_from", [ord(c) for c in chars], "0x%X"))
        f.write(c_array("uint32_t", "t2s_to", [ord(ts[c][0]) for c in chars], "0x%X"))
        for name, words in (("tw_vocab", vocab[0]), ("cn_vocab", vocab[1])):
            f.write("/* %d words, in Simplified characters, sorted */\n" % len(words))
            f.write("static const char *const %s[%d] = {\n" % (name, len(words)))
            for i in range(0, len(words), 8):
                f.write("  " + " ".join('"%s",' % w for w in sorted(words, key=lambda w: w.encode())[i:i + 8]) + "\n")
            f.write("};\n")
        f.write("/* %d Traditional members no character-only converter writes */\n" % len(never))
        f.write(c_array("uint32_t", "trad_never", [ord(c) for c in never], "0x%X"))
        f.write("/* %d phrase values holding a Traditional member, sorted */\n" % len(phrases))
        write_blob(f, "trad_phrase", phrases)
        f.write("/* %d pairs of spellings one phrase may have (A TAB B), sorted */\n" % len(equal))
        write_blob(f, "trad_equal", equal)
        f.write("/* %d doublings: damaged form, then repaired form (UTF-8), sorted */\n"
                % len(pairs))
        f.write("static const char *const doubling[%d] = {\n" % (2 * len(pairs)))
        for bad, good in pairs:
            f.write('  "%s", "%s",\n' % (bad, good))
        f.write("};\n\n")
        f.write("const struct zhfix__misconv_table zhfix__misconv = {\n"
                "  {trad_cp, simp_cp}, {trad_first, simp_first}, {trad_alt, simp_alt},\n"
                "  {%d, %d}, {trad_firstchoice, simp_firstchoice}, {%d, %d},\n"
                "  {trad_ident, simp_ident}, {%d, %d}, {trad_rep, simp_rep},\n"
                "  {trad_lex, simp_lex}, {trad_lex_off, simp_lex_off}, {trad_lex_cost, simp_lex_cost},\n"
                "  {%d, %d}, doubling, %d,\n"
                "  t2s_from, t2s_to, %d, {tw_vocab, cn_vocab}, {%d, %d},\n"
                "  trad_never, %d, trad_phrase, trad_phrase_off, %d,\n"
                "  trad_equal, trad_equal_off, %d,\n"
                "  {trad_lexkey, simp_lexkey}, {%d, %d}, {trad_lexslot, simp_lexslot}, {0x%X, 0x%X},\n"
                "  {trad_near, simp_near}, {%d, %d}\n};\n"
                % (len(trad), len(simp), len(firsts["trad"]), len(firsts["simp"]),
                   len(idents["trad"]), len(idents["simp"]), len(lexicons["trad"]), len(lexicons["simp"]), len(pairs),
                   len(chars), len(vocab[0]), len(vocab[1]), len(never), len(phrases), len(equal),
                   nkeys["trad"], nkeys["simp"], nslots["trad"] - 1, nslots["simp"] - 1,
                   nnear["trad"], nnear["simp"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opencc", default="opencc")
    ap.add_argument("--opencc-dict", default="opencc_dict")
    ap.add_argument("--opencc-data", default="/usr/share/opencc")
    ap.add_argument("--opencc-version", default="unknown")
    ap.add_argument("--jieba", required=True)
    ap.add_argument("--jieba-version", default="unknown")
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()

    def rd(name):
        return read_opencc_chars(args.opencc_dict, args.opencc_data, name)

    st, ts = rd("STCharacters"), rd("TSCharacters")
    twr, hkr = rd("TWVariantsRev"), rd("HKVariantsRev")
    trad = alternatives([st])
    simp = merge(alternatives([ts]), variant_pairs(twr), variant_pairs(hkr))
    firsts = {"trad": first_choices([st]),
              "simp": first_choices([ts]) | {v[0] for t in (twr, hkr) for v in t.values()}}
    jieba = read_jieba(args.jieba)
    trad_words = []
    for config in LEXICON_CONFIGS:
        conv = opencc_lines(args.opencc, config, [w for w, _ in jieba])
        trad_words.extend((t, f) for t, (_, f) in zip(conv, jieba))
    # OpenCC's phrases: words a one-character converter gets wrong (周数 ->
    # 週數) that jieba lacks or has too rarely; their Simplified keys (those of
    # TWPhrases through t2s) through LEXICON_CONFIGS, as jieba's words.
    keys = sorted(set(rd("STPhrases")) |
                  set(opencc_lines(args.opencc, "t2s.json", sorted(rd("TWPhrases")))))
    phrase_words = set()
    for config in LEXICON_CONFIGS:
        phrase_words.update(opencc_lines(args.opencc, config, keys))
    reps = {"trad": components(trad), "simp": components(simp)}
    idents = {"trad": {k for k, v in st.items() if len(k) == 1 and k in v},
              "simp": {k for k, v in ts.items() if len(k) == 1 and k in v}}
    lexicons = {"trad": lexicon(trad_words, trad, reps["trad"], phrase_words, firsts["trad"]),
                "simp": lexicon(jieba, simp, reps["simp"])}
    words = set()
    for name in PHRASE_DICTS:
        for key, values in rd(name).items():
            words.add(key)
            words.update(values)
    pairs = doublings(args.opencc, sorted(words))
    never = never_written(st, ts, (rd("TWVariants"), rd("HKVariants")), trad)
    phrases = phrase_values((rd("STPhrases"), rd("TWPhrases")), trad)
    write_table(os.path.join(args.outdir, "misconv.c"), trad, simp, firsts, idents, reps, lexicons, pairs,
                ["STCharacters, TSCharacters, TWVariants, HKVariants, TWVariantsRev, "
                 "HKVariantsRev, STPhrases, TWPhrases (opencc %s, Apache-2.0), through "
                 "opencc_dict" % args.opencc_version,
                 "lexicons: jieba dict.txt (python3-jieba %s, MIT); Traditional: its words "
                 "and the keys of STPhrases and TWPhrases (through t2s.json) through %s"
                 % (args.jieba_version, ", ".join(LEXICON_CONFIGS)),
                 "doublings: the phrases of %s, each converted twice by %s"
                 % (", ".join(PHRASE_DICTS), ", ".join(DOUBLING_CONFIGS)),
                 "vocabularies: the keys of TWPhrasesRev (Taiwan) and TWPhrases (mainland)"],
                ts, vocabularies(ts, rd("TWPhrases"), rd("TWPhrasesRev")), never, phrases,
                equal_spellings(rd("STPhrases")))


if __name__ == "__main__":
    main()
