#!/usr/bin/python3
"""gen.py - generate benchmark input on standard output, deterministically.

Usage: gen.py [--seed N] [--one-line] [--split] SIZE_BYTES SRCDIR

Units: the project's own sentences (tests/data, Simplified and Traditional),
lines of the damaged golden article (ruby residue, byte-shift runs), and
sentences made into mojibake (UTF-8 read as GB18030, and as cp1252). Lines of
1-6 units end with LF (one in 50 with CRLF). With --one-line, the units form
one line with no line end at all; with --split as well, LF follows each
sentence end (。！？): the same text cut into pieces, whose output without the
LFs equals the output of the one line (zhfix processes a line longer than
its window sentence by sentence).
"""
import random
import re
import sys

SENT = re.compile('(。|！|？)'.encode())


def units(srcdir):
    out = []
    for name in ('sentences.zh-Hans.txt', 'sentences.zh-Hant.txt'):
        with open(f'{srcdir}/tests/data/{name}', encoding='utf-8') as f:
            out += [s for s in f.read().split('\n') if s]
    plain = list(out)
    with open(f'{srcdir}/tests/golden/input/article.txt', 'rb') as f:
        article = [l for l in f.read().split(b'\n') if l.strip()]
    damaged = []
    for s in plain:
        b = s.encode('utf-8')
        try:
            damaged.append(b.decode('gb18030').encode('utf-8'))
        except UnicodeDecodeError:
            pass
        try:
            damaged.append(b.decode('cp1252').encode('utf-8'))
        except UnicodeDecodeError:
            pass
    return [s.encode('utf-8') for s in plain], article, damaged


def main():
    args = sys.argv[1:]
    seed, one_line, split = 1, False, False
    while args and args[0].startswith('--'):
        a = args.pop(0)
        if a == '--seed':
            seed = int(args.pop(0))
        elif a == '--one-line':
            one_line = True
        elif a == '--split':
            split = True
    size, srcdir = int(args[0]), args[1]
    plain, article, damaged = units(srcdir)
    rnd = random.Random(seed)
    out = sys.stdout.buffer
    done = 0
    buf = []
    while done < size:
        r = rnd.random()
        u = rnd.choice(article) if r < 0.03 else rnd.choice(damaged) if r < 0.06 else rnd.choice(plain)
        if one_line:
            buf.append(SENT.sub(lambda m: m.group(0) + b'\n', u) if split else u)
        else:
            buf.append(u)
            if rnd.random() < 0.3:
                buf.append(b'\r\n' if rnd.random() < 0.02 else b'\n')
        done += len(u)
        if len(buf) >= 4096:
            out.write(b''.join(buf))
            buf = []
    if not one_line:
        buf.append(b'\n')
    out.write(b''.join(buf))


main()
