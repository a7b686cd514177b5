#!/usr/bin/env python3
"""Random text for the differential test of the fast engine against libopencc.

Usage: random_text.py TABLES SEED LINES [--invalid]
TABLES is src/lib/tables/opencc.c: its dictionary keys and values (and their
prefixes) are glued together with random characters: CJK, CJK extension B
(astral), ASCII, punctuation, other BMP characters and emoji, so that phrases
overlap, groups compete and unmatched runs meet multi-character keys. With
--invalid, some lines also get invalid UTF-8 (stray continuation bytes,
truncated sequences, overlongs, surrogates) and NUL bytes. Deterministic for
a given seed; writes to standard output.
"""
import random
import re
import sys


def main():
    tables, seed, nlines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    invalid = "--invalid" in sys.argv[4:]
    rnd = random.Random(seed)
    words = []
    with open(tables, encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r'  "(.*)\\t(.*)\\n"$', line)
            if m:
                words.append(m.group(1).replace('\\"', '"').replace("\\\\", "\\"))
                words.append(m.group(2).replace('\\"', '"').replace("\\\\", "\\"))
    pieces = [
        lambda: rnd.choice(words),
        lambda: rnd.choice(words),
        lambda: rnd.choice(words),
        lambda: (lambda w: w[: rnd.randint(1, len(w))])(rnd.choice(words)),
        lambda: (lambda w: w[rnd.randint(0, len(w) - 1):])(rnd.choice(words)),
        lambda: chr(rnd.randint(0x4E00, 0x9FFF)),
        lambda: chr(rnd.randint(0x20000, 0x2A6DF)),
        lambda: chr(rnd.randint(0x20, 0x7E)) * rnd.randint(1, 3),
        lambda: rnd.choice("，。、！？：；「」『』（）《》…—　 \t"),
        lambda: chr(rnd.choice([rnd.randint(0xA0, 0x33FF), rnd.randint(0xAC00, 0xD7A3),
                                rnd.randint(0xE000, 0xFFFD)])),
        lambda: chr(rnd.randint(0x1F300, 0x1FAFF)),
    ]
    bad = [b"\x80", b"\xbf", b"\xc0\xaf", b"\xe4\xb8", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xff",
           b"\x00", b"\xe4", b"\xf4\x90\x80\x80"]
    out = sys.stdout.buffer
    for _ in range(nlines):
        text = "".join(rnd.choice(pieces)() for _ in range(rnd.randint(1, 40)))
        data = text.encode("utf-8")
        if invalid and rnd.random() < 0.3:
            for _ in range(rnd.randint(1, 3)):
                cut = rnd.randint(0, len(data))
                data = data[:cut] + rnd.choice(bad) + data[cut:]
        out.write(data + b"\n")


if __name__ == "__main__":
    main()
