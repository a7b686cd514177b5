#!/bin/sh
# Build the libFuzzer targets with ASan + UBSan (clang, Debian packages clang and
# libclang-rt-14-dev) and run each for SECONDS seconds, two at a time.
# Usage: tests/fuzz/run.sh SRCDIR [SECONDS] [TARGET...]
# Seed corpora: the golden inputs, our own sentences and the public cases'
# inputs, one line per file. Crashes stop a target and are left in
# $FUZZ_DIR/<target>/crash-* (default FUZZ_DIR: fuzz-out in the current directory).
set -eu
src=$(cd "$1" && pwd)
seconds=${2:-60}
shift 2 2>/dev/null || shift $#
targets=${*:-"pipeline detect stages convert cli"}
out=${FUZZ_DIR:-$PWD/fuzz-out}
CC=${FUZZ_CC:-clang}
mkdir -p "$out/seed"
split -l 1 -a 4 "$src/tests/data/sentences.zh-Hans.txt" "$out/seed/s"
for f in "$src"/tests/golden/input/*.txt; do split -l 1 -a 4 "$f" "$out/seed/$(basename "$f" .txt)-"; done
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I$src/include -I$src/src/lib -I$PWD $(pkg-config --cflags opencc icu-uc json-c)"
libs="$(pkg-config --libs opencc icu-uc json-c) -lm"
printf '#define PACKAGE_VERSION "fuzz"\n' >"$out/config.h"
running=0
for t in $targets; do
  mkdir -p "$out/$t/corpus"
  case $t in
  cli) srcs="$src/tests/fuzz/fuzz_cli.c $src/src/cli/io.c" ;;
  *) srcs="$src/tests/fuzz/fuzz_$t.c $src/src/lib/*.c $src/src/lib/tables/*.c" ;;
  esac
  # shellcheck disable=SC2086
  $CC $cflags -I"$out" $srcs $libs -o "$out/fuzz_$t"
  (cd "$out/$t" && "$out/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -print_final_stats=1 corpus "$out/seed" >"$out/$t.log" 2>&1; echo "$t: exit $?" >>"$out/$t.log") &
  # two at a time: this machine has two cores
  running=$((running + 1))
  if [ "$running" -eq 2 ]; then
    wait
    running=0
  fi
done
wait
for t in $targets; do
  tail -1 "$out/$t.log"
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$t.log" | sed "s/^/  $t /"
  if ls "$out/$t"/crash-* "$out/$t"/timeout-* "$out/$t"/leak-* >/dev/null 2>&1; then
    echo "$t: FOUND A FAILURE, see $out/$t"
  fi
done
