#!/bin/sh
# Throughput benchmark (not a test): MB/s and peak RSS of zhfix --to simplified
# against the opencc CLI with t2s.json, on the same ~20 MB Traditional text.
# The text: Debian's fortunes-zh converted to Traditional with OpenCC, plus the
# project's damaged golden article, repeated. Needs opencc, fortunes-zh and
# GNU time (/usr/bin/time, Debian package time).
# Usage: bench/throughput.sh [ZHFIX] [SIZE_MB]
set -eu
ZHFIX=${1:-./zhfix}
SIZE_MB=${2:-20}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for f in /usr/share/games/fortunes/chinese /usr/share/games/fortunes/tang300 /usr/share/games/fortunes/song100; do
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$f"
done | opencc -c s2t.json >"$tmp/one"
cat "$src/tests/golden/input/article.txt" >>"$tmp/one"
: >"$tmp/input"
while [ "$(wc -c <"$tmp/input")" -lt $((SIZE_MB * 1000000)) ]; do
  cat "$tmp/one" >>"$tmp/input"
done
bytes=$(wc -c <"$tmp/input")

run() { # name command...
  name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" <"$tmp/input" >"$tmp/out"
  read -r secs kb <"$tmp/time"
  awk -v n="$name" -v b="$bytes" -v s="$secs" -v k="$kb" 'BEGIN {
    printf "%-34s %8.1f MB/s %8.1f s %8.1f MB peak RSS\n", n, (s > 0 ? b / 1e6 / s : 0), s, k / 1024 }'
}

printf 'input: %.1f MB of Traditional text (fortunes-zh through OpenCC s2t, plus the damaged golden article)\n' \
  "$(echo "$bytes" | awk '{ print $1 / 1e6 }')"
run "zhfix --to simplified" "$ZHFIX" --to simplified
run "zhfix --no-repair --to simplified" "$ZHFIX" --no-repair --to simplified
run "zhfix (repair only)" "$ZHFIX"
run "opencc -c t2s.json" opencc -c t2s.json
run "cat" cat
