#!/bin/sh
# Good text is byte-identical after repair: Debian's fortunes-zh (GPL, read
# from the installed package at test time, never copied into the tree), with
# its ANSI escape sequences stripped.
. "$ZHFIX_SRCDIR/tests/setup.sh"
dir=/usr/share/games/fortunes
if [ ! -f "$dir/tang300" ]; then
  echo "1..0 # SKIP fortunes-zh is not installed (apt-get install fortunes-zh)"
  exit 0
fi
echo "1..3"
for f in chinese tang300 song100; do
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$dir/$f" >"$tmp/$f"
  if zhfix --explain "$tmp/$f" >"$tmp/$f.out" 2>"$tmp/$f.err" && cmp -s "$tmp/$f" "$tmp/$f.out"; then
    ok "fortunes-zh $f unchanged ($(wc -l <"$tmp/$f") lines)"
  else
    not_ok "fortunes-zh $f changed"
    head -5 "$tmp/$f.err" | sed 's/^/# /'
  fi
done
