#!/bin/sh
# Good text is byte-identical after repair, on ~17 MB of clean Chinese from
# Debian: manpages-zh (zh_CN, zh_TW man pages) and debian-reference-zh-cn/-tw
# (HTML). The same texts, labelled by their directory, measure script detection:
# at least 99% of lines of 10 or more Han characters classified right, and of
# the same lines with half converted to the other script, classified mixed
# (tests/unit/script_lines). The texts are GPL/GFDL: fetched at test time with
# apt-get download (no install, no root needed) and never copied into the tree.
# Skipped when the packages cannot be fetched (no apt, no network).
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
find "$tmp/x" -name '*.gz' -path '*/man/zh_CN/*' | sort | xargs zcat >"$tmp/man-zh_CN.txt"
find "$tmp/x" -name '*.gz' -path '*/man/zh_TW/*' | sort | xargs zcat >"$tmp/man-zh_TW.txt"
echo "1..5"
for f in manpages.txt reference-zh-cn.html reference-zh-tw.html; do
  if zhfix --explain "$tmp/$f" >"$tmp/$f.out" 2>"$tmp/$f.err" && cmp -s "$tmp/$f" "$tmp/$f.out"; then
    ok "$f unchanged ($(wc -c <"$tmp/$f") bytes)"
  elif [ -s "$tmp/$f.err" ] && ! grep -qv ': misconversion: ' "$tmp/$f.err"; then
    # The zh_TW texts were converted from zh_CN by OpenCC and carry its errors
    # (你係統, 這隻能, 被髮送, 演演算法): repairing those is right.
    ok "$f unchanged but for $(wc -l <"$tmp/$f.err") converter errors repaired"
  else
    not_ok "$f changed"
    head -5 "$tmp/$f.err" | sed 's/^/# /'
  fi
done
script_lines=$(dirname "$ZHFIX")/tests/unit/script_lines
for label in simplified traditional; do
  case $label in
  simplified) files="$tmp/man-zh_CN.txt $tmp/reference-zh-cn.html" ;;
  traditional) files="$tmp/man-zh_TW.txt $tmp/reference-zh-tw.html" ;;
  esac
  # shellcheck disable=SC2086
  if result=$("$script_lines" $label $files); then
    ok "script detection, $result"
  else
    not_ok "script detection, $result"
  fi
done
