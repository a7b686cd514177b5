#!/bin/sh
# Golden tests: run the CLI on each input in tests/golden/input and compare its
# standard output with tests/golden/output/<case>.<mode>.txt (the path is the
# oracle; a case without an output file must come out unchanged). Standard
# error must be empty and the exit status 0. Lines listed in known-failures.txt
# are reported as TODO (expected failures) until they pass.
. "$ZHFIX_SRCDIR/tests/setup.sh"
g=$ZHFIX_SRCDIR/tests/golden
known=$g/known-failures.txt

# mode -> zhfix options
opts() {
  case $1 in
  repair) echo "" ;;
  t2s) echo "--to simplified" ;;
  s2t) echo "--to traditional" ;;
  esac
}

echo "1..$(( $(ls "$g"/input/*.txt | wc -l) * 3 ))"
for input in "$g"/input/*.txt; do
  case=$(basename "$input" .txt)
  for mode in repair t2s s2t; do
    expected=$g/output/$case.$mode.txt
    if [ ! -f "$expected" ]; then
      if [ "$mode" != repair ]; then
        ok "$case.$mode # SKIP no expected output"
        continue
      fi
      expected=$input
    fi
    # shellcheck disable=SC2046
    if ! zhfix $(opts $mode) "$input" >"$tmp/out" 2>"$tmp/err"; then
      not_ok "$case.$mode: exit status $?"
      continue
    fi
    if [ -s "$tmp/err" ]; then
      not_ok "$case.$mode: standard error not empty: $(head -c 200 "$tmp/err")"
      continue
    fi
    # Lines that differ, minus the known failures of this case and mode.
    diff "$expected" "$tmp/out" | sed -n 's/^\([0-9][0-9]*\)\(,[0-9]*\)\{0,1\}c.*/\1/p' >"$tmp/bad" || true
    if [ "$(wc -l <"$tmp/out")" != "$(wc -l <"$expected")" ]; then
      not_ok "$case.$mode: $(wc -l <"$tmp/out") lines, expected $(wc -l <"$expected")"
      continue
    fi
    grep "^$case $mode " "$known" 2>/dev/null | cut -d' ' -f3 | sort >"$tmp/known" || true
    unexpected=$(sort "$tmp/bad" | comm -23 - "$tmp/known" | tr '\n' ' ')
    fixed=$(sort "$tmp/bad" | comm -13 - "$tmp/known" | tr '\n' ' ')
    if [ -n "$unexpected" ]; then
      not_ok "$case.$mode: lines differ: $unexpected"
      diff "$expected" "$tmp/out" | head -20 | sed 's/^/# /'
    elif [ -n "$fixed" ]; then
      not_ok "$case.$mode: known failures now pass (update known-failures.txt): $fixed"
    elif [ -s "$tmp/known" ]; then
      not_ok "$case.$mode # TODO known failures on lines $(tr '\n' ' ' <"$tmp/known")"
    else
      ok "$case.$mode"
    fi
  done
done
