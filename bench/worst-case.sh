#!/bin/sh
# Worst-case inputs (issue: resource bounds): one long line of each kind, at
# growing sizes; time and peak RSS per size show whether the work is linear.
# Kinds: '?' only; private-use characters; alternating Latin-1 letters; ruby
# annotations (10^6 at the largest size of 6 MB); a byte-shift run pattern
# repeated; mojibake three layers deep (UTF-8 read as cp1252, three times).
# Usage: bench/worst-case.sh [ZHFIX] [SIZES_MB...]   (default sizes: 1 2 4 8)
set -eu
ZHFIX=${1:-./zhfix}
shift 2>/dev/null || true
sizes=${*:-"1 2 4 8"}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-worst.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

unit() { # kind -> one repeating unit of text
  case $1 in
  qmark) printf '?' ;;
  pua) printf '\356\200\200' ;;                       # U+E000
  latin1) printf '\303\251\303\240' ;;                # éà
  ruby) printf '\346\245\255(y\303\250)' ;;            # 業(yè)
  shift) printf '\350\246\217(gu\304\253);\347\230\256U\345\274\265' ;; # 規(guī);瘮U張
  layered) printf '中文' | iconv -f UTF-8 -t UTF-8 | {
      s=$(cat); for i in 1 2 3; do s=$(printf '%s' "$s" | iconv -f CP1252 -t UTF-8 2>/dev/null || printf '%s' "$s"); done; printf '%s' "$s"; } ;;
  esac
}

printf '%-8s %6s %9s %10s %10s\n' kind MB seconds 'MB/s' 'RSS MB'
for kind in qmark pua latin1 ruby shift layered; do
  unit "$kind" >"$tmp/unit"
  for mb in $sizes; do
    target=$((mb * 1000000))
    cp "$tmp/unit" "$tmp/line"
    while [ "$(wc -c <"$tmp/line")" -lt "$target" ]; do
      cat "$tmp/line" "$tmp/line" >"$tmp/line2" && mv "$tmp/line2" "$tmp/line"
    done
    head -c "$target" "$tmp/line" >"$tmp/in"
    printf '\n' >>"$tmp/in"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$ZHFIX" "$tmp/in" >/dev/null
    read -r secs kb <"$tmp/time"
    awk -v k="$kind" -v m="$mb" -v s="$secs" -v r="$kb" 'BEGIN {
      printf "%-8s %6d %9.2f %10.1f %10.1f\n", k, m, s, (s > 0 ? m / s : 0), r / 1024 }'
  done
done
