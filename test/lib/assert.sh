# test/lib/assert.sh: the assertions every shell suite uses, and its count.
#
#   pass NAME                     count a check that passed
#   fail NAME: WHY                count a check that failed
#   check NAME COMMAND...         pass when COMMAND succeeds, else fail
#   expect_equal NAME EXPECTED GOT
#   expect_match NAME REGEX TEXT  (grep -E, multi-line TEXT: any line; TEXT
#                                 goes in as a here-string, never through a
#                                 pipe: under pipefail, grep -q leaving early
#                                 made printf's SIGPIPE a false "no match")
#   expect_no_match NAME REGEX TEXT
#   expect_le NAME LIMIT VALUE    integers; an empty or non-numeric VALUE fails
#   run_test FUNCTION             run a test function in a subshell with
#                                 set -euo pipefail: a command that fails
#                                 unexpectedly ends that function only, and
#                                 counts as one failed check
#   assert_summary                print "N passed, M failed"; status 1 if M > 0
#
# Results go to the file $ASSERT_RESULTS (created on first use), so checks
# made in subshells and background jobs count too.
# shellcheck shell=bash

ASSERT_RESULTS=${ASSERT_RESULTS:-}

assert_record() {
	if [ -z "$ASSERT_RESULTS" ]; then
		ASSERT_RESULTS=$(mktemp /tmp/rds_copy_asserts.XXXXXX)
	fi
	printf '%s\n' "$1" >>"$ASSERT_RESULTS"
}

pass() { assert_record ok; printf '== ok: %s\n' "$*" >&2; }
fail() { assert_record FAILED; printf '== FAILED: %s\n' "$*" >&2; }

check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name: '$*' failed"; fi
}

expect_equal() {
	local name=$1 expected=$2 got=$3
	if [ "$got" = "$expected" ]; then pass "$name"; else fail "$name: expected '$expected', got '$got'"; fi
}

expect_match() {
	local name=$1 pattern=$2 text=$3
	if grep -qE -- "$pattern" <<<"$text"; then
		pass "$name"
	else
		fail "$name: expected /$pattern/, got: $text"
	fi
}

expect_no_match() {
	local name=$1 pattern=$2 text=$3
	if grep -qE -- "$pattern" <<<"$text"; then
		fail "$name: /$pattern/ found in: $text"
	else
		pass "$name"
	fi
}

expect_le() {
	local name=$1 limit=$2 value=$3
	case $value in
		'' | *[!0-9]*) fail "$name: not measured ('$value')" ;;
		*) if [ "$value" -le "$limit" ]; then pass "$name ($value <= $limit)"; else fail "$name: $value > $limit"; fi ;;
	esac
}

run_test() {
	local rc
	printf '== %s\n' "$1" >&2
	set +e
	(
		set -euo pipefail
		"$@"
	)
	rc=$?
	set -e
	[ "$rc" = 0 ] || fail "$1 ended early (exit $rc): an unguarded command failed"
}

assert_counts() {
	local p=0 f=0
	if [ -n "$ASSERT_RESULTS" ] && [ -f "$ASSERT_RESULTS" ]; then
		p=$(grep -c '^ok$' "$ASSERT_RESULTS" || true)
		f=$(grep -c '^FAILED$' "$ASSERT_RESULTS" || true)
	fi
	echo "$p $f"
}

assert_summary() {
	local p f
	read -r p f <<<"$(assert_counts)"
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
}
