#!/bin/sh
# Conversion benchmark (not a test). In one run, on the same inputs: MB/s and
# peak RSS of
#   zhfix -R -t X                  the fast engine (conversion only)
#   zhfix -R --engine=opencc -t X  libopencc through zhfix
#   opencc -c X                    OpenCC's CLI
#   zhfix -t X                     the whole pipeline: repair + conversion
#   iconv -f UTF-8 -t GB18030, cat speed-of-light references
# for X = t2s, s2t, s2twp, on three inputs of SIZE_MB each:
#   modern     debian-reference-zh-cn and -zh-tw (HTML, tags stripped; Debian,
#              fetched with apt-get download, GPL: never kept)
#   classical  fortunes-zh's tang300 and song100 and OpenCC's zuozhuan.txt
#   damaged    the modern zh-cn text damaged like the seed article
#              (tests/damage.py: ruby residue, GB18030 byte shifts, '?')
#   manpages   manpages-zh, zh_CN and zh_TW pages (Debian, apt-get download,
#              GPL: never kept; left out when it cannot be fetched)
#   sentences  the project's clean sentences (tests/data, both scripts)
# then the conversion stage alone (tests/opencc/opencc_diff --bench: both
# engines on the same lines in memory, CPU time) and zhfix's start-up time on
# an empty input. MB/s are per CPU second (perf's task-clock where perf
# works, else user + sys from GNU time, 10 ms resolution) so that other load
# on a shared machine distorts them less; RSS from GNU time's %M. Each command
# runs RUNS times (default 3) and its best CPU time counts. After each config
# the whole pipeline's rate is given as a multiple of libopencc's
# (zhfix -t X over zhfix -R --engine=opencc -t X, same input, run in turns).
# Needs: opencc, fortunes-zh, time, python3, apt-get (network) or MODERN=FILE
# (and MANPAGES=FILE, the manpages-zh text).
# Usage: bench/convert.sh [BUILDDIR] [SIZE_MB]
set -eu
build=$(cd "${1:-.}" && pwd)
SIZE_MB=${2:-10}
RUNS=${RUNS:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
zhfix=$build/zhfix
tool=$build/tests/opencc/opencc_diff
# The binary itself, not libtool's wrapper script (which costs start-up time).
if [ -x "$build/.libs/zhfix" ]; then
  zhfix=$build/.libs/zhfix
  LD_LIBRARY_PATH=$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
fi
refs=${ZHFIX_OPENCC_REFS:-$src/../shared/refs/opencc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8

grow() { # file: repeat it up to SIZE_MB
  [ -s "$1" ] || { echo "$1: empty input" >&2; exit 2; }
  cp "$1" "$1.one"
  while [ "$(wc -c <"$1")" -lt $((SIZE_MB * 1000000)) ]; do cat "$1.one" >>"$1"; done
  rm -f "$1.one"
}

if [ -n "${MODERN:-}" ]; then
  cp "$MODERN" "$tmp/modern"
else
  mkdir "$tmp/deb" "$tmp/x"
  (cd "$tmp/deb" && apt-get download debian-reference-zh-cn debian-reference-zh-tw >/dev/null 2>&1) ||
    { echo "apt-get download failed; set MODERN=FILE" >&2; exit 2; }
  for d in "$tmp"/deb/*.deb; do dpkg -x "$d" "$tmp/x"; done
  find "$tmp/x" -name '*.html' -path '*zh-cn*' | sort | xargs cat | sed 's/<[^>]*>//g' >"$tmp/zh-cn"
  find "$tmp/x" -name '*.html' -path '*zh-tw*' | sort | xargs cat | sed 's/<[^>]*>//g' >"$tmp/zh-tw"
  cat "$tmp/zh-cn" "$tmp/zh-tw" | grep -v '^[[:space:]]*$' >"$tmp/modern"
  rm -rf "$tmp/deb" "$tmp/x"
fi
# (whole lines: a character cut in two would stop damage.py)
{ grep -v '^[[:space:]]*$' "$tmp/zh-cn" 2>/dev/null || cat "$tmp/modern"; } | head -c 1000000 | sed '$d' >"$tmp/damage-in"
python3 "$src/tests/damage.py" --lose-every 47 --out-damaged "$tmp/damaged" --out-expected "$tmp/expected" \
  "$tmp/damage-in" 2>/dev/null
cat /usr/share/games/fortunes/tang300 /usr/share/games/fortunes/song100 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$tmp/classical"
[ -f "$refs/benchmark/zuozhuan.txt" ] && cat "$refs/benchmark/zuozhuan.txt" >>"$tmp/classical"
inputs="modern classical damaged"
if [ -n "${MANPAGES:-}" ]; then
  cp "$MANPAGES" "$tmp/manpages"
  inputs="$inputs manpages"
elif mkdir "$tmp/man" && (cd "$tmp/man" && apt-get download manpages-zh >/dev/null 2>&1); then
  dpkg -x "$tmp"/man/manpages-zh_*.deb "$tmp/man/x"
  find "$tmp/man/x" -name '*.gz' -path '*/man/zh_CN/*' | sort | xargs zcat >"$tmp/manpages"
  find "$tmp/man/x" -name '*.gz' -path '*/man/zh_TW/*' | sort | xargs zcat >>"$tmp/manpages"
  inputs="$inputs manpages"
fi
rm -rf "$tmp/man"
cat "$src/tests/data/sentences.zh-Hans.txt" "$src/tests/data/sentences.zh-Hant.txt" >"$tmp/sentences"
inputs="$inputs sentences"
for f in $inputs; do grow "$tmp/$f"; done

# CPU time of one run of a command (input $in, output $tmp/out): perf's
# task-clock where perf works (0.01 ms resolution), else user + sys from GNU
# time (10 ms); sets $cpu (seconds), $secs (wall) and $kb (peak RSS).
have_perf=
perf stat -x, -e task-clock -o "$tmp/perf" true 2>/dev/null && have_perf=1
once() {
  if [ -n "$have_perf" ]; then
    perf stat -x, -e task-clock -o "$tmp/perf" /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
      "$@" <"$in" >"$tmp/out" 2>"$tmp/err" || :
  else
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" <"$in" >"$tmp/out" 2>"$tmp/err" || :
  fi
  read -r secs user sys kb <"$tmp/time"
  if [ -n "$have_perf" ]; then
    cpu=$(awk -F, '/task-clock/ { print $1 / 1000 }' "$tmp/perf")
  else
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  fi
}

report() { # label best-cpu wall kb: one line; sets $rate (MB/s of $in)
  rate=$(awk -v b="$(wc -c <"$in")" -v c="$2" 'BEGIN { print (c >= 0.0001 ? b / 1e6 / c : 0) }')
  awk -v n="$1" -v r="$rate" -v s="$3" -v cpu="$2" -v k="$4" 'BEGIN {
    if (r > 0) rate = sprintf("%8.1f MB/s", r); else rate = "  (<0.1 ms) "
    printf "  %-32s %s %7.3f s cpu %7.2f s wall %7.1f MB RSS\n", n, rate, cpu, s, k / 1024 }'
}

less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b == "" || a < b) }'; }

run() { # label input command...: best of RUNS by CPU time; sets $rate (MB/s)
  label=$1 in=$2
  shift 2
  best=
  i=0
  while [ $i -lt "$RUNS" ]; do
    once "$@"
    if less "$cpu" "$best"; then
      best=$cpu bsecs=$secs bkb=$kb
    fi
    i=$((i + 1))
  done
  report "$label" "$best" "$bsecs" "$bkb"
}

# The whole pipeline against libopencc through zhfix, for config $1 on input
# $2, run in turns (RUNS each) so that both see the same load; sets
# $libopencc and $rate (the pipeline's MB/s). The output of the last run of
# libopencc is left in $tmp/opencc.out.
pipeline_pair() {
  in=$2
  bz= bo=
  i=0
  while [ $i -lt "$RUNS" ]; do
    once "$zhfix" -R --engine=opencc -t "$1"
    less "$cpu" "$bo" && bo=$cpu os=$secs okb=$kb
    cp "$tmp/out" "$tmp/opencc.out"
    once "$zhfix" -t "$1"
    less "$cpu" "$bz" && bz=$cpu zs=$secs zkb=$kb
    i=$((i + 1))
  done
  report "zhfix -R --engine=opencc -t $1" "$bo" "$os" "$okb"
  libopencc=$rate
  report "zhfix -t $1 (repair + fast)" "$bz" "$zs" "$zkb"
}

echo "zhfix conversion benchmark; rough figures on a shared machine ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)); best of $RUNS"
summary=
for f in $inputs; do
  echo
  echo "== $f: $(wc -c <"$tmp/$f" | awk '{printf "%.1f MB", $1 / 1e6}')"
  run "cat" "$tmp/$f" cat
  run "iconv -f UTF-8 -t GB18030" "$tmp/$f" iconv -c -f UTF-8 -t GB18030
  for c in t2s s2t s2twp; do
    run "zhfix -R -t $c (fast)" "$tmp/$f" "$zhfix" -R -t "$c"
    cp "$tmp/out" "$tmp/fast.out"
    run "opencc -c $c" "$tmp/$f" opencc -c "$c.json"
    pipeline_pair "$c" "$tmp/$f"
    cmp -s "$tmp/opencc.out" "$tmp/fast.out" || echo "  !! zhfix -R -t $c: the engines' outputs differ"
    line=$(awk -v f="$f" -v c="$c" -v p="$rate" -v o="$libopencc" 'BEGIN {
      printf "  %-10s %-6s whole pipeline %7.1f MB/s / libopencc %5.2f MB/s = %5.1fx", f, c, p, o, (o > 0 ? p / o : 0) }')
    echo "$line"
    summary="$summary$line
"
  done
done
echo
echo "== whole pipeline (zhfix -t X) / libopencc (zhfix -R --engine=opencc -t X), CPU time"
printf '%s' "$summary"

echo
echo "== conversion stage alone (opencc_diff --bench: same lines in memory, CPU time)"
for f in modern classical; do
  head -c 5000000 "$tmp/$f" >"$tmp/$f.5"
  for c in t2s s2t s2twp; do
    printf '  %-10s ' "$f"
    "$tool" --bench "$c" "$tmp/$f.5"
  done
done

echo
echo "== start-up on an empty input (best of 20, wall)"
for c in s t twp; do
  best=999999
  i=0
  while [ $i -lt 20 ]; do
    t0=$(date +%s%N)
    "$zhfix" -t "$c" </dev/null >/dev/null
    t1=$(date +%s%N)
    d=$(((t1 - t0) / 1000))
    [ $d -lt $best ] && best=$d
    i=$((i + 1))
  done
  /usr/bin/time -f '%M' -o "$tmp/time" "$zhfix" -t "$c" </dev/null >/dev/null
  printf '  zhfix -t %-4s </dev/null  %6.1f ms  %6.1f MB RSS\n' "$c" "$(echo "$best" | awk '{print $1 / 1000}')" \
    "$(awk '{print $1 / 1024}' "$tmp/time")"
done
