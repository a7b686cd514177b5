#!/bin/sh
# Mis-conversion repair on Debian's zh_TW documentation (manpages-zh zh_TW and
# debian-reference-zh-tw; GPL, fetched with apt-get download, never kept):
# the text is damaged by converting it to Simplified and back with a
# character-only converter (tests/charconv.py: OpenCC's TSCharacters, then
# STCharacters + TWVariants, first candidate), then repaired by zhfix in repair
# mode and with --to t2tw (a conversion that leaves Traditional characters
# alone: s2tw would turn 游 back into 遊; original, damaged and repaired text
# all go through OpenCC tw2t before they are compared, so variants like 爲/為
# do not count). Prints the introduced errors, how many
# were put right, and the changes zhfix makes to the clean original.
# Usage: bench/misconv.sh ZHFIX [SRCDIR]
set -eu
zhfix=$1
src=${2:-$(dirname "$0")/..}
tmp=$(mktemp -d /tmp/zhfix-misconv.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download manpages-zh debian-reference-zh-tw >apt.log 2>&1
for deb in *.deb; do dpkg -x "$deb" x; done
{ find x -name '*.gz' -path '*/man/zh_TW/*' | sort | xargs zcat
  find x -name '*.html' -path '*zh-tw*' | sort | xargs cat; } >tw.txt
python3 "$src/tests/charconv.py" t2s <tw.txt | python3 "$src/tests/charconv.py" s2tw >tw.dam
echo "text: $(wc -c <tw.txt) bytes of zh_TW documentation"
"$zhfix" tw.dam >tw.rep
echo "repair mode: $(python3 "$src/tests/charconv.py" score tw.txt tw.dam tw.rep)"
"$zhfix" -t t2tw tw.dam | opencc -c tw2t.json >tw.rep2
opencc -c tw2t.json <tw.txt >tw.t
opencc -c tw2t.json <tw.dam >tw.damt
echo "--to t2tw (all three through tw2t): $(python3 "$src/tests/charconv.py" score tw.t tw.damt tw.rep2)"
"$zhfix" --explain tw.txt 2>clean.err >/dev/null
echo "clean original, repair mode: $(grep -c ': misconversion: ' clean.err || true) changes"
"$zhfix" --explain -t t2tw tw.txt 2>clean2.err >/dev/null
echo "clean original, --to t2tw: $(grep -c ': misconversion: ' clean2.err || true) changes"
