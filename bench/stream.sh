#!/bin/sh
# Streaming benchmark (not a test): peak RSS, time and output of zhfix on
#  (a) SIZE_MB of generated multi-line input (bench/gen.py: our sentences, the
#      damaged golden article, mojibake), and
#  (b) one line of LINE_MB with no line end at all,
# each compared (SHA-256) with the same run on the input split into pieces:
# (a) cut every 100000 lines by split -l, one zhfix per piece; (b) cut after
# each sentence end, LFs removed from the output. The input is generated on the
# fly twice (same seed) and never stored. Needs GNU time (/usr/bin/time).
# Usage: bench/stream.sh [ZHFIX] [SIZE_MB] [LINE_MB]; ZHFIX_ARGS (default
# "--to simplified") are the options of every run.
set -eu
ZHFIX=${1:-./zhfix}
SIZE_MB=${2:-2000}
LINE_MB=${3:-200}
ARGS=${ZHFIX_ARGS:---to simplified}
src=$(cd "$(dirname "$0")/.." && pwd)
gen="python3 $src/bench/gen.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-stream.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# zhfix through a wrapper that notes a failure (split's filter hides it).
cat >"$tmp/z" <<EOF
#!/bin/sh
"$ZHFIX" $ARGS || { echo "zhfix exited with status \$?" >>"$tmp/failed"; exit 1; }
EOF
chmod +x "$tmp/z"

report() { # NAME BYTES
  if grep -q '^Command' "$tmp/time"; then # GNU time: "Command exited with non-zero status N"
    echo "$1: zhfix FAILED: $(head -1 "$tmp/time")"
    status=1
    return
  fi
  read -r secs kb <"$tmp/time"
  awk -v n="$1" -v b="$2" -v s="$secs" -v k="$kb" 'BEGIN {
    printf "%-40s %8.1f MB %8.1f s %7.1f MB/s %7.1f MB peak RSS\n", n, b / 1e6, s, (s > 0 ? b / 1e6 / s : 0), k / 1024 }'
}
compare() { # NAME
  if [ -s "$tmp/failed" ]; then
    echo "$1: a split run FAILED: $(head -1 "$tmp/failed")"
    status=1
  elif cmp -s "$tmp/whole" "$tmp/pieces"; then
    echo "$1: output equal to the split run (sha256 $(cut -c1-16 "$tmp/whole"))"
  else
    echo "$1: OUTPUT DIFFERS from the split run"
    status=1
  fi
}
status=0
echo "zhfix $ARGS; $(nproc) cores; one run each (rough: the machine may be shared)"

if [ "$SIZE_MB" -gt 0 ]; then
  bytes=$((SIZE_MB * 1000000))
  $gen "$bytes" "$src" | /usr/bin/time -f '%e %M' -o "$tmp/time" "$ZHFIX" $ARGS |
    sha256sum >"$tmp/whole"
  report "(a) $SIZE_MB MB of lines" "$bytes"
  $gen "$bytes" "$src" | split -l 100000 --filter="'$tmp/z'" | sha256sum >"$tmp/pieces"
  compare "(a) $SIZE_MB MB of lines"
fi

if [ "$LINE_MB" -gt 0 ]; then
  bytes=$((LINE_MB * 1000000))
  $gen --one-line "$bytes" "$src" | /usr/bin/time -f '%e %M' -o "$tmp/time" "$ZHFIX" $ARGS |
    sha256sum >"$tmp/whole"
  report "(b) one line of $LINE_MB MB" "$bytes"
  $gen --one-line --split "$bytes" "$src" | "$tmp/z" | tr -d '\n' | sha256sum >"$tmp/pieces"
  compare "(b) one line of $LINE_MB MB"
fi
exit $status
