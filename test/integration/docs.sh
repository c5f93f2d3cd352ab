#!/usr/bin/env bash
# test/integration/docs.sh: the documentation is run and compared with the
# code (test/docs/doctest.py):
#   - every ```sql block of README.md and docs/*.md runs against the
#     stand-in as the role its marker names (superuser, the backup role of
#     the README's grants, the admin's member), and a block marked to fail
#     fails with its SQLSTATE: the examples cannot rot, and the grants are
#     enough for them;
#   - every function the README grants the backup role is used by a block
#     that runs as that role (the grants are no larger than the examples);
#   - the settings table of docs/settings.md against pg_settings (name,
#     type, default, unit, range, context);
#   - the error tables of docs/errors.md against the AWS-code table
#     (test_awscodes --list) and every SQLSTATE raised in src/.
#
#   bash test/integration/docs.sh   (as root; RDS_COPY_SKIP_APT=1,
#                                    RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster with pg_cron
# (test/lib/suite.sh); ends with "N passed, M failed"; exits 1 if anything
# failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

# Run doctest.py MODE ARGS, counting each of its checks as one of ours.
doctest() {
	local out line
	out=$(PGBIN=$PGBIN "$PYTHON" "$REPO/test/docs/doctest.py" "$@" 2>&1) || true
	while IFS= read -r line; do
		case $line in
			'ok   '*) pass "${line#ok   }" ;;
			'FAILED '*) fail "${line#FAILED }" ;;
			*' passed, '*' failed') ;;
			*) printf '%s\n' "$line" >&2 ;;
		esac
	done <<<"$out"
	grep -qE '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" || fail "doctest.py $1 printed no count: $out"
}

docs_blocks() {
	# copies are available at once (the first Describe says so): waits end
	ctl rds '{"progress_step": 100}' config >/dev/null
	sql --stop -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' >/dev/null
	local files=("$REPO/README.md")
	local f
	for f in functions queue settings credentials security wire errors workflows; do
		files+=("$REPO/docs/$f.md")
	done
	doctest blocks "${files[@]}"
}

docs_grants() {
	doctest grants "$REPO/README.md" "$REPO"/docs/*.md
}

docs_settings() {
	doctest settings "$REPO/docs/settings.md"
}

docs_errors() {
	local codes states
	codes=$(mktemp) states=$(mktemp)
	make -C "$REPO/test/unit" -s build/test_awscodes >/dev/null
	"$REPO/test/unit/build/test_awscodes" --list >"$codes"
	"$PYTHON" "$REPO/test/unit/check_sqlstates.py" --list >"$states"
	doctest errors "$REPO/docs/errors.md" "$codes" "$states"
	rm -f "$codes" "$states"
}

body() {
	run_test docs_blocks
	run_test docs_grants
	run_test docs_settings
	run_test docs_errors
}

RDS_COPY_PG_CRON=1 suite_run "docs: the documentation runs and matches the code" body
