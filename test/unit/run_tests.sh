#!/bin/sh
# run_tests.sh COMMAND...
#	Run each test command (a binary with its arguments, as one word), show
#	its output, and add up the "N passed, M failed" lines the binaries end
#	with.  A binary that exits non-zero, or ends without such a line
#	(a crash, a sanitizer report), counts as one more failure.  The last
#	line printed is the total, "N passed, M failed"; the exit status is 0
#	only if nothing failed.

# Signing must use UTC whatever the zone: run in one that is not UTC (a
# POSIX TZ string, so no tzdata is needed).
TZ=XST-5:30
export TZ

total_passed=0
total_failed=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT

for cmd in "$@"; do
	name=${cmd%% *}
	name=${name##*/}
	echo "--- $name"
	start=$(date +%s.%N)
	sh -c "$cmd" >"$out" 2>&1
	rc=$?
	end=$(date +%s.%N)
	cat "$out"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "$name: exited with status $rc without a summary line"
		total_failed=$((total_failed + 1))
		continue
	fi
	passed=${summary%% passed,*}
	failed=${summary#* passed, }
	failed=${failed% failed}
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		echo "$name: exited with status $rc"
		total_failed=$((total_failed + 1))
	fi
	awk -v s="$start" -v e="$end" -v n="$name" \
		'BEGIN { printf "%s: %.2f s\n", n, e - s }'
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
