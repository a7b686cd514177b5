#!/usr/bin/python3
"""damage.py - reproduce the seed article's damage on any Simplified Chinese text.

Usage: damage.py [--lose-every N] [-v] --out-damaged F --out-expected F INPUT

What the publisher of the seed article did, step by step (deterministic):
 a. convert the Simplified text to Traditional with `opencc -c s2t.json`;
 b. annotate every Han character whose Traditional form differs from the
    input character; its pinyin is its first kMandarin reading in Unihan;
 c. encode GB18030 and, in ONE left-to-right scan over each line's bytes,
    replace every occurrence of an annotated character's bytes by those bytes
    + "(pinyin)" - also occurrences straddling two characters (trail byte of
    one + lead byte of the next);
 d. after every N-th aligned insertion (counting on until one qualifies),
    delete the first byte after the ")" if it is the lead byte of a 2-byte
    character and the shifted decode resynchronises (an original trail byte
    0x40-0x7E lands in lead position) after 1..8 misaligned characters
    without meeting an ASCII byte first;
 e. decode as the seed's decoder did: valid GB18030 cells decode (user-defined
    cells -> PUA); a lead byte plus an invalid trail gives "?" and consumes
    both bytes; any other invalid byte gives "?";
 f. fold ，；：？！（） to ASCII.
Outputs: the damaged text, and the expected repair: the clean Traditional text
of step a with the folding of step f, except in the characters whose bytes the
damage misaligned (a perfect repair restores them from their bytes, so their
punctuation comes back fullwidth). Counts go to stderr; -v lists the sites.
"""
import argparse
import bz2
import subprocess
import sys

UNIHAN = '/usr/share/unicode/Unihan_Readings.txt.bz2'
FOLD = str.maketrans('，；：？！（）', ',;:?!()')


def opencc(config, text):
    return subprocess.run(['opencc', '-c', config], input=text, text=True,
                          capture_output=True, check=True).stdout


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or
            0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF)


def readings(chars):
    """First kMandarin reading of each character in chars."""
    want = {'U+%04X' % ord(c): c for c in chars}
    found = {}
    with bz2.open(UNIHAN, 'rt', encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) == 3 and parts[1] == 'kMandarin' and parts[0] in want:
                found[want[parts[0]]] = parts[2].split()[0].lower()
    return found


def annotated_chars(simp, trad):
    if len(simp) == len(trad):
        chars = {t for s, t in zip(simp, trad) if s != t and is_han(t)}
    else:  # fall back: characters that t2s changes
        cand = sorted({c for c in trad if is_han(c)})
        back = opencc('t2s.json', '\n'.join(cand)).split('\n')
        chars = {c for c, b in zip(cand, back) if c != b}
    return chars


def decode(b):
    """GB18030 decode the way the seed's decoder did it."""
    out, i, n = [], 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            out.append(chr(c))
            i += 1
            continue
        if c in (0x80, 0xFF) or i + 1 >= n:
            out.append('?')
            i += 1
            continue
        d = b[i + 1]
        if 0x30 <= d <= 0x39 and i + 3 < n:
            try:
                out.append(b[i:i + 4].decode('gb18030'))
                i += 4
                continue
            except UnicodeDecodeError:
                pass
        try:
            out.append(b[i:i + 2].decode('gb18030'))
        except UnicodeDecodeError:
            out.append('?')
        i += 2
    return ''.join(out)


def char_starts(line):
    starts, i = set(), 0
    while i < len(line):
        starts.add(i)
        c = line[i]
        if c < 0x80:
            i += 1
        elif i + 1 < len(line) and 0x30 <= line[i + 1] <= 0x39:
            i += 4
        else:
            i += 2
    return starts


def insert(line, subst):
    """Step c. Returns (bytes, [(offset after ')', aligned, source offset)])."""
    starts = char_starts(line)
    out, sites, i = bytearray(), [], 0
    while i < len(line):
        for k in (4, 2):
            rep = subst.get(bytes(line[i:i + k]))
            if rep:
                out += rep
                sites.append((len(out), i in starts, i + k))
                i += k
                break
        else:
            out.append(line[i])
            i += 1
    return out, sites


def misaligned(line, starts, first):
    """Source offsets of the characters from the one starting at `first`
    through the one whose trail byte (0x40-0x7E) realigns the decoder."""
    out, i = set(), first
    while i < len(line) and i in starts and line[i] >= 0x81:
        out.add(i)
        if 0x40 <= line[i + 1] <= 0x7E:
            break
        i += 2
    return out


def expected_line(tline, protect):
    out, off = [], 0
    for c in tline:
        out.append(c if off in protect else c.translate(FOLD))
        off += len(c.encode('gb18030'))
    return ''.join(out)


def resyncs(buf, p):
    """Step d test: may the lead byte at buf[p] be lost?"""
    j, pairs = p + 1, 0
    while j < len(buf):
        b = buf[j]
        if 0x40 <= b <= 0x7E:
            return pairs >= 1
        if b < 0x81 or b == 0xFF or j + 1 >= len(buf) or buf[j + 1] < 0x81:
            return False
        pairs += 1
        if pairs > 8:
            return False
        j += 2
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input')
    ap.add_argument('--out-damaged', required=True)
    ap.add_argument('--out-expected', required=True)
    ap.add_argument('--lose-every', type=int, default=12)
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args()

    with open(a.input, encoding='utf-8') as f:
        simp = f.read()
    trad = opencc('s2t.json', simp)
    chars = annotated_chars(simp, trad)
    py = readings(chars)
    subst = {c.encode('gb18030'): c.encode('gb18030') +
             ('(' + py[c] + ')').encode('gb18030') for c in chars if c in py}

    damaged, expected, since = [], [], 0
    n_ins = n_mis = n_lost = 0
    for no, tline in enumerate(trad.split('\n'), 1):
        line = tline.encode('gb18030')
        buf, sites = insert(line, subst)
        starts = char_starts(line)
        lose, protect = [], set()
        for p, aligned, src in sites:
            n_ins += 1
            if not aligned:
                n_mis += 1
                protect |= misaligned(line, starts, src - 1)
                if a.verbose:
                    print('line %d: straddling insertion' % no, file=sys.stderr)
                continue
            since += 1
            if (since >= a.lose_every and src in starts and p < len(buf)
                    and buf[p] >= 0x81 and resyncs(buf, p)):
                lose.append(p)
                protect |= misaligned(line, starts, src)
                since = 0
        for p in reversed(lose):
            del buf[p]
        n_lost += len(lose)
        text = decode(bytes(buf)).translate(FOLD)
        if a.verbose and lose:
            print('line %d: %d lost byte(s)' % (no, len(lose)), file=sys.stderr)
        damaged.append(text)
        expected.append(expected_line(tline, protect))

    expected = '\n'.join(expected)
    damaged = '\n'.join(damaged)
    assert damaged.count('\n') == expected.count('\n')
    with open(a.out_damaged, 'w', encoding='utf-8') as f:
        f.write(damaged)
    with open(a.out_expected, 'w', encoding='utf-8') as f:
        f.write(expected)
    print('annotations inserted: %d (straddling: %d); lost bytes: %d'
          % (n_ins, n_mis, n_lost), file=sys.stderr)


if __name__ == '__main__':
    main()
