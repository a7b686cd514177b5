#!/bin/sh
# The fast conversion engine gives exactly libopencc's output, for every config
# of Debian's opencc package, on a sample: OpenCC's own test cases and golden
# files for 1.1.6 (../shared/refs/opencc), the project's test sentences, and
# random text glued from dictionary keys, values and their prefixes with CJK,
# astral (CJK extension B, emoji), ASCII and punctuation (tests/opencc/random_text.py,
# fixed seeds). Lines libopencc cannot take (invalid UTF-8, NUL) are compared
# through the CLI instead: zhfix -R with each engine, invalid bytes passed
# through. The full run on >= 100 MB is bench/opencc-diff-full.sh.
. "$ZHFIX_SRCDIR/tests/setup.sh"
diff_tool=$(dirname "$ZHFIX")/tests/opencc/opencc_diff
refs=$ZHFIX_SRCDIR/../shared/refs/opencc
configs="s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s t2tw tw2t t2hk hk2t t2jp jp2t"
if ! command -v python3 >/dev/null 2>&1; then
  echo "1..0 # SKIP python3 not available (random text)"
  exit 0
fi
python3 "$ZHFIX_SRCDIR/tests/opencc/random_text.py" "$ZHFIX_SRCDIR/src/lib/tables/opencc.c" 6 4000 \
  >"$tmp/random.txt"
python3 "$ZHFIX_SRCDIR/tests/opencc/random_text.py" "$ZHFIX_SRCDIR/src/lib/tables/opencc.c" 7 1500 \
  --invalid >"$tmp/invalid.txt"
set -- "$tmp/random.txt" "$ZHFIX_SRCDIR"/tests/data/*.txt
if [ -d "$refs/testcases-1.1.6" ]; then
  set -- "$@" "$refs"/testcases-1.1.6/* "$refs"/golden/input/* "$refs"/golden/output/*
  head -c 300000 "$refs/benchmark/zuozhuan.txt" >"$tmp/classical.txt"
  set -- "$@" "$tmp/classical.txt"
fi
echo "1..$(($(echo $configs | wc -w) * 2))"
for c in $configs; do
  if $VALGRIND "$diff_tool" "$c" "$@" >"$tmp/$c.sum" 2>"$tmp/$c.err"; then
    ok "$(cat "$tmp/$c.sum")"
  else
    not_ok "$c: $(cat "$tmp/$c.sum") $(head -c 2000 "$tmp/$c.err")"
  fi
  zhfix -R -t "$c" "$tmp/invalid.txt" >"$tmp/fast.out" 2>"$tmp/fast.err" || true
  zhfix -R --engine=opencc -t "$c" "$tmp/invalid.txt" >"$tmp/ref.out" 2>"$tmp/ref.err" || true
  if [ -s "$tmp/ref.out" ] && cmp -s "$tmp/fast.out" "$tmp/ref.out" && [ ! -s "$tmp/fast.err" ]; then
    ok "$c: zhfix -R, fast engine = libopencc on $(wc -l <"$tmp/invalid.txt") lines with invalid UTF-8 and NUL"
  else
    not_ok "$c: zhfix -R with the fast engine differs from --engine=opencc on invalid input: $(head -c 500 "$tmp/fast.err")"
  fi
done
