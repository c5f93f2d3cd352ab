# test/lib/secrets.sh: the one pattern (an extended regex, for grep -E and
# PostgreSQL's ~) that matches any secret the tests hand out: the static
# secret keys and session token of test/lib/harness.sh write_credentials and
# of the environment the suites set, the temporary keys and tokens the fake
# credential sources issue, the web identity and container tokens, and a
# SigV4 signature or Authorization header value (not the string to sign,
# which AWS echoes in SignatureDoesNotMatch and holds no secret).  Sourced by test/lib/harness.sh,
# which exports it as RDS_TEST_SECRET_PATTERN for the SQL tests
# (\getenv secrets RDS_TEST_SECRET_PATTERN).  Add a new secret here, once.
# shellcheck shell=bash

SECRET_PATTERN='EXAMPLEKEY|notTheRightSecret|FAKESESSIONTOKEN|sessionsecret|otherSecretKey|whateverSecret|tempsecret/|temptoken/|web-identity-token-EXAMPLE|container-auth-token-EXAMPLE|Signature=[0-9a-f]{16}|AWS4-HMAC-SHA256 Credential='
export RDS_TEST_SECRET_PATTERN=$SECRET_PATTERN

# secrets_in FILE...: true (and prints the matching lines, at most 5) when a
# secret is in one of the files; a file that cannot be read is an error
# (status 2), never "no secret".
secrets_in() {
	local f
	for f in "$@"; do
		[ -r "$f" ] || { echo "cannot read $f" >&2; return 2; }
	done
	grep -hE -- "$SECRET_PATTERN" "$@" | head -n 5 | grep .
}
