#!/bin/sh
# --punct on 5 MB of clean mainland text (Debian's zh_CN documentation:
# manpages-zh zh_CN and debian-reference-zh-cn; GPL, fetched with apt-get
# download, never kept): the changes it makes, by kind; then the same text
# with fullwidth ，：；？！（） folded to ASCII (tests/punctfold.py), and with 、
# folded to "," too: how much --punct=mainland restores. Last, English text
# that must come out unchanged: Debian's English manual pages (manpages) and
# the ASCII lines of zhfix's own C sources (their other lines quote Chinese).
# Usage: bench/punct.sh ZHFIX [SRCDIR]
set -eu
src=$(cd "${2:-$(dirname "$0")/..}" && pwd)
zhfix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d /tmp/zhfix-punct.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download manpages-zh debian-reference-zh-cn >apt.log 2>&1
for deb in *.deb; do dpkg -x "$deb" x; done
apt-get download manpages >>apt.log 2>&1 && dpkg -x manpages_*.deb en
{ find x -name '*.gz' -path '*/man/zh_CN/*' | sort | xargs zcat
  find x -name '*.html' -path '*zh-cn*' | sort | xargs cat; } | head -c 5300000 | sed '$d' >cn.txt
echo "text: $(wc -c <cn.txt) bytes of zh_CN documentation"
"$zhfix" --punct=mainland --explain cn.txt >cn.out 2>cn.err
echo "clean text: $(grep -c ': punctuation: ' cn.err || true) marks changed:"
grep ': punctuation: ' cn.err | sed 's/.*: punctuation: //' | sort | uniq -c | sort -rn | head -12
python3 "$src/tests/punctfold.py" fold <cn.txt >cn.fold
"$zhfix" --punct=mainland cn.fold >cn.rest
echo "folded ，：；？！（）: $(python3 "$src/tests/punctfold.py" score cn.txt cn.fold cn.rest)"
python3 "$src/tests/punctfold.py" fold --enum <cn.txt >cn.folde
"$zhfix" --punct=mainland cn.folde >cn.reste
echo "folded ，：；？！（）、: $(python3 "$src/tests/punctfold.py" score cn.txt cn.folde cn.reste)"
find en -name '*.gz' | sort | xargs zcat >en.txt
cat "$src"/src/lib/*.c "$src"/src/cli/*.c "$src"/include/*.h "$src"/tests/unit/*.c |
  LC_ALL=C grep -v "$(printf '[\200-\377]')" >>en.txt
"$zhfix" --punct=mainland --explain en.txt >en.out 2>en.err
echo "English manual pages and C sources: $(wc -c <en.txt) bytes, $(grep -c ': punctuation: ' en.err || true) marks changed"
