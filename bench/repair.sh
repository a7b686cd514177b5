#!/bin/sh
# Repair-only throughput benchmark (not a test): MB/s of `zhfix` (repair, no
# --to) and `zhfix -R` (no repair) on one core, on clean Simplified and
# Traditional text and on damaged text, each about SIZE_MB by repetition:
#   manpages-zh, zh_CN and zh_TW pages (GPL: fetched at run time with apt-get
#     download, never copied into the tree; left out when it cannot be fetched)
#   Debian's fortunes-zh, and the same through OpenCC s2t (much of it indented
#     with no-break spaces and drawn with box characters, which the mojibake
#     stage has to look at)
#   the project's damaged golden article (tests/golden/input/article.txt)
# MB/s are given by CPU time (user + sys, best of RUNS runs), which a machine
# shared with other work disturbs less than elapsed time, and by elapsed time.
# Needs opencc, fortunes-zh and GNU time (/usr/bin/time).
# Usage: bench/repair.sh [ZHFIX] [SIZE_MB] [RUNS]
set -eu
ZHFIX=${1:-./zhfix}
SIZE_MB=${2:-20}
RUNS=${3:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for f in /usr/share/games/fortunes/chinese /usr/share/games/fortunes/tang300 /usr/share/games/fortunes/song100; do
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$f"
done >"$tmp/fortunes-simp"
opencc -c s2t.json <"$tmp/fortunes-simp" >"$tmp/fortunes-trad"
kinds="fortunes-simp fortunes-trad damaged"
if (cd "$tmp" && apt-get download manpages-zh >/dev/null 2>&1); then
  dpkg -x "$tmp"/manpages-zh_*.deb "$tmp/x"
  find "$tmp/x" -name '*.gz' -path '*/man/zh_CN/*' | sort | xargs zcat >"$tmp/man-simp"
  find "$tmp/x" -name '*.gz' -path '*/man/zh_TW/*' | sort | xargs zcat >"$tmp/man-trad"
  kinds="man-simp man-trad $kinds"
fi
cp "$src/tests/golden/input/article.txt" "$tmp/damaged"

grow() { # file: repeat it to SIZE_MB
  cp "$1" "$1.one"
  while [ "$(wc -c <"$1")" -lt $((SIZE_MB * 1000000)) ]; do
    cat "$1.one" >>"$1"
  done
}

run() { # label input command...
  label=$1
  input=$2
  shift 2
  bytes=$(wc -c <"$input")
  best=
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%U %S %e' -o "$tmp/time" "$@" <"$input" >/dev/null
    read -r u s e <"$tmp/time"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$cpu
      wall=$e
    fi
  done
  awk -v n="$label" -v b="$bytes" -v c="$best" -v w="$wall" 'BEGIN {
    cpu = c > 0 ? sprintf("%8.1f", b / 1e6 / c) : "       -"
    printf "%-48s %s MB/s cpu %8.1f MB/s elapsed\n", n, cpu, (w > 0 ? b / 1e6 / w : 0) }'
}

printf 'repair only, one core, %s MB each\n' "$SIZE_MB"
for kind in $kinds; do
  grow "$tmp/$kind"
  case $kind in
  man-simp) name="clean Simplified (manpages-zh)" ;;
  man-trad) name="clean Traditional (manpages-zh)" ;;
  fortunes-simp) name="clean Simplified (fortunes-zh)" ;;
  fortunes-trad) name="clean Traditional (fortunes-zh s2t)" ;;
  damaged) name="damaged (golden article)" ;;
  esac
  run "zhfix, $name" "$tmp/$kind" "$ZHFIX"
  run "zhfix -R, $name" "$tmp/$kind" "$ZHFIX" -R
done
