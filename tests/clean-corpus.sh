#!/bin/sh
# Good text is byte-identical after repair, on ~17 MB of clean Chinese from
# Debian: manpages-zh (zh_CN, zh_TW man pages) and debian-reference-zh-cn/-tw
# (HTML). The texts are GPL/GFDL: fetched at test time with apt-get download
# (no install, no root needed) and never copied into the tree. Skipped when the
# packages cannot be fetched (no apt, no network).
. "$ZHFIX_SRCDIR/tests/setup.sh"
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "1..0 # SKIP apt-get or dpkg not available"
  exit 0
fi
mkdir "$tmp/deb" && cd "$tmp/deb"
if ! apt-get download manpages-zh debian-reference-zh-cn debian-reference-zh-tw >"$tmp/apt.log" 2>&1; then
  echo "1..0 # SKIP cannot fetch the corpus packages: $(tail -1 "$tmp/apt.log")"
  exit 0
fi
for deb in *.deb; do dpkg -x "$deb" "$tmp/x"; done
find "$tmp/x" -name '*.gz' -path '*/man/*' | sort | xargs zcat >"$tmp/manpages.txt"
find "$tmp/x" -name '*.html' -path '*zh-cn*' | sort | xargs cat >"$tmp/reference-zh-cn.html"
find "$tmp/x" -name '*.html' -path '*zh-tw*' | sort | xargs cat >"$tmp/reference-zh-tw.html"
echo "1..3"
for f in manpages.txt reference-zh-cn.html reference-zh-tw.html; do
  if zhfix --explain "$tmp/$f" >"$tmp/$f.out" 2>"$tmp/$f.err" && cmp -s "$tmp/$f" "$tmp/$f.out"; then
    ok "$f unchanged ($(wc -c <"$tmp/$f") bytes)"
  else
    not_ok "$f changed"
    head -5 "$tmp/$f.err" | sed 's/^/# /'
  fi
done
