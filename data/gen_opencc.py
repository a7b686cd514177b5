#!/usr/bin/env python3
"""Generate src/lib/tables/opencc.c: OpenCC's dictionaries for zhfix's fast engine.

Each installed OpenCC dictionary (/usr/share/opencc/*.ocd2, Debian package
libopencc1.1, Apache-2.0) is dumped to text with `opencc_dict -f ocd2 -t text`
(Debian package opencc) and stored as one C string of "key<TAB>value<LF>" lines,
value being the entry's default (first) value, which is the only one OpenCC's
converter uses. The byte size of each .ocd2 file is stored too: at run time
the engine uses a built-in dictionary only if the installed file still has
that size, and otherwise falls back to libopencc.

Each dictionary also comes as its trie, packed and ready to use, so that
opening a config builds nothing (the engine reads these arrays in place):
  nodes  one 64-bit word per trie node, breadth-first (node 0 is the root, the
         children of a node are consecutive and sorted by code point):
         bits 0-20 the code point of the edge into the node, bit 21 the node
         ends a key, bits 22-41 its first child, bits 42-63 its child count;
  vals   per node: the value's byte offset in the text (bits 0-23) and its
         length (bits 24-31);
  root   the root's edges for BMP code points, as a two-level table: rootidx
         [1024] gives for cp >> 6 a block of 64 words in rootblk (block 0 is
         all zero); a word is the child node (bits 0-19), HASKIDS (bit 20),
         ISKEY (bit 21), and a filter of the second characters of its keys
         (bits 22-63: bit 22 + (((cp * 0x9E3779B1 mod 2^32) >> 16) * 42 >> 16) is
         set for each second character cp);
  pairs  a filter of the keys' first two characters: bit
         ((cp1 << 21 | cp2) * 0x9E3779B97F4A7C15 mod 2^64) >> (64 - pairbits)
         is set for each key's first and second character, pairbits making
         at least 16 bits a pair;
  bigrams  the same filter for every two consecutive characters of a key
         (bigrambits);
  pair2  the keys' first two characters, exactly: a hash table with linear
         probing of 2^pair2bits slots (at most half full), the slot for cp1
         and cp2 starting at the pairs' hash with pair2bits; a slot is two
         words, cp1 << 41 | cp2 << 20 | the node of the two characters (0 if
         the slot is empty), then that node's word (as in nodes) with, in
         place of its code point (bits 0-20), a filter of the third
         characters: bit ((cp * 0x9E3779B1 mod 2^32) >> 16) * 21 >> 16 set for
         each child's code point cp;
  multi  the BMP code points that occur in a key of two or more characters,
         two-level like the root (mcidx [1024] -> 64-bit words of mcbits);
  ascii  the ASCII characters that occur in some key (a 128-bit set), and
         flags: some key has an astral character, some key of two or more
         characters does, every key is one character.

Deterministic: the same inputs give byte-identical output. Run through
`make update-tables-opencc` (part of `make update-tables`).
"""
import argparse
import os
import subprocess
import sys
import tempfile


def c_string(s):
    """A C string literal (split at line ends) for UTF-8 text."""
    out = []
    for line in s.encode("utf-8").split(b"\n")[:-1]:
        body = line.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\t", b"\\t")
        # Bytes >= 0x80 pass through as UTF-8; the source is UTF-8.
        out.append('  "' + body.decode("utf-8") + '\\n"')
    return "\n".join(out) if out else '  ""'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opencc-dict", default="opencc_dict")
    ap.add_argument("--opencc-data", default="/usr/share/opencc")
    ap.add_argument("--data-version", required=True, help="Debian version of libopencc1.1")
    ap.add_argument("--tool-version", required=True, help="Debian version of opencc")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    files = sorted(f for f in os.listdir(a.opencc_data) if f.endswith(".ocd2"))
    if not files:
        sys.exit("no .ocd2 files in " + a.opencc_data)
    dicts = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            txt = os.path.join(tmp, f + ".txt")
            subprocess.run([a.opencc_dict, "-i", os.path.join(a.opencc_data, f), "-o", txt,
                            "-f", "ocd2", "-t", "text"], check=True, stdout=subprocess.DEVNULL)
            entries = []
            with open(txt, encoding="utf-8") as fh:
                for line in fh:
                    line = line.rstrip("\n")
                    if not line:
                        continue
                    key, values = line.split("\t", 1)
                    value = values.split(" ")[0]
                    if not key or "\n" in key or "\t" in key or "\0" in key + value:
                        sys.exit("%s: unexpected entry %r" % (f, line))
                    entries.append((key, value))
            # Sorted by code points: the engine builds its trie in one pass,
            # sharing each key's common prefix with the key before it.
            entries.sort()
            keys = [k for k, _ in entries]
            if len(set(keys)) != len(keys):
                sys.exit("%s: duplicate keys" % f)
            size = os.path.getsize(os.path.join(a.opencc_data, f))
            dicts.append((f, size, entries))

    o = []
    o.append("/* GENERATED by data/gen_opencc.py: do not edit.")
    o.append(" * Inputs: the .ocd2 files in %s (Debian package libopencc1.1 %s, Apache-2.0)," % (
        a.opencc_data, a.data_version))
    o.append(" *   dumped by opencc_dict (Debian package opencc %s)." % a.tool_version)
    o.append(" * Each dictionary: \"key<TAB>default value<LF>\" lines, sorted by code points, and")
    o.append(" * its trie, packed (layout: data/gen_opencc.py).")
    o.append(" * Regenerate: make update-tables")
    o.append(" */")
    o.append('#include "internal.h"')
    o.append("")
    rows = []
    for i, (f, size, entries) in enumerate(dicts):
        text = "".join("%s\t%s\n" % kv for kv in entries)
        o.append("/* %s: %d entries */" % (f, len(entries)))
        o.append("static const char dict%d[] =" % i)
        o.append(c_string(text) + ";")
        o.append("")
        rows.append(pack(o, i, f, size, entries))
    o.append("const struct zhfix__ocd_source zhfix__ocd_sources[] = {")
    o.extend(rows)
    o.append("};")
    o.append("const size_t zhfix__nocd_sources = %d;" % len(dicts))
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(o) + "\n")


def c_array(o, decl, values, fmt):
    """Append a C array definition, several values a line."""
    o.append(decl + " = {")
    line = " "
    for v in values:
        item = " " + (fmt % v if v else "0") + ","
        if len(line) + len(item) > 100:
            o.append(line)
            line = " "
        line += item
    if line.strip():
        o.append(line)
    o.append("};")


def two_level(words):
    """{block: 64 words} -> (index[1024], flat words with the zero block first)."""
    idx = [0] * 1024
    flat = [0] * 64
    for b in sorted(words):
        idx[b] = len(flat) // 64
        flat.extend(words[b])
    if len(flat) // 64 > 0xFFFF:
        sys.exit("too many blocks")
    return idx, flat


def filter_bit(cp):
    return 22 + (((cp * 0x9E3779B1) % (1 << 32) >> 16) * 42 >> 16)


def third_bit(cp):
    return ((cp * 0x9E3779B1) % (1 << 32) >> 16) * 21 >> 16


def pair_bit(cp1, cp2, bits):
    return ((cp1 << 21 | cp2) * 0x9E3779B97F4A7C15) % (1 << 64) >> (64 - bits)


def pack(o, i, f, size, entries):
    """Append dictionary i's packed trie to o; return its row of zhfix__ocd_sources."""
    # Value offsets in the text (bytes).
    voff = {}
    pos = 0
    for k, v in entries:
        kb, vb = k.encode("utf-8"), v.encode("utf-8")
        voff[k] = (pos + len(kb) + 1, len(vb))
        pos += len(kb) + 1 + len(vb) + 1
    if pos >= 1 << 24 or any(l > 255 for _, l in voff.values()):
        sys.exit("%s: text too long for the packed values" % f)
    # The trie, numbered breadth-first.
    kids = {"": set()}
    for k, _ in entries:
        for j in range(1, len(k) + 1):
            kids.setdefault(k[:j], set())
            kids[k[:j - 1]].add(k[j - 1])
    order = [""]
    first = {}
    for p in order:  # grows as it goes
        first[p] = len(order)
        order.extend(p + c for c in sorted(kids[p]))
    num = {p: n for n, p in enumerate(order)}
    if len(order) >= 1 << 20:
        sys.exit("%s: too many trie nodes" % f)
    nodes, vals = [], []
    for p in order:
        nk = len(kids[p])
        w = (ord(p[-1]) if p else 0) | (1 << 21 if p in voff else 0)
        if nk:
            w |= first[p] << 22 | nk << 42
        nodes.append(w)
        vals.append(voff[p][0] | voff[p][1] << 24 if p in voff else 0)
    root = {}
    for c in kids[""]:
        cp = ord(c)
        if cp >= 0x10000:
            continue
        w = num[c] | (1 << 20 if kids[c] else 0) | (1 << 21 if c in voff else 0)
        for c2 in kids[c]:
            w |= 1 << filter_bit(ord(c2))
        root.setdefault(cp >> 6, [0] * 64)[cp & 63] = w
    ascii = [0, 0]
    astral = astral_multi = False
    for k, _ in entries:
        for c in k:
            cp = ord(c)
            if cp < 0x80:
                ascii[cp >> 6] |= 1 << (cp & 63)
            if cp >= 0x10000:
                astral = True
                astral_multi |= len(k) > 1
    mwords = {}
    for k, _ in entries:
        if len(k) > 1:
            for c in k:
                cp = ord(c)
                if cp < 0x10000:
                    mwords.setdefault(cp >> 6, 0)
                    mwords[cp >> 6] |= 1 << (cp & 63)
    ridx, rflat = two_level(root)
    midx = [0] * 1024
    mflat = [0]
    for b in sorted(mwords):
        midx[b] = len(mflat)
        mflat.append(mwords[b])
    single = all(len(k) == 1 for k, _ in entries)
    pairs = sorted(set((ord(k[0]), ord(k[1])) for k, _ in entries if len(k) > 1))
    pairbits = 6
    while 1 << pairbits < 16 * len(pairs):
        pairbits += 1
    pflat = [0] * (1 << (pairbits - 6))
    for c1, c2 in pairs:
        b = pair_bit(c1, c2, pairbits)
        pflat[b >> 6] |= 1 << (b & 63)
    c_array(o, "static const uint64_t nodes%d[%d]" % (i, len(nodes)), nodes, "0x%x")
    c_array(o, "static const uint32_t vals%d[%d]" % (i, len(vals)), vals, "%d")
    c_array(o, "static const uint16_t rootidx%d[1024]" % i, ridx, "%d")
    c_array(o, "static const uint64_t rootblk%d[%d]" % (i, len(rflat)), rflat, "0x%x")
    bigrams = sorted(set((ord(k[j]), ord(k[j + 1])) for k, _ in entries for j in range(len(k) - 1)))
    bigrambits = 6
    while 1 << bigrambits < 16 * len(bigrams):
        bigrambits += 1
    bflat = [0] * (1 << (bigrambits - 6))
    for c1, c2 in bigrams:
        b = pair_bit(c1, c2, bigrambits)
        bflat[b >> 6] |= 1 << (b & 63)
    c_array(o, "static const uint64_t pairs%d[%d]" % (i, len(pflat)), pflat, "0x%x")
    c_array(o, "static const uint64_t bigrams%d[%d]" % (i, len(bflat)), bflat, "0x%x")
    pair2bits = 1
    while 1 << pair2bits < 2 * len(pairs):
        pair2bits += 1
    p2 = [0] * (2 << pair2bits)
    for c1, c2 in pairs:
        b = pair_bit(c1, c2, pair2bits)
        while p2[2 * b]:
            b = (b + 1) & ((1 << pair2bits) - 1)
        n = num[chr(c1) + chr(c2)]
        p2[2 * b] = c1 << 41 | c2 << 20 | n
        third = 0
        for c3 in kids[chr(c1) + chr(c2)]:
            third |= 1 << third_bit(ord(c3))
        p2[2 * b + 1] = nodes[n] & ~0x1FFFFF | third
    c_array(o, "static const uint64_t pair2_%d[%d]" % (i, len(p2)), p2, "0x%x")
    c_array(o, "static const uint16_t mcidx%d[1024]" % i, midx, "%d")
    c_array(o, "static const uint64_t mcbits%d[%d]" % (i, len(mflat)), mflat, "0x%x")
    o.append("")
    return ('  {"%s", %d, %d, %d, dict%d, sizeof dict%d - 1,\n'
            '   nodes%d, vals%d, rootidx%d, rootblk%d, pairs%d, %d, bigrams%d, %d, pair2_%d, %d,\n'
            '   mcidx%d, mcbits%d, {0x%x, 0x%x}, %d, %d, %d},' % (
                f, size, len(entries), len(nodes), i, i, i, i, i, i, i, pairbits, i, bigrambits,
                i, pair2bits, i, i,
                ascii[0], ascii[1], astral, astral_multi, single))


if __name__ == "__main__":
    main()
