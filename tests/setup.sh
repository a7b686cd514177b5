# Shared setup for the shell tests (sourced): strict mode, C locale, a temporary
# directory removed on exit, $ZHFIX (the built CLI, run under $VALGRIND if set),
# and TAP helpers. A test that cannot run prints "1..0 # SKIP reason".
set -eu
export LC_ALL=C
: "${ZHFIX:?ZHFIX must name the zhfix binary (make check sets it)}"
: "${ZHFIX_SRCDIR:?ZHFIX_SRCDIR must name the source tree (make check sets it)}"
VALGRIND=${VALGRIND:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tap_n=0
zhfix() { $VALGRIND "$ZHFIX" "$@"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
