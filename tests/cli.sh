#!/bin/sh
# The command line beyond repair: encoding detection and decoding (--detect,
# --from), --check and its exit status, the JSON report (--report=json,
# --report-file), --explain, and bytes that are not UTF-8 with --no-repair.
# Legacy-encoded inputs are made at test time with iconv from our own sentences
# (tests/data), so every expected value is the UTF-8 text they came from.
# tests/unit/json_lines (built by make check) validates the JSON Lines.
. "$ZHFIX_SRCDIR/tests/setup.sh"
data=$ZHFIX_SRCDIR/tests/data
golden=$ZHFIX_SRCDIR/tests/golden/input
json_lines=$(dirname "$ZHFIX")/tests/unit/json_lines
if ! command -v iconv >/dev/null 2>&1; then
  echo "1..0 # SKIP iconv is not available"
  exit 0
fi
if [ ! -x "$json_lines" ]; then
  echo "1..0 # SKIP $json_lines is not built (make check builds it)"
  exit 0
fi
# File names in messages and reports are as given: work in $tmp, relative names.
cd "$tmp"

# ---- inputs ----
head -n 5 "$data/sentences.zh-Hans.txt" >hans.txt
head -n 5 "$data/sentences.zh-Hant.txt" >hant.txt
iconv -f UTF-8 -t GBK hans.txt >gbk.txt
# GB18030 beyond GBK: U+20000 is the 4-byte sequence 95 32 82 36.
{ cat hans.txt; printf '\360\240\200\200字在这里。\n'; } >hans4.txt
iconv -f UTF-8 -t GB18030 hans4.txt >gb18030.txt
grep -q "$(printf '\225\062\202\066')" gb18030.txt
# Big5: the first five Traditional lines that Big5 can encode (麪 it cannot).
: >big5-src.txt
while IFS= read -r line && [ "$(wc -l <big5-src.txt)" -lt 5 ]; do
  if printf '%s\n' "$line" | iconv -f UTF-8 -t BIG5 >/dev/null 2>&1; then
    printf '%s\n' "$line" >>big5-src.txt
  fi
done <"$data/sentences.zh-Hant.txt"
[ "$(wc -l <big5-src.txt)" -eq 5 ]
iconv -f UTF-8 -t BIG5 big5-src.txt >big5.txt
iconv -f UTF-8 -t UTF-16LE hans.txt >utf16le.txt
iconv -f UTF-8 -t UTF-16BE hans.txt >utf16be.txt
iconv -f UTF-8 -t UTF-16 hans.txt >utf16bom.txt
case $(head -c 2 utf16bom.txt | od -An -tx1 | tr -d ' \n') in
fffe) bom_encoding=UTF-16LE ;;
feff) bom_encoding=UTF-16BE ;;
*) echo "Bail out! iconv -t UTF-16 wrote no byte order mark"; exit 1 ;;
esac
{ printf '\357\273\277'; cat hans.txt; } >utf16bom.expected
cp hans.txt utf8.txt
# A UTF-8 file with one line of raw bytes: GBK 中文 and FF FE, which are no
# encoding's text.
{ head -n 3 hans.txt; printf 'raw \326\320\316\304 \377\376 end\n'; tail -n 2 hans.txt; } >raw.txt
# A UTF-8 file with one whole line in GBK (line 3).
{ head -n 2 hans.txt; sed -n 3p hans.txt | iconv -f UTF-8 -t GBK; tail -n 2 hans.txt; } >rawgbk.txt
cp "$golden/ruby-learner.txt" "$golden/pronunciation.txt" "$golden/article.txt" .

echo "1..76"

# ---- --detect: "FILE: ENCODING, SCRIPT" then the findings or "clean" ----
detect() { # FILE ENCODING SCRIPT
  if zhfix --detect "$1" >"$1.detect" 2>"$1.detect-err"; then rc=0; else rc=$?; fi
  got=$(head -n 1 "$1.detect")
  if [ $rc -ne 0 ]; then
    not_ok "--detect $1: exit status $rc"
  elif [ -s "$1.detect-err" ]; then
    not_ok "--detect $1: standard error: $(head -n 1 "$1.detect-err")"
  elif [ "$(wc -l <"$1.detect")" -ne 1 ]; then
    not_ok "--detect $1: $(wc -l <"$1.detect") lines, expected 1"
  else
    case $got in
    "$1: $2, $3" | "$1: $2, $3, "*) ok "--detect $1: $2, $3" ;;
    *) not_ok "--detect $1: '$got', expected '$1: $2, $3...'" ;;
    esac
  fi
}
detect gbk.txt GBK Simplified
detect gb18030.txt GB18030 Simplified
detect big5.txt Big5 Traditional
detect utf16le.txt UTF-16LE Simplified
detect utf16be.txt UTF-16BE Simplified
detect utf16bom.txt $bom_encoding Simplified
detect utf8.txt UTF-8 Simplified
detect hant.txt UTF-8 Traditional

# ---- decoding: the output is the UTF-8 text the file was made from ----
decode() { # EXPECTED ZHFIX-ARGS...
  expected=$1
  shift
  if zhfix "$@" >out 2>err; then rc=0; else rc=$?; fi
  if [ $rc -ne 0 ]; then
    not_ok "zhfix $*: exit status $rc"
  elif [ -s err ]; then
    not_ok "zhfix $*: standard error: $(head -n 1 err)"
  elif ! cmp -s "$expected" out; then
    not_ok "zhfix $*: output differs from $expected: $(cmp "$expected" out 2>&1 | head -n 1)"
  else
    ok "zhfix $* decodes to $expected"
  fi
}
decode hans.txt gbk.txt
decode hans4.txt gb18030.txt
decode big5-src.txt big5.txt
decode hans.txt utf16le.txt
decode hans.txt utf16be.txt
decode utf16bom.expected utf16bom.txt
decode hans.txt --from=GB18030 gbk.txt

if zhfix --from=NOSUCH gbk.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] && grep -q NOSUCH err; then
  ok "--from=NOSUCH: exit 2, one message naming it: $(cat err)"
else
  not_ok "--from=NOSUCH: exit $rc, $(wc -c <out) bytes out, message: $(head -n 3 err | tr '\n' '|')"
fi

# ---- --check: no text out; 0 clean, 1 damage ----
check() { # FILE EXPECTED-STATUS
  if zhfix --check "$1" >out 2>err; then rc=0; else rc=$?; fi
  if [ $rc -ne "$2" ]; then
    not_ok "--check $1: exit status $rc, expected $2"
  elif [ -s out ]; then
    not_ok "--check $1: $(wc -c <out) bytes on standard output"
  elif [ -s err ]; then
    not_ok "--check $1: standard error: $(head -n 1 err)"
  else
    ok "--check $1: exit status $2, no output"
  fi
}
check pronunciation.txt 0
check article.txt 1
check gbk.txt 1
check utf8.txt 0

# ---- --report=json ----
f=ruby-learner.txt
if zhfix --report=json "$f" >json.out 2>report.jsonl; then rc=0; else rc=$?; fi
zhfix "$f" >plain.out
zhfix --explain "$f" >/dev/null 2>explain.txt
if [ $rc -ne 0 ]; then
  not_ok "--report=json $f: exit status $rc"
elif [ ! -s report.jsonl ]; then
  not_ok "--report=json $f: empty report"
elif n=$("$json_lines" <report.jsonl 2>json.err) && [ "$n" -eq "$(wc -l <report.jsonl)" ]; then
  ok "--report=json $f: each of the $n lines is a JSON object"
else
  not_ok "--report=json $f: $(cat json.err)"
fi
last=$(tail -n 1 report.jsonl)
case $last in
*'"type":"summary"'*'"file":"'$f'"'*) ok "--report=json: last line is the summary of $f" ;;
*) not_ok "--report=json: last line is not the summary of $f: $last" ;;
esac
findings=$("$json_lines" finding <report.jsonl) || findings=-1
summaries=$("$json_lines" summary <report.jsonl) || summaries=-1
ruby=$(grep -c "^$f:[0-9]*:[0-9]*: ruby: " explain.txt) || true
if [ "$ruby" -gt 0 ] && [ "$findings" -eq "$ruby" ] && [ "$summaries" -eq 1 ] &&
  [ "$(wc -l <report.jsonl)" -eq $((findings + 1)) ]; then
  ok "--report=json: $findings findings, as many as the ruby: lines of --explain"
else
  not_ok "--report=json: $findings findings and $summaries summaries, --explain: $ruby ruby: lines"
fi
if cmp -s plain.out json.out; then
  ok "--report=json does not change standard output"
else
  not_ok "--report=json changes standard output"
fi
if zhfix --report-file=file.jsonl "$f" >file.out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s report.jsonl file.jsonl && cmp -s plain.out file.out; then
  ok "--report-file: the same report in the file, nothing on standard error"
else
  not_ok "--report-file: exit $rc, standard error: $(head -c 200 err), $(cmp report.jsonl file.jsonl 2>&1)"
fi

# ---- --explain ----
if zhfix --explain pronunciation.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s pronunciation.txt out; then
  ok "--explain on clean text: nothing on standard error, text unchanged"
else
  not_ok "--explain on clean text: exit $rc, standard error: $(head -n 2 err | tr '\n' '|')"
fi
zhfix article.txt >plain.out
if zhfix --explain article.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ -s err ] && cmp -s plain.out out; then
  ok "--explain on damaged text: $(wc -l <err) lines on standard error, same output"
else
  not_ok "--explain on damaged text: exit $rc, $(wc -l <err) explain lines, $(cmp plain.out out 2>&1)"
fi

# ---- lines that are not UTF-8 ----
if zhfix --no-repair raw.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s raw.txt out; then
  ok "--no-repair: a line of raw bytes in UTF-8 passes through byte-identical"
else
  not_ok "--no-repair: raw bytes changed: exit $rc, $(cmp raw.txt out 2>&1)"
fi
if zhfix raw.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s raw.txt out; then
  ok "repair: bytes that are no encoding's text pass through byte-identical"
else
  not_ok "repair: raw bytes changed: exit $rc, $(cmp raw.txt out 2>&1)"
fi
if zhfix --no-repair rawgbk.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s rawgbk.txt out; then
  ok "--no-repair: a GBK line in UTF-8 passes through byte-identical"
else
  not_ok "--no-repair: GBK line changed: exit $rc, $(cmp rawgbk.txt out 2>&1)"
fi
if zhfix rawgbk.txt >out 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 0 ] && [ ! -s err ] && cmp -s hans.txt out; then
  ok "repair: a GBK line in UTF-8 is decoded"
else
  not_ok "repair: GBK line in UTF-8: exit $rc, $(cmp hans.txt out 2>&1)"
fi
# The whole-line repair is a repair: --explain lists it, the report says
# "repaired" and the summary counts it.
zhfix --explain --report-file=raw.jsonl rawgbk.txt >/dev/null 2>err || true
if grep -q '^rawgbk.txt:3:1: decode-gb18030: ' err &&
  grep -q '"type":"finding".*"action":"repaired"' raw.jsonl &&
  grep -q '"type":"summary".*"repaired":1,' raw.jsonl; then
  ok "a GBK line in UTF-8: --explain lists it, the report counts it repaired"
else
  not_ok "a GBK line in UTF-8: --explain lists it, the report counts it repaired"
fi

# --jobs: the same output as one handle, on damaged text, a GBK file, and input
# whose lines straddle the blocks (standard input, no final line end).
cat "$ZHFIX_SRCDIR/tests/golden/input/article.txt" "$ZHFIX_SRCDIR/tests/golden/input/ruby-learner.txt" \
  "$ZHFIX_SRCDIR/tests/golden/input/article.txt" >many.txt
zhfix --to simplified many.txt >one.out
zhfix --jobs=3 --to simplified many.txt >three.out
if cmp -s one.out three.out; then ok "--jobs=3 gives what one handle gives"; else not_ok "--jobs=3 differs"; fi
zhfix gbk.txt >one.out
zhfix -j 2 gbk.txt >two.out
if cmp -s one.out two.out; then ok "--jobs=2 on GBK input"; else not_ok "--jobs=2 on GBK input differs"; fi
printf '業(yè)\r\n行業(yè)' | zhfix -j 2 >two.out
if [ "$(od -An -c two.out | tr -d ' \n')" = "$(printf '業\r\n行業' | od -An -c | tr -d ' \n')" ]; then
  ok "--jobs=2 keeps CRLF and a last line without its end"
else
  not_ok "--jobs=2 on CRLF without a final line end"
fi

# -i: each file rewritten in place, mode kept, the original kept under SUFFIX.
cp "$ZHFIX_SRCDIR/tests/golden/input/ruby-learner.txt" inplace.txt
chmod 640 inplace.txt
if zhfix -i.orig inplace.txt && cmp -s inplace.txt "$ZHFIX_SRCDIR/tests/golden/output/ruby-learner.repair.txt" &&
  cmp -s inplace.txt.orig "$ZHFIX_SRCDIR/tests/golden/input/ruby-learner.txt" &&
  [ "$(stat -c %a inplace.txt)" = 640 ] && [ "$(ls inplace.txt.?????? 2>/dev/null | wc -l)" -eq 0 ]; then
  ok "-i.orig rewrites the file, keeps its mode and the original"
else
  not_ok "-i.orig"
fi
rc=0
zhfix -i >out 2>err || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ]; then ok "-i without FILE: usage error"; else not_ok "-i without FILE: exit $rc"; fi

# ---- errors: one line "zhfix: ..." and a documented status ----
err_case() { # NAME EXPECTED-STATUS ZHFIX-ARGS...
  name=$1 want=$2
  shift 2
  rc=0
  zhfix "$@" >out 2>err || rc=$?
  if [ "$rc" -eq "$want" ] && [ "$(wc -l <err)" -eq 1 ] && grep -q '^zhfix: ' err; then
    ok "$name: exit $want, $(cat err)"
  else
    not_ok "$name: exit $rc (expected $want), message: $(head -n 3 err | tr '\n' '|')"
  fi
}
mkdir adir
err_case "a missing file" 3 no-such-file.txt
err_case "an unreadable file (a directory)" 3 adir
err_case "an unknown --to" 4 --to=no-such-target hans.txt
err_case "a bad --from" 2 --from=NO-SUCH hans.txt
err_case "an unknown --output-encoding" 2 --output-encoding=NO-SUCH hans.txt
err_case "a bad --unencodable" 2 --unencodable=drop hans.txt

# ---- --output-encoding and --unencodable ----
# GBK holds the Simplified text: the same bytes iconv gives.
if zhfix --output-encoding=GBK hans.txt >out 2>err && cmp -s gbk.txt out && [ ! -s err ]; then
  ok "--output-encoding=GBK writes what iconv -t GBK writes"
else
  not_ok "--output-encoding=GBK: $(cmp gbk.txt out 2>&1) $(head -n 1 err)"
fi
if zhfix --from=BIG5 --output-encoding=BIG5 big5.txt >out 2>err && cmp -s big5.txt out; then
  ok "Big5 in, Big5 out: byte-identical"
else
  not_ok "Big5 round trip: $(cmp big5.txt out 2>&1) $(head -n 1 err)"
fi
# Line 2, column 4 holds 測, which GB2312 cannot hold.
printf '中文\n第二行測試\n' >unenc.txt
err_case "an unencodable character" 4 --output-encoding=GB2312 unenc.txt
if grep -q '^zhfix: unenc.txt:2:4: U+6E2C cannot be encoded in GB2312$' err; then
  ok "the unencodable character named by line and column: $(cat err)"
else
  not_ok "unencodable message: $(cat err)"
fi
rc=0
zhfix --output-encoding=GB2312 -o unenc.out unenc.txt 2>err || rc=$?
if [ "$rc" -eq 4 ] && [ ! -e unenc.out ] && [ "$(ls unenc.out.* 2>/dev/null | wc -l)" -eq 0 ]; then
  ok "-o with an unencodable character: exit 4, no file left"
else
  not_ok "-o with an unencodable character: exit $rc"
fi
if zhfix --output-encoding=GB2312 --unencodable=replace unenc.txt >out 2>err &&
  [ "$(iconv -f GB2312 -t UTF-8 out)" = "$(printf '中文\n第二行??')" ]; then
  ok "--unencodable=replace writes ?"
else
  not_ok "--unencodable=replace: $(iconv -f GB2312 -t UTF-8 out | tr '\n' '|') $(head -n 1 err)"
fi
if zhfix --output-encoding=ASCII --unencodable=escape unenc.txt >out 2>err &&
  [ "$(cat out)" = "$(printf '&#x4E2D;&#x6587;\n&#x7B2C;&#x4E8C;&#x884C;&#x6E2C;&#x8A66;')" ] &&
  zhfix out | cmp -s - unenc.txt; then
  ok "--unencodable=escape writes character references, which zhfix reads back"
else
  not_ok "--unencodable=escape: $(head -c 200 out) $(head -n 1 err)"
fi
printf 'raw \377\376 \344\270\n' >rawbytes.txt
if zhfix --no-repair --output-encoding=GBK rawbytes.txt >out 2>err && cmp -s rawbytes.txt out; then
  ok "--output-encoding: bytes that were not UTF-8 pass through as they were"
else
  not_ok "--output-encoding with raw bytes: $(cmp rawbytes.txt out 2>&1) $(head -n 1 err)"
fi

# ---- line ends: a lone CR ends a line for the stages, bytes unchanged ----
printf '第一行\r行業(yè)發展\r最後\r\n' >cr.txt
printf '第一行\r行業發展\r最後\r\n' >cr.want
if zhfix --explain cr.txt >out 2>err && cmp -s cr.want out && grep -q '^cr.txt:2:2: ruby: ' err; then
  ok "CR-only line ends: line 2 repaired, every CR kept"
else
  not_ok "CR-only line ends: $(cmp cr.want out 2>&1) $(head -n 2 err | tr '\n' '|')"
fi

# ---- --progress ----
if zhfix --progress hans.txt >out 2>err && cmp -s hans.txt out &&
  grep -q '^zhfix: hans.txt: 0.0 MB of 0.0 MB (100%), [0-9.]* MB/s$' err; then
  ok "--progress: figures on standard error, text unchanged"
else
  not_ok "--progress: $(head -n 2 err | tr '\n' '|')"
fi
if zhfix hans.txt 2>err >/dev/null && [ ! -s err ]; then
  ok "no progress when standard error is not a terminal"
else
  not_ok "progress without --progress: $(head -n 1 err)"
fi

# ---- a line longer than a --jobs block (4 MiB) and than the window (1 MiB) ----
tr -d '\n' <"$data/sentences.zh-Hant.txt" >unit.txt
: >longline.txt
while [ "$(wc -c <longline.txt)" -lt 5000000 ]; do cat unit.txt unit.txt unit.txt unit.txt >>longline.txt; done
printf '\n短行。\n' >>longline.txt
zhfix -t s longline.txt >one.out
zhfix -j 2 -t s longline.txt >two.out
if cmp -s one.out two.out && [ "$(wc -l <one.out)" -eq 2 ]; then
  ok "a 5 MB line: --jobs=2 gives what one thread gives"
else
  not_ok "a 5 MB line: --jobs=2 differs: $(cmp one.out two.out 2>&1)"
fi
sed 's/\(。\|！\|？\)/\1\n/g' unit.txt | zhfix -t s | tr -d '\n' >unit.out
if [ "$(head -c "$(wc -c <unit.out)" one.out)" = "$(cat unit.out)" ]; then
  ok "a 5 MB line: its output is that of its sentences"
else
  not_ok "a 5 MB line: its output differs from that of its sentences"
fi

# ---- bytes of other legacy code pages, and NUL bytes, in UTF-8 text: kept ----
same_bytes() { # NAME FILE ZHFIX-ARGS...
  name=$1 f=$2
  shift 2
  if zhfix "$@" "$f" >same.out 2>/dev/null && cmp -s "$f" same.out; then
    ok "$name: unchanged"
  else
    not_ok "$name: changed: $(od -c same.out | head -2 | tr '\n' ' ')"
  fi
}
printf 'caf\351 au lait\n' >latin1.txt
same_bytes "Latin-1 line in UTF-8 text" latin1.txt
printf 'Gr\374\337e aus M\374nchen\n' >german.txt
same_bytes "Latin-1 German (not GB18030)" german.txt
printf '\317\360\350\342\345\362 \354\350\360\n' >cp1251.txt
same_bytes "cp1251 Russian (not cut UTF-8)" cp1251.txt
printf '\0\0\n中文字\n' >nuls.txt
same_bytes "two NUL bytes before UTF-8 Chinese" nuls.txt
same_bytes "two NUL bytes before UTF-8 Chinese, -R" nuls.txt -R

# ---- -o onto a FIFO writes through it; -i on a symbolic link keeps the link ----
printf '中文\n' >fin.txt
mkfifo fifo
cat fifo >fifo.out &
reader=$!
zhfix -o fifo fin.txt
st=$?
wait $reader
if [ $st -eq 0 ] && [ -p fifo ] && cmp -s fin.txt fifo.out; then
  ok "-o FIFO: written through, still a FIFO"
else
  not_ok "-o FIFO: status $st, $(ls -l fifo)"
fi
ln -s fin.txt link.txt
if zhfix -i link.txt && [ -L link.txt ] && cmp -s fin.txt link.txt; then
  ok "-i on a symbolic link: the link stays, its file is rewritten"
else
  not_ok "-i on a symbolic link: $(ls -l link.txt)"
fi

# ---- what converted the text (--converter; issue 8) ----
# Text a character-only converter wrote (none of 髮 製 彙 ...) after 4.5 MB of
# ASCII: the first --jobs block ends undecided, so the handle keeps the
# document open into the next; the decision is made there, and --jobs=2 must
# still give what one thread gives. 復制 (for 複製) is repaired on every line,
# the ones held before the decision too.
awk 'BEGIN { for (i = 0; i < 90000; i++) print "plain ASCII line number " i " of the preamble, ok" }' >conv.txt
awk 'BEGIN { for (i = 0; i < 400; i++) print "這項技術在那個年代發明了很多東西，大家都用它。這個程式把檔案復制到目錄。" }' >>conv.txt
zhfix conv.txt >one.out
zhfix -j 2 conv.txt >two.out
if cmp -s one.out two.out && [ "$(grep -c 複製 one.out)" -eq 400 ]; then
  ok "--converter read from the text: every line repaired, --jobs=2 the same"
else
  not_ok "--converter read from the text: $(grep -c 複製 one.out) repaired; $(cmp one.out two.out 2>&1)"
fi
if [ "$(printf '這個程式把檔案復制到目錄。\n' | zhfix --converter=character)" = "這個程式把檔案複製到目錄。" ] &&
   [ "$(printf '這個程式把檔案復制到目錄。\n' | zhfix --converter=other -t t2tw)" = "這個程式把檔案復制到目錄。" ]; then
  ok "--converter=character and other"
else
  not_ok "--converter=character and other"
fi
if zhfix --converter=bogus </dev/null >/dev/null 2>err; then rc=0; else rc=$?; fi
if [ $rc -eq 2 ] && grep -q "unknown --converter" err; then ok "--converter=bogus: usage error"; else not_ok "--converter=bogus"; fi
# Options that would do nothing are usage errors, not silently ignored.
for args in "-i -" "--detect -o det.out" "--check -o det.out" "--space"; do
  # shellcheck disable=SC2086
  if echo x | zhfix $args >/dev/null 2>err; then rc=0; else rc=$?; fi
  if [ $rc -eq 2 ] && [ ! -e det.out ]; then ok "zhfix $args: usage error"; else not_ok "zhfix $args: exit $rc"; fi
done
# A binary file (NUL and control bytes) is copied unchanged, with a notice;
# --detect says so; -i leaves its bytes as they were.
python3 -c "import sys; sys.stdout.buffer.write(bytes(range(256)) * 64 + '中文'.encode() * 100)" >bin.dat
cp bin.dat bin.orig
if zhfix bin.dat >bin.out 2>err && cmp -s bin.dat bin.out && grep -q "binary file" err &&
   [ "$(zhfix --detect bin.dat)" = "bin.dat: binary" ] && ino=$(ls -i bin.dat) &&
   zhfix -i.bak bin.dat 2>/dev/null && cmp -s bin.dat bin.orig && [ "$(ls -i bin.dat)" = "$ino" ] &&
   [ ! -e bin.dat.bak ]; then
  ok "a binary file: copied unchanged, --detect says binary, -i leaves it (no rewrite, no backup)"
else
  not_ok "a binary file: $(cmp bin.dat bin.out 2>&1) $(head -n 1 err)"
fi
# Short UTF-16 without a byte order mark, and bytes that are not UTF-16.
printf 'hello 你好\n' | iconv -f UTF-8 -t UTF-16LE >u16.txt
printf '你好，世界。這是一個測試。\n' | iconv -f UTF-8 -t UTF-16BE >u16be.txt
printf 'abc\377\376中\n' >notu16.txt
if [ "$(zhfix --detect u16.txt | cut -d, -f1)" = "u16.txt: UTF-16LE" ] &&
   [ "$(zhfix u16.txt)" = "hello 你好" ] &&
   [ "$(zhfix --detect u16be.txt | cut -d, -f1)" = "u16be.txt: UTF-16BE" ] &&
   [ "$(zhfix --detect notu16.txt | cut -d, -f1)" = "notu16.txt: UTF-8" ]; then
  ok "short UTF-16 without a byte order mark; abc FF FE 中 is UTF-8 with invalid bytes"
else
  not_ok "short UTF-16: $(zhfix --detect u16.txt) / $(zhfix --detect u16be.txt) / $(zhfix --detect notu16.txt)"
fi
# -o onto a symbolic link writes the file it points to and keeps the link.
echo old >otarget.txt
ln -s otarget.txt olink.txt
if printf '中文\n' | zhfix -o olink.txt && [ -L olink.txt ] && [ "$(cat otarget.txt)" = "中文" ]; then
  ok "-o on a symbolic link: the link stays, its file is written"
else
  not_ok "-o on a symbolic link: $(ls -l olink.txt)"
fi
# Latin text with a stray high byte is not GBK: its bytes stay (a GBK reading
# ate the letter after it: Le r\xE9gime became Le r間ime).
for x in 'Le r\351gime politique fran\347ais' 'PATH=/usr/s\344bin:/sbin' 'set \376noswapfile'; do
  printf "$x\n" >glued.txt
  if zhfix glued.txt 2>/dev/null | cmp -s - glued.txt; then ok "stray byte in Latin text kept: $x"; else not_ok "stray byte in Latin text: $x"; fi
done
