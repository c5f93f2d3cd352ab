# test/lib/suite.sh: what makes a test/integration/*.sh file a command of
# its own.  Source it, define the test functions, then call
#
#   suite_run NAME BODY [START_ALL ENV...]
#
# which installs packages (unless RDS_COPY_SKIP_APT=1), builds and installs
# the extension (unless RDS_COPY_SKIP_BUILD=1), starts the stand-in, the
# fake credential sources and a throwaway cluster (test/lib/harness.sh),
# creates the extension in database postgres, runs BODY (which calls
# run_test for each test function), prints "N passed, M failed" as its
# last line and exits 1 if anything failed.  A setup step that fails, or
# anything that ends the suite early, is one more failure, still counted
# and printed.
# shellcheck shell=bash

# shellcheck source=harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

SUITE_NAME=
SUITE_DONE=0

suite_on_exit() {
	local rc=$1
	if [ "$SUITE_DONE" != 1 ]; then
		fail "$SUITE_NAME: ended early (exit $rc) before all its tests ran"
		assert_summary || true
		rc=1
	fi
	rm -f "$ASSERT_RESULTS"
	return "$rc"
}

suite_run() {
	SUITE_NAME=$1
	local body=$2
	shift 2
	ASSERT_RESULTS=$(mktemp /tmp/rds_copy_asserts.XXXXXX)
	EXIT_HOOK=suite_on_exit
	trap harness_exit EXIT
	prepare_build
	start_all "$@"
	sql --stop -c 'CREATE EXTENSION IF NOT EXISTS rds_copy' >/dev/null
	say "$SUITE_NAME"
	"$body"
	SUITE_DONE=1
	if assert_summary; then exit 0; else exit 1; fi
}
