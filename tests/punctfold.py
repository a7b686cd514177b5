#!/usr/bin/env python3
"""Fullwidth punctuation folded to ASCII, and a score of its restoration.

  punctfold.py fold [--enum] < in > out
      ，：；？！（） -> , : ; ? ! ( ); with --enum also 、 -> ,
  punctfold.py score ORIGINAL FOLDED RESTORED
      folded marks, how many came back as in the original, and characters the
      restoration changed that the folding had not touched (false changes).
      Lines whose length changed are compared whole."""
import sys

FOLD = {"，": ",", "：": ":", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")"}


def read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read().split("\n")


def main():
    if sys.argv[1] == "fold":
        table = dict(FOLD)
        if "--enum" in sys.argv:
            table["、"] = ","
        text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
        sys.stdout.buffer.write("".join(table.get(c, c) for c in text).encode("utf-8", "surrogateescape"))
        return 0
    o, d, r = (read(p) for p in sys.argv[2:5])
    folded = restored = false = resized = 0
    for lo, ld, lr in zip(o, d, r):
        if len(lr) != len(ld):
            resized += 1
            n = sum(a != b for a, b in zip(lo, ld))
            folded += n
            restored += n if lr == lo else 0
            false += 0 if lr == lo else 1
            continue
        for a, b, c in zip(lo, ld, lr):
            if a != b:
                folded += 1
                restored += c == a
            elif c != b:
                false += 1
    print("folded=%d restored=%d (%.2f%%) false=%d resized_lines=%d"
          % (folded, restored, 100.0 * restored / max(folded, 1), false, resized))
    return 0


if __name__ == "__main__":
    sys.exit(main())
