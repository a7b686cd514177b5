#!/bin/bash
# regen.sh - regenerate the golden article files from source/article.txt:
#   input/article.txt            damaged text (tests/damage.py)
#   output/article.repair.txt    expected repair output (clean Traditional)
#   output/article.t2s.txt       opencc t2s of the expected repair output
#   output/article.s2t.txt       opencc s2t of the expected repair output
# Needs opencc and /usr/share/unicode/Unihan_Readings.txt.bz2.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/usr/bin/python3}

"$PYTHON" ../damage.py --lose-every 47 \
    --out-damaged input/article.txt \
    --out-expected output/article.repair.txt \
    source/article.txt
opencc -c t2s.json -i output/article.repair.txt -o output/article.t2s.txt
opencc -c s2t.json -i output/article.repair.txt -o output/article.s2t.txt
