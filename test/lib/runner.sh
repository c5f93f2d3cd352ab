# test/lib/runner.sh: how test/run_all.sh runs suites and counts them.
# Sourced by test/run_all.sh and test/lib/selftest_runner.sh; works under
# set -euo pipefail (nothing here ends the caller: a suite that fails,
# crashes or prints nothing is counted and the run goes on).
#
#   run_suite NAME COMMAND...
#       runs COMMAND, output in $RUNNER_DIR/NAME.out (the last lines and
#       every failed check's line are shown); its last "N passed, M failed" line is its count.  No such
#       line (a crash, an abort, a missing command): 0 passed, 1 failed.
#       A non-zero exit with "0 failed": one more failure.
#   run_binaries_suite NAME COMMAND...
#       for test/unit's "make check SAN=1": the same tests again under
#       sanitizers, so each test binary counts once (clean or not) instead
#       of adding its checks a second time.  Reads test/unit/run_tests.sh's
#       output: a "--- BINARY" line opens a binary's block, which ends at
#       its "BINARY: T s" line; a block with a non-zero "M failed", "exited
#       with status", "without a summary line" or a sanitizer report is a
#       binary that is not clean.
#   runner_report
#       prints one line per suite (name: passed, failed, seconds), then
#       "N passed, M failed" alone as the very last line; status 1 if M > 0.
#
# RDS_COPY_TEST_SELFCHECK_BREAK=NAME:MODE (MODE fail, crash or silent)
# replaces suite NAME's command with one that fails a check, dies of
# SIGSEGV, or exits 0 without printing a count: to see the run go on and
# count it (e.g. RDS_COPY_TEST_SELFCHECK_BREAK='integration/basic:crash').
# shellcheck shell=bash

RUNNER_DIR=${RUNNER_DIR:-$(mktemp -d /tmp/rds_copy_runner.XXXXXX)}
RUNNER_PASSED=0
RUNNER_FAILED=0
RUNNER_LINES=()

# the file name for suite NAME's output
runner_file() {
	printf '%s/%s.out' "$RUNNER_DIR" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_')"
}

# run COMMAND (or its SELFCHECK_BREAK replacement) into FILE; prints the exit status
runner_exec() {
	local name=$1 file=$2 rc=0 brk=${RDS_COPY_TEST_SELFCHECK_BREAK:-}
	shift 2
	if [ -n "$brk" ] && [ "${brk%:*}" = "$name" ]; then
		case ${brk##*:} in
			fail) set -- bash -c 'echo "selfcheck: one check made to fail"; echo "0 passed, 1 failed"; exit 1' ;;
			crash) set -- bash -c 'echo "selfcheck: dying of SIGSEGV"; kill -SEGV $$' ;;
			silent) set -- bash -c 'exit 0' ;;
		esac
		printf '== selfcheck: %s replaced (%s)\n' "$name" "${brk##*:}" >&2
	fi
	"$@" >"$file" 2>&1 </dev/null || rc=$?
	echo "$rc"
}

runner_record() {
	local name=$1 p=$2 f=$3 seconds=$4 note=$5
	RUNNER_PASSED=$((RUNNER_PASSED + p))
	RUNNER_FAILED=$((RUNNER_FAILED + f))
	RUNNER_LINES+=("$(printf '%-30s %6s passed, %3s failed, %5s s%s' "$name:" "$p" "$f" "$seconds" "${note:+  ($note)}")")
	printf '== %s\n' "${RUNNER_LINES[-1]}" >&2
}

# Run suite NAME's COMMAND into its file and show its last lines and every
# failed check's line; sets file, rc and start (the caller's locals).
runner_run() {
	local name=$1
	shift
	file=$(runner_file "$name")
	start=$SECONDS
	printf '== running %s\n' "$name" >&2
	rc=$(runner_exec "$name" "$file" "$@")
	tail -n 15 "$file" >&2 || true
	# every failed check of the suite, also those above the last lines
	grep -E '^== FAILED|^FAIL |\.\.\. FAILED' "$file" | head -n 40 | sed 's/^/   /' >&2 || true
}

run_suite() {
	local name=$1 file rc start line p=0 f=0 note=
	runner_run "$@"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$file" | tail -n 1 || true)
	if [ -z "$line" ]; then
		f=1
		note="printed no result line, exit $rc"
	else
		p=${line%% passed,*}
		f=${line#* passed, }
		f=${f% failed}
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			f=1
			note="exit $rc with 0 failed"
		fi
	fi
	runner_record "$name" "$p" "$f" $((SECONDS - start)) "$note"
}

run_binaries_suite() {
	local name=$1 file rc start verdicts total bad p f note=
	runner_run "$@"
	verdicts=$(awk '
		/^--- / { if (open) print bin, bad; bin = $2; bad = 0; open = 1; next }
		!open { next }
		$0 == bin ": exited with status " $NF || /without a summary line/ { bad = 1 }
		/^[0-9]+ passed, [0-9]+ failed$/ && $3 + 0 > 0 { bad = 1 }
		/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/ { bad = 1 }
		index($0, bin ": ") == 1 && / s$/ { print bin, bad; open = 0 }
		END { if (open) print bin, bad }' "$file" || true)
	total=$(printf '%s\n' "$verdicts" | grep -c . || true)
	bad=$(printf '%s\n' "$verdicts" | grep -c ' 1$' || true)
	p=$((total - bad))
	f=$bad
	if [ "$total" = 0 ]; then
		f=1
		note="no test binary ran, exit $rc"
	elif [ "$rc" != 0 ] && [ "$bad" = 0 ]; then
		f=1
		note="exit $rc with every binary clean"
	else
		note="$p of $total binaries clean"
		[ "$bad" = 0 ] || note="$note; not clean: $(printf '%s\n' "$verdicts" | awk '$2 == 1 { printf "%s%s", sep, $1; sep = " " }')"
	fi
	runner_record "$name" "$p" "$f" $((SECONDS - start)) "$note"
}

runner_report() {
	local l
	echo "== summary (each line: passed and failed checks of one suite; the sanitizer rerun counts binaries)"
	for l in "${RUNNER_LINES[@]}"; do
		echo "$l"
	done
	echo "$RUNNER_PASSED passed, $RUNNER_FAILED failed"
	[ "$RUNNER_FAILED" = 0 ]
}
