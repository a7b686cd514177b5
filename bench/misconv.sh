#!/bin/sh
# Mis-conversion repair on Debian's zh_TW documentation (fetched with apt-get
# download, never kept; GPL, MPL):
#   manpages + debref  manpages-zh zh_TW and debian-reference-zh-tw (made from
#                      their zh_CN text by OpenCC: they carry its errors, 演演算法,
#                      which zhfix fixes on the clean original too)
#   libreoffice-help   libreoffice-help-zh-tw (written in Traditional by people)
#   maint-guide        maint-guide-zh-tw (written in Traditional by people)
#   firefox + thunderbird  the zh-TW strings of firefox-esr-l10n-zh-tw and
#                      thunderbird-l10n-zh-tw (written by people; MPL), each line
#                      once: a text the rules were not tuned on
# Each text is damaged by converting it to Simplified and back with a
# character-only converter (tests/charconv.py: OpenCC's TSCharacters, then
# STCharacters + TWVariants, first candidate), then repaired by zhfix in repair
# mode and with --to t2tw (a conversion that leaves Traditional characters
# alone; for the comparison original, damaged and repaired text all go through
# OpenCC tw2t, so variants like 爲/為 do not count). zhfix reads what converted
# each text (--converter=auto). Prints, per text and in total, the introduced
# errors, how many were put right, and the changes zhfix makes to the clean
# original.
# Usage: bench/misconv.sh ZHFIX [SRCDIR]
set -eu
zhfix=$1
src=$(cd "${2:-$(dirname "$0")/..}" && pwd)
zhfix=$(cd "$(dirname "$zhfix")" && pwd)/$(basename "$zhfix")
tmp=$(mktemp -d /tmp/zhfix-misconv.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download manpages-zh debian-reference-zh-tw libreoffice-help-zh-tw maint-guide-zh-tw \
  firefox-esr-l10n-zh-tw thunderbird-l10n-zh-tw >apt.log 2>&1
for deb in *.deb; do dpkg -x "$deb" x; done
strip() { sed 's/<[^>]*>//g' | grep -v '^[[:space:]]*$' || :; }
{ find x -name '*.gz' -path '*/man/zh_TW/*' | sort | xargs zcat
  find x -name '*.html' -path '*zh-tw*' -path '*debian-reference*' | sort | xargs cat; } >mp.txt
find x -name '*.html' -path '*libreoffice*' | sort | xargs cat | strip >lo.txt
find x -name '*.html' -path '*maint-guide*' | sort | xargs cat | strip >mg.txt
find x -name '*.xpi' | sort | python3 -c '
import re, sys, zipfile
seen = set()
for xpi in sys.stdin.read().split():
    z = zipfile.ZipFile(xpi)
    for n in sorted(z.namelist()):
        if n.endswith((".ftl", ".properties", ".dtd")):
            for l in z.read(n).decode("utf-8", "replace").split("\n"):
                l = l.strip()
                if re.search("[\u4e00-\u9fff]", l) and l not in seen:
                    seen.add(l)
                    print(l)' >ui.txt

total() { echo "$1" | sed "s/.*$2=\([0-9]*\).*/\1/"; }
sum_e=0 sum_f=0 sum_c=0 sum_n=0 hum_e=0 hum_f=0 hum_c=0 hum_n=0
for t in mp:"manpages + debref" lo:"libreoffice-help" mg:"maint-guide" ui:"firefox + thunderbird"; do
  f=${t%%:*} name=${t#*:}
  python3 "$src/tests/charconv.py" t2s <"$f.txt" | python3 "$src/tests/charconv.py" s2tw >"$f.dam"
  echo "$name: $(wc -c <"$f.txt") bytes"
  "$zhfix" "$f.dam" >"$f.rep"
  echo "  damaged, repair mode: $(python3 "$src/tests/charconv.py" score "$f.txt" "$f.dam" "$f.rep")"
  "$zhfix" -t t2tw "$f.dam" | opencc -c tw2t.json >"$f.rep2"
  opencc -c tw2t.json <"$f.txt" >"$f.t"
  opencc -c tw2t.json <"$f.dam" >"$f.damt"
  s=$(python3 "$src/tests/charconv.py" score "$f.t" "$f.damt" "$f.rep2")
  echo "  damaged, --to t2tw (all three through tw2t): $s"
  "$zhfix" --explain "$f.txt" 2>"$f.err" >/dev/null
  c1=$(grep -c ': misconversion: ' "$f.err" || :)
  "$zhfix" --explain -t t2tw "$f.txt" 2>"$f.err2" >/dev/null
  c2=$(grep -c ': misconversion: ' "$f.err2" || :)
  echo "  clean original: repair mode $c1 changes, --to t2tw $c2 changes"
  grep ': misconversion: ' "$f.err2" | sed 's/.*misconversion: //' | sort | uniq -c | sort -rn |
    head -n 8 | awk '{ printf "    %s %s %s %s\n", $1, $2, $3, $4 }'
  sum_e=$((sum_e + $(total "$s" errors))) sum_f=$((sum_f + $(total "$s" fixed))) sum_c=$((sum_c + c2))
  sum_n=$((sum_n + $(total "$s" false)))
  if [ "$f" != mp ]; then
    hum_e=$((hum_e + $(total "$s" errors))) hum_f=$((hum_f + $(total "$s" fixed))) hum_c=$((hum_c + c2))
    hum_n=$((hum_n + $(total "$s" false)))
  fi
done
pct() { awk -v f="$1" -v e="$2" 'BEGIN { printf "%.1f", 100 * f / e }'; }
echo "written by people (libreoffice-help, maint-guide, firefox + thunderbird): --to t2tw fixed $hum_f of $hum_e" \
  "introduced errors ($(pct $hum_f $hum_e)%), changed $hum_n characters the damage had left" \
  "right; clean originals: $hum_c changes"
echo "all: --to t2tw fixed $sum_f of $sum_e introduced errors ($(pct $sum_f $sum_e)%)," \
  "changed $sum_n characters the damage had left right; clean originals: $sum_c changes"
