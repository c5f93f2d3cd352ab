#!/usr/bin/env bash
# test/fuzz/run.sh SECONDS TARGET...  (what `make run` calls; build first)
#
# For each target: replay every file of regressions/<target>/ (inputs that
# once failed), then fuzz for SECONDS seconds on a copy of corpus/<target>/
# with <target>.dict when there is one.  Everything is written under a
# temp dir, never here; it is kept (and its path printed) when a target
# fails, with the crashing input in <tmp>/<target>/artifacts/.  Prints one
# line per target and "N passed, M failed"; exits 1 when any failed.
#
# (The time is called secs here: SECONDS is a special variable in bash.)

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
secs=$1
shift
case $secs in
	'' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d /tmp/rds_copy_fuzz.XXXXXX)
passed=0
failed=0

# per-target libFuzzer options
extra_options() {
	case $1 in
		fuzz_xml) echo -max_len=16384 ;;
		fuzz_credjson | fuzz_credsso | fuzz_credfile | fuzz_credprocess) echo -max_len=4096 ;;
		*) echo -max_len=1024 ;;
	esac
}

# the failed invariant or sanitizer report in a log, shortened, for the summary
show_failure() {
	awk '/^==[0-9]+== ?ERROR|runtime error|invariant does not hold|timeout after/ { on = 1 }
		on && /^ *#[0-9]+ / && / in (fuzzer::|__sanitizer|__libc_start|_start |raise |abort |__pthread_kill|main )/ { next }
		on && /^ *#[0-9]+ 0x[0-9a-f]+ +\(/ { next }
		on { print "    " $0; n++ }
		on && /^SUMMARY:/ { exit }
		n >= 25 { exit }' "$1"
}

for t in "$@"; do
	bin=$here/build/$t
	work=$tmp/$t
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ ! -x "$bin" ]; then
		echo "$t: FAILED: $bin is not built"
		failed=$((failed + 1))
		continue
	fi
	if [ -d "$here/corpus/$t" ]; then
		cp "$here/corpus/$t"/* "$work/corpus/" 2>/dev/null
	fi
	common=(-artifact_prefix="$work/artifacts/" -timeout=10 -rss_limit_mb=2048 $(extra_options "$t"))
	[ -f "$here/$t.dict" ] && common+=(-dict="$here/$t.dict")
	ok=1
	why=

	# 1. the regressions: every one must run clean
	regs=()
	if [ -d "$here/regressions/$t" ]; then
		while IFS= read -r -d '' f; do
			regs+=("$f")
		done < <(find "$here/regressions/$t" -type f ! -name 'README*' ! -name '.*' -print0 | sort -z)
	fi
	bad_regs=()
	for f in ${regs[@]+"${regs[@]}"}; do
		log=$work/regression-$(basename "$f").log
		if ! "$bin" "${common[@]}" "$f" >"$log" 2>&1; then
			[ ${#bad_regs[@]} = 0 ] && show_failure "$log"
			bad_regs+=("${f#$here/}")
		fi
	done
	if [ ${#bad_regs[@]} -gt 0 ]; then
		ok=0
		why="${#bad_regs[@]} regression(s) fail again: ${bad_regs[*]} (logs: $work/regression-*.log)"
	fi

	# 2. fuzzing
	start=$(date +%s)
	"$bin" "${common[@]}" -max_total_time="$secs" -print_final_stats=1 \
		"$work/corpus" >"$work/fuzz.log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$rc" != 0 ]; then
		ok=0
		crash=$(ls "$work/artifacts" 2>/dev/null | head -n 1)
		why="${why:+$why; }fuzzing stopped with exit $rc${crash:+, input $work/artifacts/$crash} (log: $work/fuzz.log)"
		show_failure "$work/fuzz.log"
	fi
	summary="${execs:-?} execs in ${elapsed} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, ${#regs[@]} regression(s) replayed"
	if [ "$ok" = 1 ]; then
		echo "$t: ok: $summary"
		passed=$((passed + 1))
	else
		echo "$t: FAILED: $summary; $why"
		failed=$((failed + 1))
	fi
done

if [ "$failed" = 0 ]; then
	rm -rf "$tmp"
else
	rm -rf "$tmp"/*/corpus		# keep the logs and crashing inputs only
	echo "kept $tmp; copy a crashing input to test/fuzz/regressions/<target>/ to replay it on every run"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
