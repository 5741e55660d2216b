#!/bin/sh
# SPDX-License-Identifier: MIT
# lib.sh - shared harness for the netns integration tests (STYLE.md §11).
#
# A test sources this file first. Without root it re-executes itself inside a
# user + network + mount namespace with a private /run, so `ip netns add`
# works unprivileged; as root it uses plain `ip netns`. Every namespace name
# carries the test's PID, every process is stopped by the PID recorded when it
# was started, and everything is removed on exit. Traffic stays inside the
# namespaces the test creates.
#
# Environment: OMNID, OMNICTL (binaries; default: ./build/...); OFFLOAD=no
# turns the TUN and UDP offloads off in every node's config.

set -eu

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; [ -n "${T_DIR:-}" ] && dump_logs >&2; exit 1; }
info() { echo "# $*"; }

if [ "$(id -u)" != 0 ] && [ -z "${IN_USERNS:-}" ]; then
	command -v unshare >/dev/null || skip "unshare missing"
	unshare -Urnm true 2>/dev/null || skip "unprivileged user namespaces unavailable"
	IN_USERNS=1 exec unshare -Urnm sh -c 'mount -t tmpfs tmpfs /run && exec sh "$0" "$@"' "$0" "$@"
fi

command -v ip >/dev/null || skip "iproute2 (ip) missing"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip "/dev/net/tun not accessible to uid $(id -u) (Debian's udev default is mode 0666)"

SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OMNID=${OMNID:-$SRC_ROOT/build/daemon/omnid}
OMNICTL=${OMNICTL:-$SRC_ROOT/build/cli/omnictl}
[ -x "$OMNID" ] || fail "omnid binary not found at $OMNID"
[ -x "$OMNICTL" ] || fail "omnictl binary not found at $OMNICTL"

T_ID=$$
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/omnid-test.XXXXXX")
chmod 755 "$T_DIR"
T_NS=""
T_PIDS=""

cleanup() {
	set +e
	for p in $T_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $T_PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$p" 2>/dev/null
	done
	for ns in $T_NS; do ip netns del "$ns" 2>/dev/null; done
	# A sanitizer report in any daemon log fails the test (ASan/UBSan builds).
	san=$(grep -l -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T_DIR"/*/omnid.log 2>/dev/null)
	if [ -n "$san" ]; then
		echo "FAIL: sanitizer report in $san" >&2
		grep -h -m 5 -A 8 -E "ERROR: (Address|Leak)Sanitizer|runtime error:" $san >&2
		T_RC=1
	fi
	[ -n "${KEEP:-}" ] && echo "kept $T_DIR" || rm -rf "$T_DIR"
	[ -n "${T_RC:-}" ] && exit "$T_RC"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dump_logs() {
	for f in "$T_DIR"/*/omnid.log; do
		[ -f "$f" ] || continue
		echo "---- $f (last 30 lines)"
		tail -n 30 "$f"
	done
}

# ns NAME: the namespace name of node NAME.
ns() { echo "omt-$1-$T_ID"; }
# nx NAME CMD...: run CMD inside node NAME's namespace.
nx() { n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

add_ns() {
	n=$(ns "$1")
	ip netns add "$n"
	T_NS="$T_NS $n"
	ip -n "$n" link set lo up
}

# link A B ADDR_A ADDR_B PLEN [MTU]: a veth underlay between nodes A and B.
link() {
	a=$1 b=$2
	va="v${a}${b}$T_ID" vb="v${b}${a}$T_ID"
	va=$(echo "$va" | cut -c1-15) vb=$(echo "$vb" | cut -c1-15)
	ip link add "$va" netns "$(ns "$a")" type veth peer name "$vb" netns "$(ns "$b")"
	case $3 in *:*) nodad=nodad ;; *) nodad= ;; esac
	ip -n "$(ns "$a")" addr add "$3/$5" dev "$va" $nodad
	ip -n "$(ns "$b")" addr add "$4/$5" dev "$vb" $nodad
	if [ -n "${6:-}" ]; then
		ip -n "$(ns "$a")" link set "$va" mtu "$6"
		ip -n "$(ns "$b")" link set "$vb" mtu "$6"
	fi
	ip -n "$(ns "$a")" link set "$va" up
	ip -n "$(ns "$b")" link set "$vb" up
	eval "LINK_${a}_${b}=$va; LINK_${b}_${a}=$vb"
}

# genkey NAME: writes $T_DIR/NAME/private.key (0600) and prints the public key.
genkey() {
	mkdir -p "$T_DIR/$1"
	(umask 077 && "$OMNICTL" genkey >"$T_DIR/$1/private.key")
	"$OMNICTL" pubkey <"$T_DIR/$1/private.key" >"$T_DIR/$1/public.key"
}
pubkey() { cat "$T_DIR/$1/public.key"; }

# node_conf NAME MNP UNDERLAY_LISTEN: writes the base config of node NAME;
# append peers with peer_conf. Extra [omni] keys may be passed in OMNI_EXTRA.
node_conf() {
	mkdir -p "$T_DIR/$1/conf.d"
	cat >"$T_DIR/$1/omnid.conf" <<EOC
[node]
name = $1
private_key_file = $T_DIR/$1/private.key
log_level = ${LOG_LEVEL:-info}

[omni]
tun = omni-$1
mnp = $2
${OMNI_EXTRA:-}
$( [ "${OFFLOAD:-yes}" = no ] && echo "offload = no" )

[secure]
${SECURE_EXTRA:-}

[underlay.u0]
listen = $3
${UNDERLAY_EXTRA:-}
$( [ "${OFFLOAD:-yes}" = no ] && echo "offload = no" )

[api]
socket = $T_DIR/$1/api.sock
EOC
}

# peer_conf NAME PEER MNP ENDPOINT [EXTRA-LINES]: adds [peer.PEER] to NAME's config.
peer_conf() {
	{
		echo
		echo "[peer.$2]"
		echo "public_key = $(pubkey "$2")"
		echo "mnp = $3"
		if [ -n "$4" ]; then echo "endpoint = $4"; fi
		if [ -n "${5:-}" ]; then printf '%s\n' "$5"; fi
	} >>"$T_DIR/$1/omnid.conf"
}

# start_node NAME: starts omnid in NAME's namespace, waits for its API socket.
start_node() {
	ip netns exec "$(ns "$1")" "$OMNID" --config "$T_DIR/$1/omnid.conf" \
		>>"$T_DIR/$1/omnid.log" 2>&1 &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	eval "PID_$1=$pid"
	i=0
	while ! [ -S "$T_DIR/$1/api.sock" ]; do
		kill -0 "$pid" 2>/dev/null || fail "omnid $1 exited during start"
		i=$((i + 1))
		[ $i -gt 100 ] && fail "omnid $1: API socket did not appear"
		sleep 0.05
	done
}

# stop_node NAME [SIGNAL]: stops node NAME by its recorded PID.
stop_node() {
	eval "pid=\$PID_$1"
	kill -"${2:-TERM}" "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "omnid $1 did not stop"
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
}

ctl() { n=$1; shift; "$OMNICTL" --socket "$T_DIR/$n/api.sock" "$@"; }
status_json() { ctl "$1" status --json; }
# counter NAME KEY: a global counter of node NAME.
counter() { status_json "$1" | jq -r ".counters[\"$2\"] // 0"; }
# peer_field NAME PEER FIELD
peer_field() { status_json "$1" | jq -r ".peers[] | select(.name == \"$2\") | .$3"; }

# wait_ping NAME DST [TIMEOUT_S]: until one ping from NAME to DST succeeds.
wait_ping() {
	end=$(( $(date +%s) + ${3:-10} ))
	while [ "$(date +%s)" -lt "$end" ]; do
		nx "$1" ping -c1 -W1 "$2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_for SECONDS CMD...: until CMD succeeds (0), or 1 after SECONDS.
wait_for() {
	end=$(( $(date +%s) + $1 )); shift
	while [ "$(date +%s)" -lt "$end" ]; do "$@" && return 0; sleep 0.1; done
	return 1
}

# aero_server_conf LISTEN AERO_KEYS CLIENT...: the config of the AERO server "s" (msid 7)
# listening on LISTEN, allowing each CLIENT to register 2001:db8:CLIENT::/48. AERO_KEYS
# ("" for none) is the body of its [aero] section. Keys must exist (genkey).
aero_server_conf() {
	_listen=$1 _aero=$2
	shift 2
	mkdir -p "$T_DIR/s"
	{
		printf '[node]\nname = s\nrole = server\nprivate_key_file = %s/private.key\n\n' "$T_DIR/s"
		printf '[omni]\ntun = omni-s\nmsid = 7\n\n'
		if [ -n "$_aero" ]; then printf '[aero]\n%s\n\n' "$_aero"; fi
		printf '[underlay.u0]\nlisten = %s\n\n[api]\nsocket = %s/api.sock\n' "$_listen" "$T_DIR/s"
		for _c in "$@"; do
			printf '\n[client.%s]\npublic_key = %s\nmnp = 2001:db8:%s::/48\n' "$_c" \
				"$(pubkey "$_c")" "$_c"
		done
	} >"$T_DIR/s/omnid.conf"
}

# aero_client_of NAME ENDPOINT: NAME registers with the server "s" reached at ENDPOINT.
aero_client_of() {
	printf '\n[server.s]\npublic_key = %s\nendpoint = %s\nmsid = 7\n' "$(pubkey s)" "$2" \
		>>"$T_DIR/$1/omnid.conf"
}

need() { for c in "$@"; do command -v "$c" >/dev/null || skip "$c missing"; done; }

# two_nodes: the default topology: a and b on a veth underlay 192.0.2.1/.2,
# MNPs 2001:db8:a::/48 / 2001:db8:b::/48 with their ::1 on the TUNs, and
# 10.77.0.1 / 10.77.0.2 as IPv4 inner addresses (each the other's allowed_prefix).
two_nodes() {
	add_ns a
	add_ns b
	link a b 192.0.2.1 192.0.2.2 24 "${UNDERLAY_MTU:-1500}"
	genkey a
	genkey b
	OMNI_EXTRA="address = 2001:db8:a::1/128
address = 10.77.0.1/24
${OMNI_EXTRA_A:-}" node_conf a 2001:db8:a::/48 192.0.2.1:8060
	OMNI_EXTRA="address = 2001:db8:b::1/128
address = 10.77.0.2/24
${OMNI_EXTRA_B:-}" node_conf b 2001:db8:b::/48 192.0.2.2:8060
	peer_conf a b 2001:db8:b::/48 192.0.2.2:8060 "allowed_prefix = 10.77.0.2/32
${PEER_EXTRA_A:-}"
	peer_conf b a 2001:db8:a::/48 192.0.2.1:8060 "allowed_prefix = 10.77.0.1/32
${PEER_EXTRA_B:-}"
}
