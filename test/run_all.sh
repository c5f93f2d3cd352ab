#!/usr/bin/env bash
# test/run_all.sh: build everything and run every test, on a fresh Debian 12
# machine, as root.  This is the README's test command and what .ci/run runs.
#
#   1. C unit tests of the pure code (signing, encoding, parsing), plain and
#      under AddressSanitizer/UBSan, including a cross-check of the signer
#      against botocore on generated requests
#   2. libFuzzer targets of the same pure code (test/fuzz/), 15 s each,
#      after replaying every input that once failed
#   3. the stand-ins' own self-tests (botocore as the client)
#   4. pg_regress against a throwaway cluster and the stand-ins
#   5. integration tests driving real backends (credential sources,
#      cancels, faults, two sessions on one target, load), and the backup
#      workflows: the copy queue's background workers, crash recovery,
#      retention, the audit trail, pg_cron (test/integration_workflow.sh),
#      and the README's nightly workflow as printed (test/integration_nightly.sh)
# It ends with one line "N passed, M failed".
source "$(dirname "$0")/lib.sh"

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); say "ok: $*"; }
fail() { FAILED=$((FAILED + 1)); say "FAILED: $*"; }

# Run a suite whose last line is "N passed, M failed"; add its counts.
count_suite() {
	local name=$1 out line
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	printf '%s\n' "$out" | tail -n 15 >&2
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		fail "$name printed no result line (exit $rc)"
		return
	fi
	PASSED=$((PASSED + $(echo "$line" | cut -d' ' -f1)))
	FAILED=$((FAILED + $(echo "$line" | cut -d' ' -f3)))
	[ "$rc" = 0 ] || fail "$name exited with $rc"
}

install_packages
build_and_install

say "C unit tests"
count_suite "unit tests" make -C "$REPO/test/unit" -s check
say "C unit tests under ASan/UBSan"
count_suite "unit tests (sanitizers)" make -C "$REPO/test/unit" -s check SAN=1

say "libFuzzer targets (15 s each)"
count_suite "fuzzing" make -C "$REPO/test/fuzz" -s run SECONDS=15

say "stand-in self-tests"
count_suite "stand-in self-test" "$PYTHON" "$REPO/test/standin/selftest.py"
count_suite "credential fakes self-test" "$PYTHON" "$REPO/test/standin/selftest_credentials.py"

start_standin
start_fakes
write_credentials
start_cluster

say "pg_regress"
rm -rf "$REPO/results" "$REPO/regression.diffs" "$REPO/regression.out"
if make -C "$REPO" -s installcheck >"$WORK/regress.out" 2>&1; then
	n=$(grep -cE '^ok |^test .* \.\.\. ok' "$WORK/regress.out" || true)
	[ "$n" -gt 0 ] || n=$(grep -cE ' ok ' "$WORK/regress.out")
	PASSED=$((PASSED + n))
	say "pg_regress: $n tests passed"
else
	cat "$WORK/regress.out" >&2
	[ -f "$REPO/regression.diffs" ] && head -n 200 "$REPO/regression.diffs" >&2
	fail "pg_regress"
fi

say "integration tests"
source "$REPO/test/integration.sh"
run_integration_tests
source "$REPO/test/integration_credentials.sh"
run_credentials_tests
source "$REPO/test/integration_robustness.sh"
run_robustness_tests
source "$REPO/test/integration_workflow.sh"
run_workflow_tests
source "$REPO/test/integration_nightly.sh"
run_nightly_tests

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
