#!/bin/sh
# mutants.sh WORKDIR SRCDIR VECTORS OBJDIR
#	Show that the tests notice a wrong signer/encoder: for each mutation
#	below, copy src/ into WORKDIR, change one thing in the copy with sed,
#	rebuild test_sigv4, test_awsquery and test_sigv4_crosscheck against it
#	and run them.  Every mutant must make the cross-check fail (the fixed
#	vectors are reported too).  src/ itself is never touched.
#	Environment: CC, CFLAGS (as the Makefile compiles), LIBS.
#	Exit status 0 only if every mutant was applied and detected.

# like run_tests.sh: a zone that is not UTC, so local time would show
TZ=XST-5:30
export TZ

work=$1
srcdir=$2
vectors=$3
objdir=$4
status=0
n=0

rm -rf "$work"
mkdir -p "$work" || exit 2

# mutant FILE SED-EXPRESSION DESCRIPTION
mutant()
{
	n=$((n + 1))
	dir="$work/$n"
	mkdir -p "$dir"
	cp "$srcdir"/*.c "$srcdir"/*.h "$dir"/ || exit 2
	sed -e "$2" "$srcdir/$1" > "$dir/$1"
	if cmp -s "$srcdir/$1" "$dir/$1"; then
		echo "mutant $n ($3): NOT APPLIED -- $1 no longer contains the text; update mutants.sh"
		status=1
		return
	fi
	objs=
	for m in buf awsquery sigv4 $PURE_MODULES; do
		$CC $CFLAGS -I"$dir" -c -o "$dir/$m.o" "$dir/$m.c" || { status=1; return; }
		objs="$objs $dir/$m.o"
	done
	result=
	detected_by_crosscheck=no
	for t in test_sigv4 test_awsquery test_sigv4_crosscheck; do
		$CC $CFLAGS -o "$dir/$t" "$objdir/$t.o" $objs $LIBS || { status=1; return; }
		arg=
		[ "$t" = test_sigv4_crosscheck ] && arg=$vectors
		summary=$("$dir/$t" $arg 2>&1 | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
		failed=${summary#* passed, }
		failed=${failed% failed}
		[ -z "$summary" ] && failed=crash
		result="$result $t: $failed failed;"
		if [ "$t" = test_sigv4_crosscheck ] && [ "$failed" != 0 ]; then
			detected_by_crosscheck=yes
		fi
	done
	if [ $detected_by_crosscheck = yes ]; then
		echo "mutant $n ($3): detected --$result"
	else
		echo "mutant $n ($3): NOT DETECTED by the cross-check --$result"
		status=1
	fi
}

# sigv4.c
mutant sigv4.c 's/"AWS4"/"AWS5"/' 'signing key prefix AWS4 -> AWS5'
mutant sigv4.c 's/"aws4_request", 12/"aws4_reqvest", 12/' 'one byte of the key-derivation terminator'
mutant sigv4.c 's/"0123456789abcdef"/"0123456789ABCDEF"/' 'upper-case hex signatures'
mutant sigv4.c 's/b7852b855";/b7852b856";/' 'one byte of the empty-payload hash of the presign'
mutant sigv4.c 's/gmtime_r(&now, &tm)/localtime_r(\&now, \&tm)/' 'local time instead of UTC'
mutant sigv4.c 's/int[[:space:]]*c = strcmp(pa->name, pb->name);/int c = strcasecmp(pa->name, pb->name);/' 'case-insensitive canonical query sort'
# (Sorting equal names by value is not mutated: botocore's parameter dicts
# cannot hold a name twice, so no vector could tell.)
mutant sigv4.c 's/RdsBufAppendStr(&creq, creds->session_token);/RdsBufAppendStr(\&creq, "");/' 'session token left out of the canonical headers'
mutant sigv4.c 's/"content-type;host;x-amz-date;x-amz-security-token"/"content-type;host;x-amz-date"/' 'token not listed in SignedHeaders'
mutant sigv4.c 's/AwsQueryAdd(&auth, "X-Amz-Expires", expires_str);/AwsQueryAdd(\&auth, "X-Amz-Expires", "3600");/' 'X-Amz-Expires fixed at 3600'
mutant sigv4.c 's/RdsBufAppendStr(&creq, "POST\\n\/\\n\\n");/RdsBufAppendStr(\&creq, "POST\\n\/\\n");/' 'missing empty canonical query line of the POST'
# awsquery.c
mutant awsquery.c "s/|| c == '~'//" "'~' escaped"
mutant awsquery.c "s/c == ' ' && space_as_plus/c == ' ' \&\& (space_as_plus || 1)/" "space as '+' in the RFC 3986 encoding too"
mutant awsquery.c 's/"0123456789ABCDEF"/"0123456789abcdef"/' 'lower-case percent escapes'
mutant awsquery.c "s/(c >= '0' && c <= '9')/(c >= '0' \&\& c <= '8')/" "'9' escaped"

exit $status
