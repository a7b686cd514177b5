#!/bin/sh
# The fast conversion engine against libopencc, side by side in one run (a
# benchmark, not a test; the machine may be shared, so every figure is the
# best of several runs):
#   - the conversion stage alone: tests/opencc/opencc_diff --bench (the same
#     lines in memory through each engine, CPU seconds), for t2s, s2t and
#     s2twp on modern and classical text (SIZE_MB each), REPEAT runs, the best
#     MB/s of each engine kept and the ratio of the bests printed;
#   - start-up on an empty input, zhfix -t CONFIG </dev/null, for every config
#     of Debian's opencc package, and zhfix -R </dev/null (no conversion) for
#     reference: wall time of the process, best of 20;
#   - peak RSS (GNU time's %M) of zhfix -R -t CONFIG over the modern text.
# Inputs as in bench/convert.sh: modern = debian-reference-zh-cn and -zh-tw
# (apt-get download, tags stripped; GPL: never kept), classical = fortunes-zh's
# tang300 and song100 and OpenCC's zuozhuan.txt; MODERN=FILE skips the download.
# Needs: opencc, fortunes-zh, time, python3.
# Usage: bench/engine.sh [BUILDDIR] [SIZE_MB] [REPEAT]
set -eu
build=$(cd "${1:-.}" && pwd)
SIZE_MB=${2:-5}
REPEAT=${3:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
zhfix=$build/zhfix
tool=$build/tests/opencc/opencc_diff
if [ -x "$build/.libs/zhfix" ]; then
  zhfix=$build/.libs/zhfix
  LD_LIBRARY_PATH=$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
fi
refs=${ZHFIX_OPENCC_REFS:-$src/../shared/refs/opencc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
[ -x "$tool" ] || { echo "build $tool first: make tests/opencc/opencc_diff" >&2; exit 2; }

if [ -n "${MODERN:-}" ]; then
  cp "$MODERN" "$tmp/modern"
else
  mkdir "$tmp/deb" "$tmp/x"
  (cd "$tmp/deb" && apt-get download debian-reference-zh-cn debian-reference-zh-tw >/dev/null 2>&1) ||
    { echo "apt-get download failed; set MODERN=FILE" >&2; exit 2; }
  for d in "$tmp"/deb/*.deb; do dpkg -x "$d" "$tmp/x"; done
  for l in zh-cn zh-tw; do
    find "$tmp/x" -name '*.html' -path "*$l*" | sort | xargs cat | sed 's/<[^>]*>//g'
  done | grep -v '^[[:space:]]*$' >"$tmp/modern"
  rm -rf "$tmp/deb" "$tmp/x"
fi
cat /usr/share/games/fortunes/tang300 /usr/share/games/fortunes/song100 |
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$tmp/classical"
[ -f "$refs/benchmark/zuozhuan.txt" ] && cat "$refs/benchmark/zuozhuan.txt" >>"$tmp/classical"
for f in modern classical; do
  cp "$tmp/$f" "$tmp/one"
  while [ "$(wc -c <"$tmp/$f")" -lt $((SIZE_MB * 1000000)) ]; do cat "$tmp/one" >>"$tmp/$f"; done
  head -c $((SIZE_MB * 1000000)) "$tmp/$f" | sed '$d' >"$tmp/one" && mv "$tmp/one" "$tmp/$f"
done

echo "zhfix fast engine vs libopencc; best of $REPEAT (stage) / 20 (start-up); shared machine" \
  "($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)): rough figures"
echo
echo "== conversion stage alone (opencc_diff --bench, CPU time, $SIZE_MB MB each)"
for f in modern classical; do
  for c in t2s s2t s2twp; do
    i=0
    while [ $i -lt "$REPEAT" ]; do
      "$tool" --bench "$c" "$tmp/$f"
      i=$((i + 1))
    done | awk -v f="$f" -v c="$c" '{
      for (i = 1; i <= NF; i++) {
        if ($i == "fast") { v = $(i + 1) + 0; if (v > fast) fast = v }
        if ($i == "libopencc") { v = $(i + 1) + 0; if (v > ref) ref = v }
      } }
      END { printf "  %-10s %-6s fast %7.1f MB/s  libopencc %5.2f MB/s  ratio %5.1f\n", f, c, fast, ref, fast / ref }'
  done
done

echo
echo "== start-up on an empty input (wall, best of 20) and peak RSS over the modern text"
python3 - "$zhfix" "$tmp/modern" <<'PY'
import subprocess, sys, time
zhfix, modern = sys.argv[1], sys.argv[2]
def best(args, n=20):
    b = 1e9
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        b = min(b, time.perf_counter() - t0)
    return b * 1000
def rss(args):
    with open(modern, "rb") as fh:
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, stdin=fh,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return int(r.stderr.split()[-1]) / 1024
print("  %-28s %6.1f ms" % ("zhfix -R (no conversion)", best([zhfix, "-R"])))
for c in "s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s t2tw tw2t t2hk hk2t t2jp jp2t".split():
    print("  %-28s %6.1f ms   zhfix -R -t %-6s %6.1f MB RSS" % (
        "zhfix -t " + c, best([zhfix, "-t", c]), c, rss([zhfix, "-R", "-t", c])))
PY
