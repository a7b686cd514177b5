#!/bin/bash
# Encoding-detection benchmark (not a test; always exits 0): how often
# zhfix --detect, uchardet, ICU's ucsdet and enca name the right encoding of
# short and long Chinese (and some Japanese) samples.
#
# Samples are made from the project's own sentences (tests/data/sentences.zh-*.txt)
# and bench/data/ja-sentences.txt: for every encoding below and every length of
# 10, 50 and 500 characters, 20 samples of consecutive sentences cut at a
# character boundary. Sentences that iconv cannot encode in the target encoding
# are left out of its sentence list (Big5 loses 35 of the 250); a sample that
# still failed to encode would be skipped, and its row would hold fewer than 20.
#
# Needs iconv (glibc), cc, pkg-config and ICU's headers (libicu-dev), uchardet
# and enca; missing Debian packages are installed when running as root.
# A detector that cannot run shows "n/a".
#
# Usage: bench/detect-compare.sh [ZHFIX]        (default ./zhfix)
# Set DETECT_LOG=FILE to keep every sample's answers (row, sample, detector, name, right).
set -eu
ZHFIX=${1:-./zhfix}
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-detect.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS

LENGTHS="10 50 500"
PER_CELL=20

# --- tools ------------------------------------------------------------------

install_pkg() { # PACKAGE... (never fatal)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $* ..." >&2
    apt-get install -y "$@" >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null 2>&1; } || true
  fi
}
command -v uchardet >/dev/null 2>&1 || install_pkg uchardet
command -v enca >/dev/null 2>&1 || install_pkg enca
pkg-config --exists icu-i18n 2>/dev/null || install_pkg pkg-config libicu-dev

ucsdet=$tmp/ucsdet
# shellcheck disable=SC2046  # pkg-config output is meant to be split
if ! cc "$here/ucsdet.c" -o "$ucsdet" $(pkg-config --cflags --libs icu-i18n 2>/dev/null) 2>"$tmp/cc.log"; then
  echo "warning: could not build bench/ucsdet.c; ICU column will show n/a" >&2
  ucsdet=
fi

# --- sample text --------------------------------------------------------------

# A source is a list of sentences, kept twice: as they are (NAME.txt) and
# joined without separators in UTF-32LE, two copies (NAME.u32), so that
# cutting at a character boundary is byte arithmetic independent of the
# locale, and a text starting near the end can wrap round to the first
# sentence. add_source NAME FILE [ENCODING] keeps only the sentences that iconv
# can encode in ENCODING: OpenCC's Traditional text uses forms such as 爲 着 裏
# that Big5 lacks (35 of the 250 sentences), and nearly every 500-character
# window would otherwise be unencodable.
add_source() {
  local line
  if [ $# -ge 3 ]; then
    while IFS= read -r line; do
      if printf '%s' "$line" | iconv -f UTF-8 -t "$3" >/dev/null 2>&1; then printf '%s\n' "$line"; fi
    done <"$2" >"$tmp/$1.txt"
  else
    cp "$2" "$tmp/$1.txt"
  fi
  cat "$tmp/$1.txt" "$tmp/$1.txt" | tr -d '\n' | iconv -f UTF-8 -t UTF-32LE >"$tmp/$1.u32"
}
add_source hans "$data/sentences.zh-Hans.txt"
add_source hant "$data/sentences.zh-Hant.txt"
add_source hans-gbk "$data/sentences.zh-Hans.txt" GBK
add_source hant-big5 "$data/sentences.zh-Hant.txt" BIG5
add_source ja-sjis "$here/data/ja-sentences.txt" SHIFT_JIS

# text SOURCE SAMPLE CHARS: UTF-8 text of CHARS characters for sample number
# SAMPLE (0..19): consecutive sentences from one of 20 starting sentences
# spread evenly over the source, cut after CHARS characters.
text() {
  local lines first skip
  lines=$(wc -l <"$tmp/$1.txt")
  first=$(($2 * lines / PER_CELL))
  # characters before the starting sentence
  skip=$(head -n "$first" "$tmp/$1.txt" | tr -d '\n' | iconv -f UTF-8 -t UTF-32LE | wc -c)
  tail -c +$((skip + 1)) "$tmp/$1.u32" | head -c $(($3 * 4)) | iconv -f UTF-32LE -t UTF-8
}

# Characters that GBK lacks and GB18030 encodes in four bytes (Extension A:
# U+3400 U+4C9C; Extension B: U+20000 U+20BB7 U+2123D U+2A6A5; Unicode 4.1:
# U+9FA6). Not U+4DAE 䶮: glibc's GB18030 maps it to two bytes (FE9F).
RARE=(㐀 𠀀 𠮷 䲜 𪚥 龦 𡈽)

# first_chars N: the first N characters of UTF-8 standard input
first_chars() { iconv -f UTF-8 -t UTF-32LE | head -c $(($1 * 4)) | iconv -f UTF-32LE -t UTF-8; }

# with_rare SAMPLE CHARS: Simplified text of CHARS characters in which one
# (even SAMPLE) or two (odd SAMPLE) of them are rare characters, placed at
# 1/2, or at 1/3 and 2/3, of the text.
with_rare() {
  local n=$((1 + $1 % 2)) t a b c r1 r2
  t=$(text hans "$1" $(($2 - n)))
  r1=${RARE[$(($1 % ${#RARE[@]}))]}
  r2=${RARE[$((($1 + 3) % ${#RARE[@]}))]}
  if [ "$n" = 1 ]; then
    a=$(printf '%s' "$t" | first_chars $((($2 - 1) / 2)))
    b=${t#"$a"}
    printf '%s%s%s' "$a" "$r1" "$b"
  else
    a=$(printf '%s' "$t" | first_chars $((($2 - 2) / 3)))
    b=$(printf '%s' "$t" | first_chars $((($2 - 2) * 2 / 3)))
    c=${t#"$b"}
    b=${b#"$a"}
    printf '%s%s%s%s%s' "$a" "$r1" "$b" "$r2" "$c"
  fi
}

# make_sample ROW SAMPLE CHARS OUT: write the sample's bytes to OUT; fails when the
# text cannot be encoded (the sample is then skipped).
make_sample() {
  case $1 in
  UTF-8) # Simplified and Traditional alternately
    if [ $(($2 % 2)) = 0 ]; then text hans "$2" "$3"; else text hant "$2" "$3"; fi >"$4" ;;
  GBK) text hans-gbk "$2" "$3" | iconv -f UTF-8 -t GBK >"$4" 2>/dev/null ;;
  GB18030)
    with_rare "$2" "$3" >"$tmp/rare.txt"
    # must really need GB18030: GBK cannot encode it
    ! iconv -f UTF-8 -t GBK <"$tmp/rare.txt" >/dev/null 2>&1 &&
      iconv -f UTF-8 -t GB18030 <"$tmp/rare.txt" >"$4" ;;
  Big5) text hant-big5 "$2" "$3" | iconv -f UTF-8 -t BIG5 >"$4" 2>/dev/null ;;
  UTF-16LE) text hans "$2" "$3" | iconv -f UTF-8 -t UTF-16LE >"$4" ;;
  UTF-16BE) text hans "$2" "$3" | iconv -f UTF-8 -t UTF-16BE >"$4" ;;
  "UTF-16LE BOM") { printf '\377\376'; text hans "$2" "$3" | iconv -f UTF-8 -t UTF-16LE; } >"$4" ;;
  "UTF-16BE BOM") { printf '\376\377'; text hans "$2" "$3" | iconv -f UTF-8 -t UTF-16BE; } >"$4" ;;
  Shift_JIS) text ja-sjis "$2" "$3" | iconv -f UTF-8 -t SHIFT_JIS >"$4" 2>/dev/null ;;
  esac
}
ROWS=(UTF-8 GBK GB18030 Big5 UTF-16LE "UTF-16LE BOM" UTF-16BE "UTF-16BE BOM" Shift_JIS)

# --- judging ----------------------------------------------------------------

# Names are compared upper-cased with '-' and '_' removed (Shift_JIS = SHIFT-JIS
# = shiftjis). right ROW NAME succeeds when NAME is right for a sample of ROW.
norm() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]' | tr -d '_-'; }
right() {
  local n
  n=$(norm "$2")
  case $1 in
  # GBK text is also valid GB2312-family/GB18030 text: any of its names is right
  # (HZ is a different, 7-bit encoding and is not).
  GBK) case $n in GBK | GB2312 | GB18030 | CP936 | EUCCN) return 0 ;; esac ;;
  # Text with four-byte GB18030 characters: only GB18030 decodes it.
  GB18030) [ "$n" = GB18030 ] && return 0 ;;
  # Big5 and its Microsoft and Hong Kong supersets.
  Big5) case $n in BIG5 | CP950 | BIG5HKSCS) return 0 ;; esac ;;
  UTF-8) case $n in UTF8) return 0 ;; esac ;;
  # Plain "UTF-16" (byte order from the BOM) is right only when there is a BOM.
  UTF-16LE) [ "$n" = UTF16LE ] && return 0 ;;
  UTF-16BE) [ "$n" = UTF16BE ] && return 0 ;;
  "UTF-16LE BOM") case $n in UTF16LE | UTF16) return 0 ;; esac ;;
  "UTF-16BE BOM") case $n in UTF16BE | UTF16) return 0 ;; esac ;;
  # Shift_JIS and Microsoft's superset.
  Shift_JIS) case $n in SHIFTJIS | SJIS | CP932 | WINDOWS31J) return 0 ;; esac ;;
  esac
  return 1
}

# --- detectors (each prints one encoding name, or n/a when it cannot run) ------

det_zhfix() { # FILE; output "FILE: ENCODING, SCRIPT, ..."
  local line
  line=$("$ZHFIX" --detect "$1" 2>/dev/null | head -n 1) || line=
  case $line in
  "$1: "*) line=${line#"$1: "}; printf '%s\n' "${line%%,*}" ;;
  *) echo n/a ;;
  esac
}
det_uchardet() {
  command -v uchardet >/dev/null 2>&1 && uchardet "$1" 2>/dev/null | head -n 1 || echo n/a
}
det_ucsdet() {
  [ -n "$ucsdet" ] && "$ucsdet" "$1" 2>/dev/null || echo n/a
}
det_enca() { # ROW FILE; enca has no Japanese: fall back to -L none for Shift_JIS
  local out
  command -v enca >/dev/null 2>&1 || { echo n/a; return; }
  out=$(enca -L chinese -i "$2" 2>/dev/null) || out=
  if [ "$1" = Shift_JIS ] && { [ -z "$out" ] || [ "$out" = "???" ]; }; then
    out=$(enca -L none -i "$2" 2>/dev/null) || out=
  fi
  printf '%s\n' "${out:-???}"
}
DETS=(zhfix uchardet ucsdet enca)

# --- run --------------------------------------------------------------------

# results: ROW<TAB>LENGTH<TAB>DETECTOR<TAB>1|0|n/a, one line per sample and detector
: >"$tmp/results"
: >"$tmp/log"
for row in "${ROWS[@]}"; do
  for len in $LENGTHS; do
    for ((i = 0; i < PER_CELL; i++)); do
      f=$tmp/sample
      make_sample "$row" "$i" "$len" "$f" || continue
      for d in "${DETS[@]}"; do
        case $d in
        zhfix) name=$(det_zhfix "$f") ;;
        uchardet) name=$(det_uchardet "$f") ;;
        ucsdet) name=$(det_ucsdet "$f") ;;
        enca) name=$(det_enca "$row" "$f") ;;
        esac
        if [ "$name" = n/a ]; then ok=n/a; elif right "$row" "$name"; then ok=1; else ok=0; fi
        printf '%s\t%s\t%s\t%s\n' "$row" "$len" "$d" "$ok" >>"$tmp/results"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$row" "$len" "$i" "$d" "$name" "$ok" >>"$tmp/log"
      done
    done
  done
done
[ -n "${DETECT_LOG:-}" ] && cp "$tmp/log" "$DETECT_LOG"

# --- table ------------------------------------------------------------------

# A cell is correct/total; n/a when the detector could not run on any sample.
awk -F '\t' -v rows="$(printf '%s\n' "${ROWS[@]}")" -v lengths="$LENGTHS" '
  { k = $1 " " $2 SUBSEP $3; n[k]++; if ($4 == 1) ok[k]++; if ($4 == "n/a") na[k]++
    t = "total" SUBSEP $3;   n[t]++; if ($4 == 1) ok[t]++; if ($4 == "n/a") na[t]++ }
  function cell(k) { return !n[k] ? "-" : na[k] == n[k] ? "n/a" : (ok[k] + 0) "/" n[k] }
  function line(label, key) {
    printf "%-18s %10s %10s %10s %10s\n", label, cell(key SUBSEP "zhfix"),
      cell(key SUBSEP "uchardet"), cell(key SUBSEP "ucsdet"), cell(key SUBSEP "enca")
  }
  END {
    printf "%-18s %10s %10s %10s %10s\n", "encoding chars", "zhfix", "uchardet", "ICU ucsdet", "enca"
    nr = split(rows, r, "\n"); nl = split(lengths, l, " ")
    for (i = 1; i <= nr; i++) for (j = 1; j <= nl; j++) line(r[i] " " l[j], r[i] " " l[j])
    line("total", "total")
  }' "$tmp/results"
echo "($(($(wc -l <"$tmp/results") / ${#DETS[@]})) samples, $((SECONDS - start)) s; zhfix: $ZHFIX)"
exit 0
