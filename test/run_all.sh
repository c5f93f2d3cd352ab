#!/usr/bin/env bash
# test/run_all.sh: build everything and run every test, on a fresh Debian 12
# machine, as root.  This is the README's test command and what .ci/run runs.
#
#   bash test/run_all.sh [LAYER ...]     (no LAYER: all seven, in this order)
#
#   unit         C unit tests of the pure code (signing, encoding, parsing),
#                plain and under AddressSanitizer/UBSan, including a
#                cross-check of the signer against botocore on generated
#                requests (make -C test/unit check [SAN=1])
#   fuzz         libFuzzer targets of the same pure code (test/fuzz/), 15 s
#                each, after replaying every input that once failed
#   standin      the stand-ins' own self-tests (botocore as the client)
#   regress      pg_regress against a throwaway cluster and the stand-ins
#                (test/regress.sh)
#   integration  test/integration/{basic,credentials,credential_retries,robustness,workflow,
#                wait_events,nightly,roles}.sh: real backends (credential
#                sources, cancels, faults, two sessions on one target, load),
#                the backup workflows (queue workers, crash recovery,
#                retention, audit, pg_cron), the README's nightly workflow as
#                printed, and many roles in one database (row ownership, the
#                database owner against the workers, the 1.0 -> 1.1 update)
#   selftest     test/lib/selftest_runner.sh: the runner's own accounting on
#                fake suites that pass, fail, crash or print nothing (2 s)
#   matrix       test/matrix.sh, last: PostgreSQL 15, 17 and 18, each in a
#                Debian root (bookworm, trixie, unstable) kept in
#                /var/cache/rds_copy-roots: build with no warning, unit,
#                pg_regress, the demo, the workflow, wait_events and roles
#                suites, the Debian package, and the demo against the
#                installed .deb in a clean root (docs/install.md); counted as
#                one suite with the matrix's own total
#
# Every suite runs as a command of its own (a crash, an abort or a missing
# result line is counted as a failure and the run goes on); see
# test/lib/runner.sh.  It prints one line per suite (passed, failed,
# seconds) and ends with one line "N passed, M failed" (the sanitizer rerun
# of the unit tests counts one check per test binary); the exit status is
# non-zero iff M > 0.  RDS_COPY_SKIP_APT=1 skips apt, RDS_COPY_SKIP_BUILD=1
# the build of the extension.

source "$(dirname "$0")/lib/harness.sh"
source "$REPO/test/lib/runner.sh"
trap 'rm -rf "$RUNNER_DIR"; if [ "${PG_TREE_MINE:-0}" = 1 ]; then rm -rf "$PG_TREE"; fi' EXIT

ALL_LAYERS=(selftest unit fuzz standin regress integration matrix)
INTEGRATION_SUITES=(basic credentials credential_retries sdk_credentials secrets robustness workflow wait_events nightly roles docs fleet)

layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=("${ALL_LAYERS[@]}")
for layer in "${layers[@]}"; do
	case $layer in
		unit | fuzz | standin | regress | integration | selftest | matrix) ;;
		*)
			echo "run_all.sh: unknown layer '$layer' (layers: ${ALL_LAYERS[*]})" >&2
			exit 2
			;;
	esac
done

install_packages
if [ "${RDS_COPY_SKIP_BUILD:-0}" != 1 ] && grep -qxE 'regress|integration' < <(printf '%s\n' "${layers[@]}"); then
	build_and_install
fi
# the suites below are commands of their own: the packages and the build are done
export RDS_COPY_SKIP_APT=1 RDS_COPY_SKIP_BUILD=1

for layer in "${layers[@]}"; do
	case $layer in
		unit)
			run_suite "unit" make -C "$REPO/test/unit" -s check
			run_binaries_suite "unit (sanitizers)" make -C "$REPO/test/unit" -s check SAN=1
			;;
		fuzz)
			run_suite "fuzz" make -C "$REPO/test/fuzz" -s run SECONDS=15
			;;
		standin)
			run_suite "standin" "$PYTHON" "$REPO/test/standin/selftest.py"
			run_suite "standin (credential fakes)" "$PYTHON" "$REPO/test/standin/selftest_credentials.py"
			;;
		regress)
			run_suite "regress" bash "$REPO/test/regress.sh"
			;;
		integration)
			for suite in "${INTEGRATION_SUITES[@]}"; do
				run_suite "integration/$suite" bash "$REPO/test/integration/$suite.sh"
			done
			;;
		selftest)
			run_suite "selftest (runner)" bash "$REPO/test/lib/selftest_runner.sh"
			;;
		matrix)
			run_suite "matrix (15, 17, 18)" bash "$REPO/test/matrix.sh"
			;;
	esac
done

runner_report
