#!/usr/bin/env bash
# test/matrix.sh: build, install and test rds_copy on every PostgreSQL
# major Debian ships, each in a Debian root of its own, and build and
# install the Debian package.  As root; it is the last layer of
# test/run_all.sh (the README's test command, which .ci/run runs).
#
#   bash test/matrix.sh [15|17|18 ...]      (no argument: 15 17 18)
#
#   major  Debian suite        root in $RDS_COPY_ROOTS (/var/cache/rds_copy-roots)
#   15     bookworm (12)       bookworm-base, bookworm
#   17     trixie (13)         trixie-base, trixie
#   18     sid (unstable)      sid-base, sid
#
# For each major, one after the other:
#  1. root: <suite>-base is made once with debootstrap --variant=minbase
#     from the Debian mirror apt already uses, and kept; <suite> is a copy
#     of it with the packages the tests need (test/lib/harness.sh
#     PG_PACKAGES for that major, and the Debian packaging tools), brought
#     up to date with apt-get on every run.  No service starts in a root
#     and no PostgreSQL cluster is created there by the packages.
#  2. in <suite> (/proc, /dev and a shared apt archive mounted; the working
#     tree copied to /root/rds_copy; `test/matrix.sh --in-root` there):
#     build with no compiler warning, the unit tests (test/unit, plain and
#     under gcc's ASan/UBSan, with the botocore cross-check), pg_regress
#     (test/regress.sh), the demo, test/integration/workflow.sh (queue
#     workers, crash recovery, pg_cron), test/integration/wait_events.sh
#     and test/integration/roles.sh (many roles; ALTER EXTENSION rds_copy
#     UPDATE from 1.0), then the Debian package (dpkg-buildpackage -us
#     -uc).  The clusters are the postgres user's, in temporary
#     directories, listening only on a Unix socket named for port 5434N
#     (N = 1, 2, 3 for 15, 17, 18; no TCP port is taken), next to the
#     stand-ins on loopback (ports the kernel picks).
#  3. a clean root, a fresh copy of <suite>-base: apt-get install
#     ./postgresql-NN-rds-copy_*.deb (which pulls in PostgreSQL and the
#     runtime libraries), then the demo against the installed package
#     (RDS_COPY_SKIP_BUILD=1: nothing is built there; no compiler is
#     installed).  The clean root is removed afterwards.
# Everything mounted is unmounted again (also on failure or interrupt).
# The other integration suites (basic, credentials, robustness, nightly)
# and the fuzz and stand-in layers do not depend on the major beyond
# what these cover and run once, in test/run_all.sh on the host.
#
# First, test/check_meta.py checks META.json against the PGXN meta-spec.
# Prints one line per suite, "<major>/<suite>: passed, failed, seconds",
# each major's time, and ends with one line "N passed, M failed" over all
# majors; exits non-zero iff M > 0.  A major whose root cannot be made
# counts one failure and the run goes on.  Each suite's whole output is kept
# in $RDS_COPY_ROOTS/logs-<major>/ until the next run.  RDS_COPY_KEEP_WORK=1 keeps the
# clean roots; RDS_COPY_ROOTS moves the cache.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# ---------------------------------------------------------------------------
# Inside a root: build, suites and the package, counted by test/lib/runner.sh
# ---------------------------------------------------------------------------
in_root() {
	# shellcheck source=lib/harness.sh
	source "$REPO/test/lib/harness.sh"
	# shellcheck source=lib/runner.sh
	# every suite's whole output stays in /root/matrix-logs (copied out of the root)
	rm -rf /root/matrix-logs
	mkdir -p /root/matrix-logs
	RUNNER_DIR=/root/matrix-logs
	source "$REPO/test/lib/runner.sh"
	trap 'if [ "${PG_TREE_MINE:-0}" = 1 ]; then rm -rf "$PG_TREE"; fi' EXIT
	export RDS_COPY_SKIP_APT=1

	run_suite "$PG_MAJOR/build (no warnings)" check_build
	# the pure code against this release's OpenSSL and libxml2 (and its
	# gcc's sanitizers), the signer cross-checked with its botocore
	run_suite "$PG_MAJOR/unit" make -C "$REPO/test/unit" -s check
	run_binaries_suite "$PG_MAJOR/unit (sanitizers)" make -C "$REPO/test/unit" -s check SAN=1
	build_and_install
	export RDS_COPY_SKIP_BUILD=1
	run_suite "$PG_MAJOR/regress" bash "$REPO/test/regress.sh"
	run_suite "$PG_MAJOR/demo" check_demo
	run_suite "$PG_MAJOR/integration/workflow" bash "$REPO/test/integration/workflow.sh"
	run_suite "$PG_MAJOR/integration/wait_events" bash "$REPO/test/integration/wait_events.sh"
	# many roles, and ALTER EXTENSION rds_copy UPDATE from 1.0 (the upgrade path)
	run_suite "$PG_MAJOR/integration/roles" bash "$REPO/test/integration/roles.sh"
	run_suite "$PG_MAJOR/debian package build" check_package_build
	runner_report
}

# the extension's build with PostgreSQL's own warning flags, and none may show
check_build() {
	local log=/tmp/rds_copy_build.log warnings
	make -C "$REPO" -s clean >/dev/null
	if ! make -C "$REPO" >"$log" 2>&1; then
		tail -n 40 "$log"
		echo "build failed"
		echo "0 passed, 1 failed"
		return 1
	fi
	"$PGBIN/pg_config" --version
	echo "CFLAGS: $("$PGBIN/pg_config" --cflags)"
	warnings=$(grep -c 'warning:' "$log" || true)
	grep -B2 -A3 'warning:' "$log" || true
	echo "$warnings compiler warnings"
	if [ "$warnings" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; return 1; fi
}

# the demo (test/demo.sh) prints the new snapshot: it must be there, copying
check_demo() {
	local out
	out=$(bash "$REPO/test/demo.sh" 2>&1) || true
	printf '%s\n' "$out"
	if printf '%s\n' "$out" | grep -Eq '^db_cluster_snapshot_identifier +\| my-cluster-snapshot2$' &&
		printf '%s\n' "$out" | grep -Eq '^status +\| copying$' &&
		printf '%s\n' "$out" | grep -Eq '^tags +\| \{"team": "db"\}$'; then
		echo "1 passed, 0 failed"
	else
		echo "the demo did not print my-cluster-snapshot2 (copying, tags team=db)"
		echo "0 passed, 1 failed"
		return 1
	fi
}

# dpkg-buildpackage -us -uc in a copy of the tree; the .debs go to /root/debs
check_package_build() {
	local version upstream dir=/root/pkgbuild
	rm -rf "$dir" /root/debs
	mkdir -p "$dir/src" /root/debs
	version=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)
	upstream=${version%-*}
	tar -C "$REPO" --exclude=./debian --exclude=__pycache__ --exclude=./results --exclude=./log -cf - . | tar -C "$dir/src" -xf -
	make -C "$dir/src" -s clean >/dev/null 2>&1 || true
	tar -C "$dir" --transform "s,^src,rds-copy-$upstream," -czf "$dir/rds-copy_$upstream.orig.tar.gz" src
	cp -a "$REPO/debian" "$dir/src/debian"
	# debian/control lists one package per major; regenerated for this
	# suite's supported majors (pg_buildext checkcontrol)
	if ! (cd "$dir/src" && PG_UPDATECONTROL=yes dpkg-buildpackage -us -uc >"$dir/build.log" 2>&1); then
		tail -n 60 "$dir/build.log"
		echo "0 passed, 1 failed"
		return 1
	fi
	cp "$dir"/*.deb /root/debs/
	ls -l /root/debs
	local deb=/root/debs/postgresql-$PG_MAJOR-rds-copy_${version}_$(dpkg --print-architecture).deb
	local p=0 f=0
	if [ -f "$deb" ]; then p=$((p + 1)); else echo "no $deb"; f=$((f + 1)); fi
	local contents=
	[ -f "$deb" ] && contents=$(dpkg-deb -c "$deb")
	if printf '%s\n' "$contents" | grep -q "usr/lib/postgresql/$PG_MAJOR/lib/rds_copy.so$" &&
		printf '%s\n' "$contents" | grep -q "usr/share/postgresql/$PG_MAJOR/extension/rds_copy.control$"; then
		p=$((p + 1))
	else
		echo "$deb lacks rds_copy.so or rds_copy.control"
		f=$((f + 1))
	fi
	if [ -f "$deb" ]; then
		local depends
		dpkg-deb -f "$deb" Package Version Depends
		depends=$(dpkg-deb -f "$deb" Depends)
		if [[ $depends =~ postgresql-$PG_MAJOR( |,|$) && $depends == *libcurl4* &&
			$depends == *libxml2* && $depends == *libssl3* ]]; then
			p=$((p + 1))
		else
			echo "Depends lacks postgresql-$PG_MAJOR, libcurl4, libxml2 or libssl3"
			f=$((f + 1))
		fi
	fi
	# (dpkg's own warnings, e.g. about substitution variables, are shown, not counted)
	grep -E 'warning:' "$dir/build.log" || true
	grep -Eq '\.[ch]:[0-9]+:[0-9]+: warning:' "$dir/build.log" && { echo "compiler warnings in the package build"; f=$((f + 1)); }
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
}

# In the clean root: the demo against the installed package, nothing built
in_clean_root() {
	local out p=0 f=0 so
	so=/usr/lib/postgresql/$RDS_COPY_PG_MAJOR/lib/rds_copy.so
	if dpkg -S "$so" 2>/dev/null | grep -q "^postgresql-$RDS_COPY_PG_MAJOR-rds-copy: "; then
		echo "ok: $so comes from postgresql-$RDS_COPY_PG_MAJOR-rds-copy"
		p=$((p + 1))
	else
		echo "FAILED: $so is not the package's"
		f=$((f + 1))
	fi
	if command -v gcc >/dev/null || command -v cc >/dev/null ||
		[ -d "/usr/include/postgresql/$RDS_COPY_PG_MAJOR/server" ]; then
		echo "FAILED: a compiler or the server headers are installed in the clean root"
		f=$((f + 1))
	else
		echo "ok: no compiler and no server headers in the clean root"
		p=$((p + 1))
	fi
	out=$(RDS_COPY_SKIP_BUILD=1 RDS_COPY_SKIP_APT=1 bash "$REPO/test/demo.sh" 2>&1) || true
	printf '%s\n' "$out"
	if printf '%s\n' "$out" | grep -Eq '^db_cluster_snapshot_identifier +\| my-cluster-snapshot2$' &&
		printf '%s\n' "$out" | grep -Eq '^status +\| copying$'; then
		echo "ok: the demo copied my-cluster-snapshot2 with the installed package"
		p=$((p + 1))
	else
		echo "FAILED: the demo against the installed package"
		f=$((f + 1))
	fi
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
}

case ${1:-} in
	--in-root)
		in_root
		exit
		;;
	--in-clean-root)
		in_clean_root
		exit
		;;
esac

# ---------------------------------------------------------------------------
# Outside: the roots, their mounts, and the count over every major
# ---------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "run this as root: it makes Debian roots with debootstrap and chroots into them" >&2
	exit 1
fi

if ! command -v debootstrap >/dev/null || ! command -v git >/dev/null; then
	if [ "${RDS_COPY_SKIP_APT:-0}" = 1 ]; then
		echo "matrix.sh: debootstrap or git is not installed (apt-get install debootstrap git)" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap git >/dev/null
fi

ROOTS=${RDS_COPY_ROOTS:-/var/cache/rds_copy-roots}
MIRROR=${RDS_COPY_MIRROR:-http://deb.debian.org/debian}
# shellcheck source=lib/runner.sh
source "$REPO/test/lib/runner.sh"

suite_of() {
	case $1 in
		15) echo bookworm ;;
		17) echo trixie ;;
		18) echo sid ;;
		*) return 1 ;;
	esac
}

say() { printf '== %s\n' "$*" >&2; }

# mount points we made, deepest last; unmounted in reverse order
MOUNTED=()
CLEAN_ROOTS=()

# unmount everything at or below $1 (deepest first); fails if any remains
umount_below() {
	local dir=$1 m
	for m in $(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	! awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo
}

mount_root() {
	local root=$1 suite=$2
	mkdir -p "$ROOTS/archives-$suite/partial"
	mount -t proc proc "$root/proc"
	MOUNTED+=("$root/proc")
	mount --rbind /dev "$root/dev"
	mount --make-rslave "$root/dev"
	MOUNTED+=("$root/dev")
	mount --bind "$ROOTS/archives-$suite" "$root/var/cache/apt/archives"
	MOUNTED+=("$root/var/cache/apt/archives")
}

unmount_root() {
	local root=$1 ok=0
	umount_below "$root/var/cache/apt/archives" || ok=1
	umount_below "$root/dev" || ok=1
	umount_below "$root/proc" || ok=1
	return $ok
}

cleanup() {
	local i m clean
	set +e
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		m=${MOUNTED[$i]}
		umount_below "$m" || echo "matrix.sh: could not unmount $m" >&2
	done
	for clean in "${CLEAN_ROOTS[@]}"; do
		remove_clean_root "$clean"
	done
	rm -rf "$RUNNER_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# removes a clean root, never while anything is mounted below it
remove_clean_root() {
	local clean=$1
	[ -d "$clean" ] || return 0
	if ! umount_below "$clean"; then
		echo "matrix.sh: $clean still has mounts; not removed" >&2
		return 1
	fi
	if [ "${RDS_COPY_KEEP_WORK:-0}" = 1 ]; then
		say "kept $clean"
	else
		rm -rf --one-file-system "$clean"
	fi
}

# chroot ROOT COMMAND...: with a clean environment
in_chroot() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# the base root of a suite, made once with debootstrap and kept
make_base() {
	local suite=$1 base=$ROOTS/$1-base
	[ -x "$base/usr/bin/apt-get" ] && return 0
	say "debootstrap --variant=minbase $suite (once; kept in $base)"
	rm -rf --one-file-system "$base.tmp"
	debootstrap --variant=minbase "$suite" "$base.tmp" "$MIRROR" >"$ROOTS/$suite-base.log" 2>&1 ||
		{ tail -n 20 "$ROOTS/$suite-base.log"; return 1; }
	configure_root "$base.tmp"
	mv "$base.tmp" "$base"
}

# apt and dpkg settings of a root: no service starts, no cluster is made,
# an unstable Release file past its Valid-Until date is still read
configure_root() {
	local root=$1
	printf '#!/bin/sh\n# test/matrix.sh: no service starts in this root\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	mkdir -p "$root/etc/postgresql-common"
	printf '# test/matrix.sh: the tests make their own clusters\ncreate_main_cluster = false\n' \
		>"$root/etc/postgresql-common/createcluster.conf"
	cat >"$root/etc/apt/apt.conf.d/90rds-copy-matrix" <<'APT'
// test/matrix.sh: unstable's Release file can be past Valid-Until on the mirror
Acquire::Check-Valid-Until "false";
APT::Install-Recommends "false";
APT
}

# the test root of a major: a copy of the base, with its packages
make_test_root() {
	local major=$1 suite=$2 root=$ROOTS/$2 pkgs
	if [ ! -x "$root/usr/bin/apt-get" ]; then
		say "making $root from $ROOTS/$suite-base"
		rm -rf --one-file-system "$root.tmp"
		cp -a "$ROOTS/$suite-base" "$root.tmp"
		mv "$root.tmp" "$root"
	fi
	configure_root "$root"
	pkgs=$(RDS_COPY_PG_MAJOR=$major bash -c 'source "$1/test/lib/harness.sh"; echo "${PG_PACKAGES[*]}"' _ "$REPO")
	say "$major: apt-get install in $root: $pkgs + packaging tools"
	# with /proc mounted: unstable's postgresql-common runs systemd-tmpfiles
	# in its postinst, which fails without it (a fresh machine's first run)
	local rc=0
	mount_root "$root" "$suite"
	in_chroot "$root" apt-get update -q >/dev/null &&
		in_chroot "$root" apt-get install -y -q $pkgs \
			build-essential dpkg-dev debhelper postgresql-server-dev-all >/dev/null || rc=1
	unmount_root "$root" || rc=1
	return $rc
}

# the working tree (tracked and untracked files, not the ignored build
# output) into ROOT/root/rds_copy
copy_tree() {
	local root=$1
	rm -rf "$root/root/rds_copy"
	mkdir -p "$root/root/rds_copy"
	# (safe.directory: a checkout owned by another user than root, as in CI)
	(cd "$REPO" && git -c safe.directory="$REPO" ls-files -z --cached --others --exclude-standard |
		tar --null -T - -cf -) |
		tar -C "$root/root/rds_copy" -xf -
}

run_major() {
	local major=$1 suite root clean start=$SECONDS port deb
	suite=$(suite_of "$major")
	root=$ROOTS/$suite
	case $major in
		15) port=54341 ;;
		17) port=54342 ;;
		18) port=54343 ;;
	esac
	say "PostgreSQL $major on Debian $suite"
	mkdir -p "$ROOTS"
	if ! make_base "$suite" || ! make_test_root "$major" "$suite"; then
		runner_record "$major/root ($suite)" 0 1 $((SECONDS - start)) "could not make the root"
		MAJOR_TIMES+=("$major: $((SECONDS - start)) s (root failed)")
		return
	fi
	say "$major: root ready after $((SECONDS - start)) s"
	mount_root "$root" "$suite"
	copy_tree "$root"
	rm -rf "$root/root/debs"
	run_suite "$major/in $suite root" in_chroot "$root" RDS_COPY_PG_MAJOR="$major" \
		RDS_COPY_TEST_PGPORT="$port" bash /root/rds_copy/test/matrix.sh --in-root
	# the per-suite lines of the root's own summary
	sed -n '/^== summary/,$p' "$(runner_file "$major/in $suite root")" | sed '1d;$d' | sed 's/^/   /' >&2
	rm -rf "$ROOTS/logs-$major"
	cp -a "$root/root/matrix-logs" "$ROOTS/logs-$major" 2>/dev/null &&
		say "$major: each suite's whole output: $ROOTS/logs-$major/"
	mkdir -p "$RUNNER_DIR/debs-$major"
	cp "$root"/root/debs/*.deb "$RUNNER_DIR/debs-$major/" 2>/dev/null || true
	rm -rf "$root/root/rds_copy" "$root/root/pkgbuild"
	unmount_root "$root"

	deb=$(ls "$RUNNER_DIR/debs-$major"/postgresql-"$major"-rds-copy_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		runner_record "$major/installed package demo" 0 1 0 "no package was built"
	else
		clean=$(mktemp -d "$ROOTS/clean-$suite.XXXXXX")
		CLEAN_ROOTS+=("$clean")
		rmdir "$clean"
		cp -a "$ROOTS/$suite-base" "$clean"
		configure_root "$clean"
		mount_root "$clean" "$suite"
		copy_tree "$clean"
		cp "$deb" "$clean/root/"
		run_suite "$major/installed package demo" install_and_demo "$clean" "$major" "$port" "$(basename "$deb")"
		sed 's/^/   /' "$(runner_file "$major/installed package demo")" >&2
		unmount_root "$clean"
		remove_clean_root "$clean"
	fi
	MAJOR_TIMES+=("$major: $((SECONDS - start)) s")
}

# in a clean root: apt-get install ./the.deb, then the demo (run_suite's command)
install_and_demo() {
	local clean=$1 major=$2 port=$3 deb=$4
	in_chroot "$clean" apt-get update -q >/dev/null || { echo "apt-get update failed"; echo "0 passed, 1 failed"; return 1; }
	echo "apt-get install ./$deb (and what the demo itself runs: python3-botocore, openssl)"
	if ! in_chroot "$clean" sh -c "cd /root && apt-get install -y -q ./$deb python3 python3-botocore openssl ca-certificates util-linux" >"$clean/root/apt.log" 2>&1; then
		tail -n 30 "$clean/root/apt.log"
		echo "0 passed, 1 failed"
		return 1
	fi
	grep -E '^(Setting up|Unpacking) ' "$clean/root/apt.log" | grep -E 'rds-copy|postgresql-[0-9]+ |libcurl4|libssl3|libxml2' || true
	in_chroot "$clean" RDS_COPY_PG_MAJOR="$major" RDS_COPY_TEST_PGPORT="$port" \
		bash /root/rds_copy/test/matrix.sh --in-clean-root
}

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(15 17 18)
for major in "${majors[@]}"; do
	suite_of "$major" >/dev/null || {
		echo "matrix.sh: unknown major '$major' (majors: 15 17 18)" >&2
		exit 2
	}
done

MAJOR_TIMES=()
run_suite "META.json (PGXN meta-spec 1.0.0)" python3 "$REPO/test/check_meta.py"
for major in "${majors[@]}"; do
	run_major "$major"
done
echo "== time per major (root made or updated, suites, package, clean install)"
printf '%s\n' "${MAJOR_TIMES[@]}"
runner_report
