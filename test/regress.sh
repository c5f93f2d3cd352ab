#!/usr/bin/env bash
# test/regress.sh: the pg_regress tests (test/sql/*.sql against
# expected/*.out, the REGRESS list of the Makefile) against a throwaway
# cluster, the stand-in and the fake credential sources.
#
#   bash test/regress.sh      (as root; RDS_COPY_SKIP_APT=1, RDS_COPY_SKIP_BUILD=1
#                              skip those steps)
#
# Counts per test file: a file whose output matches is one passed check, one
# that differs is one failed check (the diffs are printed).  Ends with
# "N passed, M failed"; exits 1 if anything failed or pg_regress itself did.

source "$(dirname "${BASH_SOURCE[0]}")/lib/harness.sh"

prepare_build
start_all

say "pg_regress"
rm -rf "$REPO/results" "$REPO/regression.diffs" "$REPO/regression.out"
rc=0
# a statement that hangs (a wait that never ends) fails its test instead of
# the whole run: no statement of these files needs more than a few seconds
PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=120s" \
	make -C "$REPO" -s installcheck >"$WORK/regress.out" 2>&1 || rc=$?
cat "$WORK/regress.out" >&2
# PostgreSQL 15 prints "test NAME ... ok" / "... FAILED"; 16 and later print
# TAP lines, "ok N - NAME" / "not ok N - NAME" ("+" for a parallel group)
passed=$(grep -cE '^(test | +)?[a-z_0-9]+ +\.\.\. ok|^ok [0-9]+ +[-+] +[a-z_0-9]+ ' "$WORK/regress.out" || true)
failed=$(grep -cE '\.\.\. FAILED|^not ok [0-9]+ +[-+] +[a-z_0-9]+ ' "$WORK/regress.out" || true)
if [ "$rc" != 0 ]; then
	[ -f "$REPO/regression.diffs" ] && head -n 200 "$REPO/regression.diffs" >&2
	# pg_regress failed without naming a test (it could not start, or crashed)
	[ "$failed" -gt 0 ] || failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
