#!/usr/bin/env python3
"""Generate zhfix's data tables: src/lib/tables/readings.c and src/lib/tables/lm.c.

Deterministic: the same inputs give byte-identical output.  Run through
`make update-tables`, which passes the input paths; see data/README.md for the
provenance, licence and version of every input.

Inputs
  --unihan   Unihan_Readings.txt.bz2 (Debian package unicode-data)
  --jieba    jieba's dict.txt, "word freq tag" per line (Debian package python3-jieba, MIT)
  --opencc   the `opencc` command (Debian package opencc, Apache-2.0), used to derive
             the Traditional word list from jieba's Simplified one (s2t, s2tw, s2hk)
  --opencc-dict, --opencc-data  `opencc_dict` and OpenCC's dictionary directory
             (same package), for the Simplified-only and Traditional-only characters

Outputs
  script.c    characters only Simplified text uses, and only Traditional text uses,
              from OpenCC's character dictionaries (STCharacters, TSCharacters).
  readings.c  for each Han code point, its Mandarin readings: the union of kMandarin,
              kHanyuPinyin, kXHC1983, kTGHZ2013 and kHanyuPinlu, as toned syllables
              "base+tone" (ASCII base, u-umlaut as 'v', tone 1-4, 5 = neutral);
              the common ones (kMandarin, kHanyuPinlu) first.
  lm.c        two character models, Simplified and Traditional, in units of 1/8 nat
              (uint8, capped at 255): unigram cost -ln P(c); word-boundary costs
              -ln P(c ends a word | c) and -ln P(c starts a word | c); word-internal
              bigram cost -ln P(b | a, a does not end the word), pruned to the most
              frequent BIGRAMS, and where each character's bigrams start.
              lm.c in the library combines them into a segmentation-aware
              character bigram model.
"""
import argparse
import bz2
import collections
import math
import os
import subprocess
import sys
import unicodedata

READING_FIELDS = ("kMandarin", "kHanyuPinyin", "kXHC1983", "kTGHZ2013", "kHanyuPinlu")
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
COST_SCALE = 8          # cost units per nat
BIGRAMS = 100000        # bigrams kept per model


def toned_syllable(s):
    """'zhuǎn' -> 'zhuan3', 'lǜ' -> 'lv4', 'de' -> 'de5'; None if not pinyin."""
    tone = 5
    base = []
    for ch in unicodedata.normalize("NFD", s.strip().lower()):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        elif ch == "\u0308":
            if base and base[-1] == "u":
                base[-1] = "v"
        elif "a" <= ch <= "z":
            base.append(ch)
        else:
            return None
    return "".join(base) + str(tone) if base else None


def field_readings(field, value):
    """The readings in one Unihan field value, as raw pinyin strings."""
    out = []
    for item in value.split():
        if field == "kHanyuPinlu":
            out.append(item.split("(")[0])
        elif ":" in item:  # "10001.010:yī,dīng" / "0295.080*:chán"
            out.extend(item.split(":", 1)[1].split(","))
        else:
            out.append(item)
    return out


def read_unihan(path):
    """{cp: {syllable: common}}: common if kMandarin or kHanyuPinlu gives it."""
    readings = collections.defaultdict(dict)
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("U+"):
                continue
            cp, field, value = line.rstrip("\n").split("\t", 2)
            if field not in READING_FIELDS:
                continue
            for r in field_readings(field, value):
                syl = toned_syllable(r)
                if syl:
                    common = field in ("kMandarin", "kHanyuPinlu")
                    rs = readings[int(cp[2:], 16)]
                    rs[syl] = rs.get(syl, False) or common
    return readings


def read_jieba(path):
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                words.append((parts[0], int(parts[1])))
    return words


def opencc_lines(opencc, config, lines):
    """Each of lines (no newlines in them) converted by the opencc command with config."""
    text = "".join(w + "\n" for w in lines)
    out = subprocess.run([opencc, "-c", config], input=text.encode("utf-8"),
                         stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    conv = out.split("\n")[:len(lines)]
    if len(conv) != len(lines):
        sys.exit("opencc %s returned %d lines for %d" % (config, len(conv), len(lines)))
    return conv


def opencc_words(opencc, config, words):
    return opencc_lines(opencc, config, [w for w, _ in words])


def is_han(ch):
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") or \
        unicodedata.name(ch, "").startswith("CJK COMPATIBILITY IDEOGRAPH")


def count(weighted_words):
    """Character unigram and word-internal bigram counts over (word, weight) pairs."""
    uni = collections.Counter()
    start = collections.Counter()
    end = collections.Counter()
    bi = collections.Counter()
    for word, weight in weighted_words:
        chars = [c for c in word if is_han(c)]
        if not chars or len(chars) != len(word):
            continue  # words with Latin letters or digits say nothing about Han bigrams
        for c in chars:
            uni[c] += weight
        start[chars[0]] += weight
        end[chars[-1]] += weight
        for a, b in zip(chars, chars[1:]):
            bi[(a, b)] += weight
    return uni, start, end, bi


def cost(p):
    return min(255, max(0, int(round(-math.log(p) * COST_SCALE))))


def build_model(uni, start, end, bi):
    total = sum(uni.values())
    chars = sorted(uni, key=ord)
    index = {c: i for i, c in enumerate(chars)}
    if len(chars) > 65535:
        sys.exit("gen_tables: too many characters for 16-bit bigram keys")
    uni_cost = [cost(uni[c] / total) for c in chars]
    # Add-half smoothing: no character is certain never to end or start a word.
    start_cost = [cost((start[c] + 0.5) / (uni[c] + 1.0)) for c in chars]
    end_cost = [cost((end[c] + 0.5) / (uni[c] + 1.0)) for c in chars]
    left = collections.Counter()
    for (a, _), n in bi.items():
        left[a] += n
    kept = sorted(bi.items(), key=lambda kv: (-kv[1], ord(kv[0][0]), ord(kv[0][1])))[:BIGRAMS]
    rows = sorted(((index[a] << 16) | index[b], cost(n / left[a])) for (a, b), n in kept)
    return chars, uni_cost, start_cost, end_cost, rows


def c_array(ctype, name, values, fmt, per_line=12):
    lines = ["static const %s %s[%d] = {" % (ctype, name, len(values))]
    for i in range(0, len(values), per_line):
        lines.append("  " + " ".join(fmt % v + "," for v in values[i:i + per_line]))
    lines.append("};")
    return "\n".join(lines) + "\n"


def banner(inputs):
    return ("/* GENERATED by data/gen_tables.py: do not edit.\n"
            " * Inputs:\n" + "".join(" *   %s\n" % i for i in inputs) +
            " * Regenerate: make update-tables\n */\n")


def write_readings(path, readings, inputs):
    syllables = sorted({s for rs in readings.values() for s in rs})
    sid = {s: i for i, s in enumerate(syllables)}
    cps = sorted(readings)
    ids, entries = [], []
    for cp in cps:
        rs = sorted(readings[cp], key=lambda s: (not readings[cp][s], sid[s]))
        ncommon = sum(1 for s in rs if readings[cp][s])
        entries.append((cp, len(ids), len(rs), ncommon))
        ids.extend(sid[s] for s in rs)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(banner(inputs))
        f.write('#include "internal.h"\n\n')
        f.write("/* Toned syllables, sorted: ASCII base (u-umlaut as 'v') + tone digit 1-5. */\n")
        f.write("static const char *const syllables[%d] = {\n" % len(syllables))
        for i in range(0, len(syllables), 10):
            f.write("  " + " ".join('"%s",' % s for s in syllables[i:i + 10]) + "\n")
        f.write("};\n\n")
        f.write(c_array("uint16_t", "reading_ids", ids, "%d", 16))
        f.write("\n/* code point, first index into reading_ids, count, how many of them (first)\n"
                " * are common readings (kMandarin, kHanyuPinlu); sorted by code point */\n")
        f.write("static const struct zhfix__reading_entry entries[%d] = {\n" % len(entries))
        for i in range(0, len(entries), 6):
            f.write("  " + " ".join("{0x%X,%d,%d,%d}," % e for e in entries[i:i + 6]) + "\n")
        f.write("};\n\n")
        f.write("const struct zhfix__readings_table zhfix__readings = {\n"
                "  syllables, %d, reading_ids, entries, %d\n};\n" % (len(syllables), len(entries)))


def write_lm(path, models, inputs):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(banner(inputs))
        f.write('#include "internal.h"\n\n')
        for name, (chars, uni_cost, start_cost, end_cost, rows) in models:
            f.write("/* %s: %d characters, %d bigrams */\n" % (name, len(chars), len(rows)))
            f.write(c_array("uint32_t", name + "_uni_cp", [ord(c) for c in chars], "0x%X"))
            f.write(c_array("uint8_t", name + "_uni_cost", uni_cost, "%d", 20))
            f.write(c_array("uint8_t", name + "_start_cost", start_cost, "%d", 20))
            f.write(c_array("uint8_t", name + "_end_cost", end_cost, "%d", 20))
            f.write(c_array("uint32_t", name + "_bi_key", [k for k, _ in rows], "0x%X", 10))
            f.write(c_array("uint8_t", name + "_bi_cost", [c for _, c in rows], "%d", 20))
            # Per unigram index a (and one more), the index of a's first bigram.
            start, i = [], 0
            for a in range(len(chars) + 1):
                while i < len(rows) and rows[i][0] >> 16 < a:
                    i += 1
                start.append(i)
            f.write(c_array("uint32_t", name + "_bi_start", start, "%d", 16))
            f.write("const struct zhfix__lm_table zhfix__lm_%s = {\n"
                    "  %s_uni_cp, %s_uni_cost, %s_start_cost, %s_end_cost, %d,\n"
                    "  %s_bi_key, %s_bi_cost, %d, %s_bi_start\n};\n\n"
                    % (name, name, name, name, name, len(chars), name, name, len(rows), name))


def read_opencc_chars(opencc_dict, datadir, name):
    """{key: [values]} of an OpenCC character dictionary, through opencc_dict."""
    out = subprocess.run([opencc_dict, "-i", os.path.join(datadir, name + ".ocd2"), "-f", "ocd2",
                          "-o", "/dev/stdout", "-t", "text"], stdout=subprocess.PIPE,
                         check=True).stdout.decode("utf-8")
    table = {}
    for line in out.splitlines():
        if "\t" in line:
            key, values = line.split("\t", 1)
            table[key] = values.split()
    return table


def write_script(path, st, ts, inputs):
    """Characters only Simplified text uses, and only Traditional text uses:
    s2t changes a character of the first kind, t2s one of the second, and
    neither is a form the other direction produces."""
    s_changes = {k for k, v in st.items() if len(k) == 1 and k not in v}
    t_changes = {k for k, v in ts.items() if len(k) == 1 and k not in v}
    trad_forms = {c for v in st.values() for c in v}
    simp_forms = {c for v in ts.values() for c in v}
    simp_only = sorted(s_changes - t_changes - trad_forms, key=ord)
    trad_only = sorted(t_changes - s_changes - simp_forms, key=ord)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(banner(inputs))
        f.write('#include "internal.h"\n\n')
        f.write("/* %d characters only Simplified text uses */\n" % len(simp_only))
        f.write(c_array("uint32_t", "simp_only", [ord(c) for c in simp_only], "0x%X"))
        f.write("/* %d characters only Traditional text uses */\n" % len(trad_only))
        f.write(c_array("uint32_t", "trad_only", [ord(c) for c in trad_only], "0x%X"))
        f.write("const struct zhfix__script_table zhfix__script_chars = {\n"
                "  simp_only, %d, trad_only, %d\n};\n" % (len(simp_only), len(trad_only)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unihan", required=True)
    ap.add_argument("--jieba", required=True)
    ap.add_argument("--opencc", default="opencc")
    ap.add_argument("--opencc-dict", default="opencc_dict")
    ap.add_argument("--opencc-data", default="/usr/share/opencc")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--unicode-version", default="unknown")
    ap.add_argument("--jieba-version", default="unknown")
    ap.add_argument("--opencc-version", default="unknown")
    args = ap.parse_args()

    readings = read_unihan(args.unihan)
    write_readings(os.path.join(args.outdir, "readings.c"), readings,
                   ["%s (unicode-data %s)" % (os.path.basename(args.unihan), args.unicode_version),
                    "fields: " + ", ".join(READING_FIELDS)])

    st = read_opencc_chars(args.opencc_dict, args.opencc_data, "STCharacters")
    ts = read_opencc_chars(args.opencc_dict, args.opencc_data, "TSCharacters")
    write_script(os.path.join(args.outdir, "script.c"), st, ts,
                 ["STCharacters.ocd2, TSCharacters.ocd2 (opencc %s, Apache-2.0), through opencc_dict"
                  % args.opencc_version])

    words = read_jieba(args.jieba)
    simp = count(words)
    trad_words = []
    for config in ("s2t.json", "s2tw.json", "s2hk.json"):
        conv = opencc_words(args.opencc, config, words)
        trad_words.extend((t, f / 3.0) for t, (_, f) in zip(conv, words))
    trad = count(trad_words)
    write_lm(os.path.join(args.outdir, "lm.c"),
             [("simp", build_model(*simp)), ("trad", build_model(*trad))],
             ["jieba dict.txt (python3-jieba %s, MIT): word frequencies" % args.jieba_version,
              "Traditional: the same words through OpenCC s2t, s2tw, s2hk, each weight 1/3 "
              "(opencc %s, Apache-2.0)" % args.opencc_version,
              "costs x%d, uint8: unigram -ln P(c), word start/end -ln P(starts|c), "
              "-ln P(ends|c), bigram -ln P(b|a) within words; top %d bigrams"
              % (COST_SCALE, BIGRAMS)])


if __name__ == "__main__":
    main()
