#!/usr/bin/env bash
# test/lib/selftest_runner.sh: the accounting of test/lib/runner.sh, on fake
# suites (a few seconds, nothing to install):
#
#   bash test/lib/selftest_runner.sh      (also: bash test/run_all.sh selftest)
#
# Feeds run_suite and run_binaries_suite suites that pass, fail a check,
# crash, print nothing, exit non-zero after "0 failed", or do not exist,
# and a sanitizer run with one binary that is not clean, all under
# set -euo pipefail, then checks every per-suite count, the total, the last
# line and the exit status of runner_report.  Ends with "N passed, M failed".

set -euo pipefail
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$LIB/assert.sh"
ASSERT_RESULTS=$(mktemp /tmp/rds_copy_asserts.XXXXXX)
RUNNER_DIR=$(mktemp -d /tmp/rds_copy_runner.XXXXXX)
trap 'rm -rf "$RUNNER_DIR" "$ASSERT_RESULTS"' EXIT

# run the runner in a subshell (as run_all.sh would, with set -euo pipefail)
# on the suites given as "kind|name|shell code" lines; prints its report and
# "exit N"
report_of() {
	(
		set -euo pipefail
		RUNNER_DIR=$(mktemp -d "$RUNNER_DIR/r.XXXXXX")
		source "$LIB/runner.sh"
		while IFS='|' read -r kind name code; do
			[ -n "$kind" ] || continue
			"$kind" "$name" bash -c "$code"
		done
		rc=0
		runner_report || rc=$?
		echo "exit $rc"
	) 2>/dev/null
}

SAN_OUTPUT='echo "--- test_a"; echo "5 passed, 0 failed"; echo "test_a: 0.10 s"
echo "--- test_b"; echo "==1==WARNING: AddressSanitizer failed to allocate 0x8000000000000000 bytes"; echo "==1==ERROR: AddressSanitizer: heap-use-after-free"; echo "test_b: exited with status 1 without a summary line"
echo "--- test_c"; echo "==1==WARNING: AddressSanitizer failed to allocate 0x8000000000000000 bytes"; echo "7 passed, 0 failed"; echo "test_c: 0.20 s"
echo "12 passed, 1 failed"; exit 1'

out=$(report_of <<EOF2
run_suite|good|echo "ok"; echo "3 passed, 0 failed"
run_suite|one-failed|echo "2 passed, 1 failed"; exit 1
run_suite|crash|echo "1 passed, 0 failed so far"; kill -SEGV \$\$
run_suite|silent|exit 0
run_suite|liar|echo "5 passed, 0 failed"; exit 3
run_suite|missing|exec /nonexistent/suite
run_binaries_suite|sanitizers|$(printf '%s' "$SAN_OUTPUT" | tr '\n' ';')
EOF2
)
printf '%s\n' "$out" >&2

line_of() { printf '%s\n' "$out" | grep -E "^$1: " || true; }
expect_match "a passing suite counts its checks" '^good: +3 passed, +0 failed' "$(line_of good)"
expect_match "a failed check counts" '^one-failed: +2 passed, +1 failed' "$(line_of one-failed)"
expect_match "a crash is one failure" '^crash: +0 passed, +1 failed.*printed no result line, exit 139' "$(line_of crash)"
expect_match "no result line is one failure" '^silent: +0 passed, +1 failed.*printed no result line, exit 0' "$(line_of silent)"
expect_match "a non-zero exit with 0 failed is one failure" '^liar: +5 passed, +1 failed.*exit 3 with 0 failed' "$(line_of liar)"
expect_match "a suite that cannot start is one failure" '^missing: +0 passed, +1 failed' "$(line_of missing)"
expect_match "the sanitizer run counts binaries: 2 clean, 1 not" \
	'^sanitizers: +2 passed, +1 failed.*2 of 3 binaries clean; not clean: test_b\)' "$(line_of sanitizers)"
expect_equal "the total is the sum, alone on the second-to-last line" "12 passed, 6 failed" \
	"$(printf '%s\n' "$out" | tail -n 2 | head -n 1)"
expect_equal "runner_report fails when anything failed" "exit 1" "$(printf '%s\n' "$out" | tail -n 1)"
expect_equal "later suites still ran after the crash" 7 "$(printf '%s\n' "$out" | grep -cE '^[a-z-]+: +[0-9]+ passed')"

out=$(report_of <<'EOF2'
run_suite|a|echo "4 passed, 0 failed"
run_binaries_suite|b|echo "--- t"; echo "1 passed, 0 failed"; echo "t: 0.01 s"; echo "1 passed, 0 failed"
EOF2
)
expect_equal "all clean: the total" "5 passed, 0 failed" "$(printf '%s\n' "$out" | tail -n 2 | head -n 1)"
expect_equal "all clean: runner_report succeeds" "exit 0" "$(printf '%s\n' "$out" | tail -n 1)"

out=$(report_of <<'EOF2'
run_binaries_suite|nothing|echo "make: *** [Makefile:1: build/test_x] Error 1"; exit 2
EOF2
)
expect_match "a sanitizer run that built nothing is one failure" '^nothing: +0 passed, +1 failed.*no test binary ran' "$out"

out=$(RDS_COPY_TEST_SELFCHECK_BREAK=good:crash report_of <<'EOF2'
run_suite|good|echo "3 passed, 0 failed"
run_suite|next|echo "1 passed, 0 failed"
EOF2
)
expect_match "RDS_COPY_TEST_SELFCHECK_BREAK crashes the named suite" '^good: +0 passed, +1 failed' "$out"
expect_equal "... and the run goes on" "1 passed, 1 failed" "$(printf '%s\n' "$out" | tail -n 2 | head -n 1)"

assert_summary
