#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/test-all.sh - the whole test suite (called by `scripts/run test`).
#  1. release-like build: unit + fuzz-corpus replay + netns suites (meson test);
#  2. ASan+UBSan build: unit + fuzz-corpus replay suites;
#  3. the netns suite once more as an unprivileged user (nobody), from a
#     copy of the binaries in a 0755 temp directory (STYLE.md §11);
# then one line "N passed, N failed, N skipped" over all of it.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
rc=0

setup() { # DIR ARGS...
	d=$1
	shift
	if [ -f "$d/build.ninja" ]; then
		meson setup --reconfigure "$d" "$@" >/dev/null
	else
		meson setup "$d" "$@" >/dev/null
	fi || return 1
	ninja -C "$d" -j "$JOBS" >/dev/null || ninja -C "$d" -j 1
}

collect() { # testlog.json -> RESULTS lines "OK|FAIL|SKIP name"
	[ -f "$1" ] || return 0
	jq -r '"\(.result) \(.name)"' "$1" >>"$RESULTS"
}

echo "== build ($BUILD)"
setup "$BUILD" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
echo "== unit, fuzz replay and netns suites"
meson test -C "$BUILD" --print-errorlogs --num-processes "$JOBS" || rc=1
collect "$BUILD/meson-logs/testlog.json"

if [ -z "${SKIP_ASAN:-}" ]; then
	echo "== ASan+UBSan build: unit and fuzz replay suites"
	if setup build-asan -Db_sanitize=address,undefined -Dhardening=false; then
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C build-asan --suite unit --suite fuzz --print-errorlogs \
			--num-processes "$JOBS" || rc=1
		sed 's/"name": "/"name": "asan:/' build-asan/meson-logs/testlog.json >build-asan/testlog.renamed.json
		collect build-asan/testlog.renamed.json
		echo "== ASan+UBSan omnid in the netns tests (a sanitizer report fails the test)"
		for t in ping badinput reload restart underlay api api_crash cli scion aero_reg aero_mob aero_nat aero_ml2 aero_ml3 aero_reload aero_mesh aero_mesh_trust aero_hub; do
			out=$(OMNID=$ROOT/build-asan/daemon/omnid OMNICTL=$ROOT/build-asan/cli/omnictl \
				ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
				timeout 300 sh test/netns/t_$t.sh 2>&1)
			r=$?
			case $r in
			0) echo "OK asan:netns_$t" >>"$RESULTS"; echo "ok   asan:netns_$t" ;;
			77) echo "SKIP asan:netns_$t" >>"$RESULTS"; echo "skip asan:netns_$t" ;;
			*) echo "FAIL asan:netns_$t" >>"$RESULTS"; echo "FAIL asan:netns_$t"; echo "$out" | tail -40; rc=1 ;;
			esac
		done
	else
		echo "FAIL asan:build" >>"$RESULTS"
		rc=1
	fi
fi

if [ -z "${SKIP_UNPRIV:-}" ] && [ "$(id -u)" = 0 ]; then
	echo "== netns suite as user nobody (unshare -Urn)"
	# Debian's udev rules make /dev/net/tun mode 0666; some images ship it 0600,
	# which would make every unprivileged test skip. Open it up for this pass only.
	tun_mode=$(stat -c %a /dev/net/tun 2>/dev/null || echo "")
	[ -n "$tun_mode" ] && [ "$tun_mode" != 666 ] && chmod 0666 /dev/net/tun
	U=$(mktemp -d /tmp/omnid-unpriv.XXXXXX)
	mkdir -p "$U/build/daemon" "$U/build/cli" "$U/test"
	cp "$BUILD/daemon/omnid" "$U/build/daemon/"
	cp "$BUILD/cli/omnictl" "$U/build/cli/"
	cp -r test/netns "$U/test/"
	chmod -R a+rX "$U"
	for t in "$U"/test/netns/t_*.sh; do
		name="unpriv:$(basename "$t" .sh)"
		out=$(cd /tmp && setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -i PATH="$PATH" HOME=/tmp TMPDIR=/tmp \
			OMNID="$U/build/daemon/omnid" OMNICTL="$U/build/cli/omnictl" \
			timeout 300 sh "$t" 2>&1)
		r=$?
		case $r in
		0) echo "OK $name" >>"$RESULTS"; echo "ok   $name" ;;
		77) echo "SKIP $name" >>"$RESULTS"; echo "skip $name" ;;
		*) echo "FAIL $name" >>"$RESULTS"; echo "FAIL $name (exit $r)"; echo "$out" | tail -40; rc=1 ;;
		esac
	done
	rm -rf "$U"
	[ -n "$tun_mode" ] && [ "$tun_mode" != 666 ] && chmod "$tun_mode" /dev/net/tun
fi

pass=$(grep -c '^OK ' "$RESULTS")
fail=$(grep -Ec '^(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS) ' "$RESULTS")
skip=$(grep -c '^SKIP ' "$RESULTS")
grep -E '^(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS) ' "$RESULTS" | sed 's/^/failed: /'
[ "$fail" -gt 0 ] && rc=1
echo "$pass passed, $fail failed, $skip skipped"
exit $rc
