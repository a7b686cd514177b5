#!/bin/sh
# Fault injection: with tests/fault/inject.c preloaded, the Nth read, write,
# allocation, iconv call or rename of zhfix fails. Each failure must give a
# message "zhfix: ..." on standard error and a non-zero exit, and -o must leave
# the output file as it was (no half file, no temporary left behind); where the
# failing call is not on zhfix's way, the run must succeed with the right output.
. "$ZHFIX_SRCDIR/tests/setup.sh"
shim=$(dirname "$ZHFIX")/tests/fault/.libs/libinject.so
if [ ! -f "$shim" ]; then
  echo "1..0 # SKIP the injection library was not built"
  exit 0
fi
# An AddressSanitizer build must load its runtime first: no preloading there.
if LD_PRELOAD=$shim "$ZHFIX" --version 2>&1 | grep -q 'runtime does not come first'; then
  echo "1..0 # SKIP sanitizer build"
  exit 0
fi
cd "$tmp"
cp "$ZHFIX_SRCDIR/tests/golden/input/article.txt" utf8.txt
iconv -f UTF-8 -t GB18030 "$ZHFIX_SRCDIR/tests/data/sentences.zh-Hans.txt" >gbk.txt
zhfix utf8.txt >utf8.want
zhfix gbk.txt >gbk.want

# run SPEC INPUT: one injected failure; prints "ok" / "failed cleanly" / a problem.
run() {
  printf 'original\n' >out.txt
  rc=0
  ZHFIX_FAIL=$1 LD_PRELOAD=$shim "$ZHFIX" -o out.txt "$2" 2>err || rc=$?
  left=$(ls out.txt.* 2>/dev/null | wc -l)
  if [ "$rc" -eq 0 ]; then
    if cmp -s out.txt "${2%.txt}.want" && [ ! -s err ]; then echo ok; else echo "exit 0 with wrong output"; fi
  elif ! grep -q '^zhfix: ' err; then
    echo "exit $rc without a message"
  elif [ "$(cat out.txt)" != original ] || [ "$left" -ne 0 ]; then
    echo "exit $rc but the output file was damaged or a temporary file was left"
  else
    echo "failed cleanly"
  fi
}

echo "1..7"
for case in read:1:utf8 write:1:utf8 rename:1:utf8 iconv:1:gbk; do
  fn=${case%%:*}; rest=${case#*:}; n=${rest%%:*}; in=${rest#*:}.txt
  result=$(run "$fn:$n" "$in")
  if [ "$result" = "failed cleanly" ]; then
    ok "$fn fails: message, non-zero exit, output file untouched ($in)"
  else
    not_ok "$fn fails ($in): $result"
  fi
done
for in in utf8.txt gbk.txt; do
  bad=
  for n in $(seq 1 60); do
    result=$(run "malloc:$n" "$in")
    case $result in ok | "failed cleanly") ;; *) bad="$bad malloc:$n: $result;" ;; esac
  done
  if [ -z "$bad" ]; then
    ok "each of the first 60 allocations fails cleanly or is not needed ($in)"
  else
    not_ok "allocation failures ($in):$bad"
  fi
done
# -i: a failed write leaves the file as it was.
printf 'original\n' >inplace.txt
rc=0
ZHFIX_FAIL=write:1 LD_PRELOAD=$shim "$ZHFIX" -i inplace.txt 2>err || rc=$?
if [ "$rc" -ne 0 ] && grep -q '^zhfix: ' err && [ "$(cat inplace.txt)" = original ] &&
  [ "$(ls inplace.txt.* 2>/dev/null | wc -l)" -eq 0 ]; then
  ok "write fails under -i: message, non-zero exit, file untouched"
else
  not_ok "write fails under -i: exit $rc, $(cat inplace.txt)"
fi
