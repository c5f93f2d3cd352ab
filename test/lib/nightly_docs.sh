# test/lib/nightly_docs.sh: the nightly workflow of docs/workflows.md as the
# tests run it, exactly as printed and as the roles it names
# (test/integration/nightly.sh, and fleet.sh for 40 clusters).
#
#   nightly_setup           the README's grants block for backup_job, then
#                           the superuser's set-up ("nightly setup" markers),
#                           as the superuser; prints errors, status 1 on one
#   docs_sql NAME           the SQL of docs/workflows.md between
#                           <!-- NAME: begin --> and end, without the fences
#   as_backup [FLAGS] ARGS  sql (test/lib/psql.sh) as backup_job
# shellcheck shell=bash

docs_sql() {
	sed -n "/<!-- $1: begin -->/,/<!-- $1: end -->/p" "$REPO/docs/workflows.md" |
		grep -vE '^(<!--|```)'
}

# The README's block that creates the backup role and grants it (the one
# that starts with CREATE ROLE backup_job), without the fences.
readme_grants_sql() {
	awk '/^```sql$/ { inblock = 1; block = ""; next }
	     /^```$/ && inblock { inblock = 0; if (block ~ /CREATE ROLE backup_job/) printf "%s", block; next }
	     inblock { block = block $0 "\n" }' "$REPO/README.md"
}

as_backup() {
	local flags=(--verbose)
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
		flags+=("$1")
		shift
	done
	sql "${flags[@]}" -U backup_job "$@"
}

nightly_setup() {
	{ readme_grants_sql; docs_sql "nightly setup"; } | sql --verbose -v ON_ERROR_STOP=1 2>&1
}
