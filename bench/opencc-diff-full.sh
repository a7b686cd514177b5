#!/bin/sh
# The full differential run (not part of make check; about 20-40 minutes):
# the fast engine against libopencc, line by line, for every config of
# Debian's opencc package, on >= 100 MB of varied text fetched at run time and
# never copied into the tree:
#   - Debian: fortunes-zh, manpages-zh, debian-reference-zh-cn and -zh-tw
#     (apt-get download; GPL/GFDL texts),
#   - chinese-poetry from npm (npm pack; MIT): Tang and Song poems, ci, the
#     Analects ..., every JSON string value as a line,
#   - OpenCC's 1.1.6 test cases and golden files (../shared/refs/opencc),
#   - random text from tests/opencc/random_text.py (CJK, astral, ASCII,
#     dictionary fragments), and lines with invalid UTF-8 and NUL, compared
#     through the CLI (zhfix -R, each engine).
# Prints, per config, the lines compared and the lines that differ (must be 0).
# Usage: bench/opencc-diff-full.sh [BUILDDIR] [RANDOM_LINES] [POETRY_MB]
# (POETRY_MB: keep only the first MB of chinese-poetry's ~195 MB of text.)
set -eu
build=$(cd "${1:-.}" && pwd)
nrandom=${2:-300000}
poetry_mb=${3:-}
src=$(cd "$(dirname "$0")/.." && pwd)
tool=$build/tests/opencc/opencc_diff
zhfix=$build/zhfix
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-diff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x "$tool" ] || { echo "build $tool first: make tests/opencc/opencc_diff" >&2; exit 2; }

cd "$tmp"
mkdir deb x
(cd deb && apt-get download fortunes-zh manpages-zh debian-reference-zh-cn debian-reference-zh-tw \
  >../apt.log 2>&1) || { echo "apt-get download failed: $(tail -1 apt.log)" >&2; exit 2; }
for d in deb/*.deb; do dpkg -x "$d" x; done
find x -path '*fortunes*' -type f ! -name '*.dat' ! -name '*.u8' | sort | xargs cat \
  | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >debian-fortunes.txt
find x -name '*.gz' -path '*/man/*' | sort | xargs zcat >debian-manpages.txt
find x -name '*.html' -path '*zh-cn*' | sort | xargs cat >debian-reference-zh-cn.html
find x -name '*.html' -path '*zh-tw*' | sort | xargs cat >debian-reference-zh-tw.html

mkdir npm
(cd npm && npm pack --silent chinese-poetry@2.0.1 >../npm.log 2>&1 && tar xzf chinese-poetry-*.tgz) ||
  { echo "npm pack chinese-poetry failed: $(tail -1 npm.log)" >&2; exit 2; }
python3 - npm/package >chinese-poetry.txt <<'PY'
import json, os, sys
def walk(v):
    if isinstance(v, str):
        for line in v.splitlines():
            if line.strip():
                print(line)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, dict):
        for x in v.values():
            walk(x)
for root, dirs, files in sorted(os.walk(sys.argv[1])):
    dirs.sort()
    for f in sorted(files):
        if f.endswith(".json") and f != "package.json":
            try:
                walk(json.load(open(os.path.join(root, f), encoding="utf-8")))
            except ValueError:
                pass
PY
rm -rf npm x deb
if [ -n "$poetry_mb" ]; then
  head -c $((poetry_mb * 1000000)) chinese-poetry.txt | sed '$d' >poetry.cut
  mv poetry.cut chinese-poetry.txt
fi

refs=${ZHFIX_OPENCC_REFS:-$src/../shared/refs/opencc}
[ -d "$refs" ] || echo "warning: no OpenCC test data at $refs (set ZHFIX_OPENCC_REFS): left out" >&2
cat "$refs"/testcases-1.1.6/* "$refs"/golden/input/* "$refs"/golden/output/* \
  "$refs"/benchmark/zuozhuan.txt >opencc-refs.txt 2>/dev/null || :
python3 "$src/tests/opencc/random_text.py" "$src/src/lib/tables/opencc.c" 11 "$nrandom" >random.txt
python3 "$src/tests/opencc/random_text.py" "$src/src/lib/tables/opencc.c" 12 $((nrandom / 10)) \
  --invalid >invalid.txt

files="debian-fortunes.txt debian-manpages.txt debian-reference-zh-cn.html debian-reference-zh-tw.html chinese-poetry.txt opencc-refs.txt random.txt"
for f in $files invalid.txt; do
  printf '%-30s %8.1f MB %9d lines\n' "$f" "$(wc -c <"$f" | awk '{print $1 / 1e6}')" "$(wc -l <"$f")"
done
printf '%-30s %8.1f MB\n' total "$(cat $files invalid.txt | wc -c | awk '{print $1 / 1e6}')"

status=0
for c in s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s t2tw tw2t t2hk hk2t t2jp jp2t; do
  # shellcheck disable=SC2086
  "$tool" "$c" $files 2>"$c.err" || status=1
  head -20 "$c.err" >&2
  "$zhfix" -R -t "$c" invalid.txt >fast.out
  "$zhfix" -R --engine=opencc -t "$c" invalid.txt >ref.out
  if cmp -s fast.out ref.out; then
    echo "$c: zhfix -R on invalid.txt ($(wc -l <invalid.txt) lines with invalid UTF-8 and NUL): identical"
  else
    echo "$c: zhfix -R on invalid.txt: $(diff fast.out ref.out | grep -c '^<') lines differ"
    status=1
  fi
done
exit $status
