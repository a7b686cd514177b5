#!/bin/sh
# Parallelism benchmark (not a test): on SIZE_MB of generated input
# (bench/gen.py), time `zhfix -t s` against GNU parallel
# (`parallel --pipe -k --block 1M zhfix -t s`) and against `zhfix --jobs=2 -t s`:
# is the output byte-identical, and how much faster is each? Needs GNU parallel
# (Debian package parallel). Timings are wall-clock seconds of one run each.
# Usage: bench/parallel.sh [ZHFIX] [SIZE_MB]
set -eu
ZHFIX=${1:-./zhfix}
SIZE_MB=${2:-100}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-parallel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! command -v parallel >/dev/null 2>&1; then
  echo "bench/parallel.sh: GNU parallel is not installed (apt-get install parallel)" >&2
  exit 1
fi

python3 "$src/bench/gen.py" $((SIZE_MB * 1000000)) "$src" >"$tmp/in"
bytes=$(wc -c <"$tmp/in")
run() { # NAME OUTPUT COMMAND...: prints seconds into $tmp/NAME.secs
  name=$1 out=$2
  shift 2
  /usr/bin/time -f '%e' -o "$tmp/$name.secs" "$@" <"$tmp/in" >"$out"
}
run one "$tmp/one" "$ZHFIX" -t s
run parallel "$tmp/par" parallel --will-cite --pipe -k --block 1M "$ZHFIX" -t s
run jobs1 "$tmp/j1" "$ZHFIX" --jobs=1 -t s
run jobs2 "$tmp/j2" "$ZHFIX" --jobs=2 -t s
same() { if cmp -s "$1" "$2"; then echo "byte-identical"; else echo "DIFFERENT"; status=1; fi; }
status=0
t_one=$(cat "$tmp/one.secs") t_par=$(cat "$tmp/parallel.secs")
t_j1=$(cat "$tmp/jobs1.secs") t_j2=$(cat "$tmp/jobs2.secs")
echo "input: $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB (bench/gen.py); $(nproc) cores; one run each (rough on a shared machine)"
echo "zhfix -t s:                                  $t_one s"
echo "parallel --pipe -k --block 1M zhfix -t s:    $t_par s, $(same "$tmp/one" "$tmp/par"), $(awk -v a="$t_one" -v b="$t_par" 'BEGIN { printf "%.2fx", a / b }')"
echo "zhfix --jobs=1 -t s:                         $t_j1 s, $(same "$tmp/one" "$tmp/j1")"
echo "zhfix --jobs=2 -t s:                         $t_j2 s, $(same "$tmp/j1" "$tmp/j2"), $(awk -v a="$t_j1" -v b="$t_j2" 'BEGIN { printf "%.2fx", a / b }') faster than --jobs=1"
exit $status
