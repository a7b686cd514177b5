#!/usr/bin/env python3
"""A character-only Simplified/Traditional converter, as the converters that
zhfix's mis-conversion repair undoes: each character through OpenCC's
character dictionary alone, first candidate, no phrases.

  charconv.py t2s|s2tw < in > out     (s2tw: STCharacters, then TWVariants)
  charconv.py score ORIGINAL DAMAGED REPAIRED
      prints the errors the damage introduced (characters that differ from the
      original), how many the repair put right, and how many characters the
      repair changed that were right (false changes); exit 1 if the lengths differ.

The dictionaries are read with opencc_dict (Debian package opencc) from
OPENCC_DATA (default /usr/share/opencc)."""
import os
import subprocess
import sys


def table(name):
    path = os.path.join(os.environ.get("OPENCC_DATA", "/usr/share/opencc"), name + ".ocd2")
    out = subprocess.run(["opencc_dict", "-i", path, "-f", "ocd2", "-o", "/dev/stdout",
                          "-t", "text"], stdout=subprocess.PIPE, check=True).stdout.decode()
    t = {}
    for line in out.splitlines():
        k, v = line.split("\t", 1)
        if len(k) == 1:
            t[k] = v.split()[0]
    return t


def convert(mode):
    chain = {"t2s": ["TSCharacters"], "s2tw": ["STCharacters", "TWVariants"]}[mode]
    tables = [table(n) for n in chain]
    text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
    for t in tables:
        text = "".join(t.get(c, c) for c in text)
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))


def score(orig, damaged, repaired):
    o, d, r = [open(p, encoding="utf-8", errors="surrogateescape").read().split("\n")
               for p in (orig, damaged, repaired)]
    if not (len(o) == len(d) == len(r)):
        print("line counts differ: %d %d %d" % (len(o), len(d), len(r)))
        return 1
    errors = fixed = false = wrong = other = 0
    for lo, ld, lr in zip(o, d, r):
        if len(lr) != len(ld):  # a doubling undone: judged as a whole line
            other += 1
            errors += sum(a != b for a, b in zip(lo, ld))
            fixed += lr == lo and lo != ld
            false += lr != lo and lo == ld
            continue
        for a, b, c in zip(lo, ld, lr):
            if a != b:
                errors += 1
                fixed += c == a
                wrong += c != a and c != b
            elif c != b:
                false += 1
    print("errors=%d fixed=%d false=%d wrong=%d lines_resized=%d" % (errors, fixed, false, wrong, other))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "score":
        sys.exit(score(*sys.argv[2:5]))
    convert(sys.argv[1])
