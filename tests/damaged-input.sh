#!/bin/sh
# Encoding detection and decoding of damaged input files: stray bytes in a
# GBK, Big5, GB18030 or UTF-8 file (the file keeps its encoding, the bytes are
# kept and reported), short Big5 and GBK texts (a Chinese reading wins over a
# Japanese or Korean one), and files that mix UTF-8, GBK and Big5 lines (each
# line comes out as it was written). Inputs are made with iconv from our own
# sentences (tests/data); every expected value is the text they came from,
# with the stray bytes where they were.
. "$ZHFIX_SRCDIR/tests/setup.sh"
data=$ZHFIX_SRCDIR/tests/data
if ! command -v iconv >/dev/null 2>&1; then
  echo "1..0 # SKIP iconv is not available"
  exit 0
fi
cd "$tmp"

# ---- sentences each encoding can hold ----
encodable() { # ENCODING SOURCE: the lines of SOURCE that iconv can encode
  while IFS= read -r line; do
    if printf '%s\n' "$line" | iconv -f UTF-8 -t "$1" >/dev/null 2>&1; then
      printf '%s\n' "$line"
    fi
  done <"$2"
}
encodable GBK "$data/sentences.zh-Hans.txt" >gbk.src
encodable BIG5 "$data/sentences.zh-Hant.txt" >big5.src
cp "$data/sentences.zh-Hans.txt" utf-8.src
head -n 10 utf-8.src >utf8.txt
# GB18030 beyond GBK: Extension A 㐀 (four bytes) in every line.
LC_ALL=C.UTF-8 sed 's/^\(...\)/\1㐀/' gbk.src >gb18030.src

echo "1..84"

# The new user's file: a GBK line, then a line with a byte no encoding has.
{ printf '我们今天去公园散步，天气很好。\n' | iconv -f UTF-8 -t GBK; printf 'x \377 y\n'; } >report1.txt
printf '我们今天去公园散步，天气很好。\nx \377 y\n' >report1.expected
if zhfix report1.txt >out 2>err && cmp -s out report1.expected && [ ! -s err ] &&
   [ "$(zhfix --detect report1.txt)" = "report1.txt: GBK, Simplified, 1 runs of invalid bytes" ]; then
  ok "GBK with a stray FF: read as GBK, the byte kept and reported"
else
  not_ok "GBK with a stray FF: $(zhfix --detect report1.txt) $(od -An -c out | head -n 2 | tr -s ' \n' ' ')"
fi

# ---- stray bytes: encoding x length x where ----
# X (the byte 01) stands for the stray byte in the UTF-8 text; the input is the
# text in the encoding with X replaced, the expected output the UTF-8 text with
# X replaced. Positions count characters (sed in C.UTF-8).
# FF is in no encoding; 80 leads nothing in GBK or GB18030 (Big5 maps it to
# U+0080); FE leads a pair, so only right before a line end is it stray.
X=$(printf '\001')
stray() { # ENCODING NAME LENGTH WHERE BYTE: one test
  enc=$1 name=$2 n=$3 where=$4 byte=$5
  src=$(printf '%s' "$enc" | tr '[:upper:]' '[:lower:]').src
  # (one line: the first of 20 characters or more)
  if [ "$n" = 1 ]; then awk 'length($0) >= 60 { print; exit }' "$src"; else head -n "$n" "$src"; fi >text
  case $where in
  start) { printf '%s' "$X"; cat text; } ;;
  middle) LC_ALL=C.UTF-8 sed "$((n / 2 + 1))s/^\(......\)/\1$X/" text ;;
  line-end) sed "$((n / 2 + 1))s/\$/$X/" text ;;
  end) { cat text; printf '%s' "$X"; } ;;
  three) LC_ALL=C.UTF-8 sed "1s/^\(...\)/\1$X/; $((n / 2 + 1))s/\$/$X/; ${n}s/^/$X/" text ;;
  esac >marked
  grep -q "$X" marked
  iconv -f UTF-8 -t "$enc" marked | tr "$X" "$byte" >in.txt
  tr "$X" "$byte" <marked >expected
  label="$name, $n lines, stray $(printf '%s' "$byte" | od -An -tx1 | tr -d ' ') at $where"
  if zhfix in.txt >out 2>err && cmp -s out expected && [ ! -s err ] &&
     zhfix --detect in.txt >det && grep -q "^in.txt: $name, .*invalid bytes" det; then
    ok "$label: decoded, kept, reported"
  else
    not_ok "$label: $(head -c 200 det) $(cmp out expected 2>&1 | head -n 1)"
  fi
}
for case_enc in GBK:GBK BIG5:Big5 GB18030:GB18030 UTF-8:UTF-8; do
  for n in 1 40; do
    for where in start middle line-end end three; do
      stray "${case_enc%%:*}" "${case_enc#*:}" "$n" "$where" "$(printf '\377')"
    done
    stray "${case_enc%%:*}" "${case_enc#*:}" "$n" line-end "$(printf '\376')"
    [ "$case_enc" = BIG5:Big5 ] || stray "${case_enc%%:*}" "${case_enc#*:}" "$n" middle "$(printf '\200')"
  done
done

# Three stray bytes in eight characters: too few characters per invalid byte
# to call it GBK: the bytes are left as they are, and reported.
{ printf '\377'; printf '今天的风' | iconv -f UTF-8 -t GBK; printf '\377'; printf '有点大。' | iconv -f UTF-8 -t GBK; printf '\377\n'; } >heavy.txt
if zhfix heavy.txt 2>/dev/null | cmp -s - heavy.txt &&
   [ "$(zhfix --detect heavy.txt | cut -d, -f1)" = "heavy.txt: unknown" ]; then
  ok "8 GBK characters with 3 stray bytes: left as they are"
else
  not_ok "8 GBK characters with 3 stray bytes: $(zhfix --detect heavy.txt)"
fi

# ---- short texts: a Chinese reading wins ----
# Two Big5 characters whose bytes GBK reads as two kana (rows A4, A5):
# 中文 was いゅ. And GBK read as EUC-KR Hangul, Big5 as Shift_JIS.
short() { # ENCODING TEXT
  printf '%s' "$2" | iconv -f UTF-8 -t "$1" >short.txt
  if [ "$(zhfix short.txt)" = "$2" ]; then ok "$1 $2: itself"; else not_ok "$1 $2: $(zhfix short.txt)"; fi
}
for w in 中文 文件 用戶 今天 日本 中心 先生 父母 白天 手中; do short BIG5 "$w"; done
for w in 中文 我们 今天 不按牌理出牌 锅海鲜粥，边吃边聊，; do short GBK "$w"; done
# ASCII text with one stray byte that Shift_JIS reads as a halfwidth
# katakana (B5: ｵ) is not Shift_JIS: the byte is kept.
printf 'hello \265 world\n' >kana.txt
if zhfix kana.txt 2>/dev/null | cmp -s - kana.txt; then ok "stray B5 in ASCII text kept"; else not_ok "stray B5 in ASCII text: $(zhfix --detect kana.txt)"; fi

# ---- lines in several encodings ----
# Each line comes out as written, and nothing is decoded twice (the UTF-8
# line was read as GBK, then "repaired" with U+FFFD for its lost bytes).
mixed() { # LABEL ENCODING...: line k of utf-8.src/gbk.src/big5.src in the k-th encoding
  label=$1
  shift
  : >in.txt
  : >expected
  k=0
  for enc in "$@"; do
    k=$((k + 1))
    case $enc in
    GBK) line=$(sed -n "${k}p" gbk.src) ;;
    BIG5) line=$(sed -n "${k}p" big5.src) ;;
    *) line=$(sed -n "$((k + 20))p" utf-8.src) ;;
    esac
    printf '%s\n' "$line" | iconv -f UTF-8 -t "$enc" >>in.txt
    printf '%s\n' "$line" >>expected
  done
  if zhfix in.txt >out 2>/dev/null && cmp -s out expected; then
    ok "mixed lines, $label: each line as written"
  else
    not_ok "mixed lines, $label: $(zhfix --detect in.txt) $(cmp out expected 2>&1)"
  fi
}
mixed "GBK, Big5, UTF-8, GBK" GBK BIG5 UTF-8 GBK
mixed "UTF-8, GBK, Big5, UTF-8" UTF-8 GBK BIG5 UTF-8
mixed "Big5, GBK, UTF-8, Big5" BIG5 GBK UTF-8 BIG5
mixed "8 GBK lines, one UTF-8" GBK GBK GBK GBK UTF-8 GBK GBK GBK GBK
mixed "8 Big5 lines, one UTF-8" BIG5 BIG5 BIG5 BIG5 UTF-8 BIG5 BIG5 BIG5 BIG5
mixed "Big5, GBK, Big5, Big5" BIG5 GBK BIG5 BIG5
mixed "GBK, GBK, Big5, GBK, GBK" GBK GBK BIG5 GBK GBK
# Big5 自 (A6DB) is, read as GB18030 by glibc, the vertical form ︑ (U+FE11),
# which ICU encodes in four bytes: the Big5 line of a file read as GBK (here
# by --from; beyond the detection sample too) stayed as mojibake.
{ head -n 3 gbk.src | iconv -f UTF-8 -t GBK; grep -m 1 '自' big5.src | iconv -f UTF-8 -t BIG5; } >zi.txt
{ head -n 3 gbk.src; grep -m 1 '自' big5.src; } >zi.expected
if zhfix zi.txt 2>/dev/null | cmp -s - zi.expected &&
   zhfix --from=GBK zi.txt 2>/dev/null | cmp -s - zi.expected; then
  ok "a Big5 line with 自 in a GBK file: as written"
else
  not_ok "a Big5 line with 自 in a GBK file: $(zhfix --from=GBK zi.txt 2>&1 | tail -n 1)"
fi
# ... and GB18030 text with those vertical forms stays as it is.
printf '他说︐我们明天再去公园散步。\n今天天气很好︑适合出门。\n' >vertical.expected
iconv -f UTF-8 -t GB18030 vertical.expected >vertical.txt
if zhfix vertical.txt 2>/dev/null | cmp -s - vertical.expected; then
  ok "GB18030 with vertical forms ︐ ︑: as written"
else
  not_ok "GB18030 with vertical forms: $(zhfix vertical.txt 2>&1 | head -n 1)"
fi
# A UTF-8 line beyond the first 64 KiB (detection read GBK), and with --from:
# it passes through as it is, in one thread and in two.
for i in 1 2 3 4 5 6 7 8 9 10; do cat gbk.src; done >far.src
{ cat far.src; sed -n 30p utf-8.src; head -n 20 gbk.src; } >far.expected
{ iconv -f UTF-8 -t GBK far.src; sed -n 30p utf-8.src; head -n 20 gbk.src | iconv -f UTF-8 -t GBK; } >far.txt
[ "$(wc -c <far.txt)" -gt 100000 ]
if [ "$(zhfix --detect far.txt | cut -d, -f1)" = "far.txt: GBK" ] &&
   zhfix far.txt 2>/dev/null | cmp -s - far.expected &&
   zhfix --jobs=2 far.txt 2>/dev/null | cmp -s - far.expected &&
   zhfix --from=GBK utf8.txt 2>/dev/null | cmp -s - utf8.txt; then
  ok "a UTF-8 line after 64 KiB of GBK, and a UTF-8 file read --from=GBK: as written"
else
  not_ok "a UTF-8 line after 64 KiB of GBK: $(zhfix far.txt 2>/dev/null | cmp - far.expected 2>&1)"
fi
# One code page throughout is read as that code page, not line by line, also
# when its lines are Simplified and Traditional by turns.
{ head -n 20 gbk.src; head -n 20 big5.src; } | sort >st.expected
iconv -f UTF-8 -t GBK st.expected >st.txt
if [ "$(zhfix --detect st.txt | cut -d, -f1)" = "st.txt: GBK" ] && zhfix st.txt | cmp -s - st.expected; then
  ok "GBK with Simplified and Traditional lines: GBK, as written"
else
  not_ok "GBK with Simplified and Traditional lines: $(zhfix --detect st.txt)"
fi
{ head -n 8 gbk.src | iconv -f UTF-8 -t GBK; } >gbk8.txt
if [ "$(zhfix --detect gbk8.txt | cut -d, -f1)" = "gbk8.txt: GBK" ]; then
  ok "8 GBK lines: GBK"
else
  not_ok "8 GBK lines: $(zhfix --detect gbk8.txt)"
fi
