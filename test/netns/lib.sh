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
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OMNID=${OMNID:-$SRC_ROOT/build/daemon/omnid}
OMNICTL=${OMNICTL:-$SRC_ROOT/build/cli/omnictl}
# A test that runs no omnid (t_topo.sh) sets T_NO_OMNID=1 before sourcing this file.
if [ -z "${T_NO_OMNID:-}" ]; then
	[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip "/dev/net/tun not accessible to uid $(id -u) (Debian's udev default is mode 0666)"
	[ -x "$OMNID" ] || fail "omnid binary not found at $OMNID"
	[ -x "$OMNICTL" ] || fail "omnictl binary not found at $OMNICTL"
fi

T_ID=$$
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/omnid-test.XXXXXX")
chmod 755 "$T_DIR"
T_NS=""
T_PIDS=""

# ours PID: PID is still a child of this shell (not reaped, so not reused by another process).
ours() { [ "$(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = "$$" ]; }

cleanup() {
	set +e
	_mine=""
	for p in $T_PIDS; do ours "$p" && _mine="$_mine $p"; done
	for p in $_mine; do kill -TERM "$p" 2>/dev/null; done
	for p in $_mine; do
		i=0
		while ours "$p" && kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
		ours "$p" && kill -KILL "$p" 2>/dev/null
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

# aero_ml_topo: the multilink tests' nodes. Server s (underlay address 10.9.9.9 on
# its loopback), client a with two veths to s (10.1.0.2/24 as $VA1, 10.2.0.2/24 as
# $VA2; s's ends 10.1.0.1 and 10.2.0.1, $VS2 the second), client b on 198.51.100.1/24.
aero_ml_topo() {
	add_ns s
	add_ns a
	add_ns b
	link a s 10.1.0.2 10.1.0.1 24
	# the second veth between a and s (link() names one per pair)
	VA2=$(echo "vas2$T_ID" | cut -c1-15) VS2=$(echo "vsa2$T_ID" | cut -c1-15)
	ip link add "$VA2" netns "$(ns a)" type veth peer name "$VS2" netns "$(ns s)"
	ip -n "$(ns a)" addr add 10.2.0.2/24 dev "$VA2"
	ip -n "$(ns s)" addr add 10.2.0.1/24 dev "$VS2"
	ip -n "$(ns a)" link set "$VA2" up
	ip -n "$(ns s)" link set "$VS2" up
	VA1=$LINK_a_s
	link b s 198.51.100.1 198.51.100.2 24
	nx s ip addr add 10.9.9.9/32 dev lo
}

# aero_ml_routes: a's two underlay sockets each leave by their own veth towards s's
# 10.9.9.9 (policy routing by source address). The kernel drops these routes when a
# link goes down: call it again to put them back.
aero_ml_routes() {
	nx a ip route replace 10.9.9.9/32 via 10.1.0.1 dev "$VA1"
	nx a ip route replace 10.9.9.9/32 via 10.2.0.1 dev "$VA2" table 100
}

# aero_ml_policy: aero_ml_routes plus the rule for a's second address (whose datagrams
# must not fall through to the main table when its link is down), b's route to s and
# IPv6 forwarding on s.
aero_ml_policy() {
	aero_ml_routes
	nx a ip rule add from 10.2.0.2 table 100
	nx a ip route add unreachable 10.9.9.9/32 metric 1000 table 100
	nx b ip route add 10.9.9.9/32 via 198.51.100.2
	nx s sh -c "echo 1 >/proc/sys/net/ipv6/conf/all/forwarding" || fail "cannot enable forwarding"
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

# ---- Topology helpers (docs/testing.md) -------------------------------------
# Build routers, NATs and impaired links from namespaces made by add_ns/link;
# they need no root (a user + network namespace is enough) and no netem:
#   router NAME                   add_ns NAME with IPv4 and IPv6 forwarding on
#   link_if A B                   prints A's interface on the link A-B
#   link_addr A B ADDR/PLEN       one more address on A's end of the link A-B
#   route_via NAME DEST GW        route DEST (a prefix or "default") via GW in NAME
#   nat NAME OUT eim|symmetric    IPv4 masquerade in NAME out of OUT (a node name
#                                 NAME is linked to, or an interface): eim keeps the
#                                 source port for every destination (endpoint-
#                                 independent mapping); symmetric is fully-random,
#                                 a new port per destination. Filtering is always
#                                 connection-tracked (replies only). Turns on forwarding.
#   nat_udp_timeout NAME SECONDS  idle UDP mappings of NAME's NAT expire after SECONDS
#   link_rate A B RATE [BURST]    tc tbf at RATE (tc units: 8mbit, 500kbit) on both
#                                 ends of A-B, so each direction is limited; RATE off
#                                 removes it. BURST defaults to 16kb.
#   link_loss A B PCT [both|ab|ba] drop PCT % of the IP packets crossing A-B in the
#                                 given direction (ab: sent by A), nftables
#                                 "numgen random mod 100 < PCT drop" on the receiving
#                                 end's ingress; PCT 0 removes it.
#   link_dropped A B              packets link_loss dropped on their way from A to B
#   bg NAME CMD...                CMD in NAME's namespace in the background; its PID
#                                 (in BG_PID) is stopped at exit
#   link_delay A B MS             netem delay on both ends; skips the test (77)
#                                 where the kernel has no netem (these machines).

bg() {
	_n=$(ns "$1")
	shift
	ip netns exec "$_n" "$@" &
	BG_PID=$!
	T_PIDS="$T_PIDS $BG_PID"
}

link_if() { eval "_li=\${LINK_${1}_${2}:-}"; [ -n "$_li" ] || return 1; echo "$_li"; }

router() {
	add_ns "$1"
	nx "$1" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/forwarding &&
		echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' || fail "forwarding in $1"
}

link_addr() {
	_d=$(link_if "$1" "$2") || fail "link_addr: no link $1-$2"
	case $3 in *:*) nodad=nodad ;; *) nodad= ;; esac
	ip -n "$(ns "$1")" addr add "$3" dev "$_d" $nodad || fail "address $3 on $_d in $1"
}

route_via() { nx "$1" ip route replace "$2" via "$3" || fail "route $2 via $3 in $1"; }

nat() {
	_out=$(link_if "$1" "$2") || _out=$2
	case $3 in
	eim) _flags= ;;
	symmetric) _flags=fully-random ;;
	*) fail "nat $1: type $3 is not eim or symmetric" ;;
	esac
	nx "$1" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/forwarding' || fail "forwarding in $1"
	nx "$1" nft -f - <<EON || fail "nftables NAT in $1"
table ip omt_nat
delete table ip omt_nat
table ip omt_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$_out" masquerade $_flags
	}
}
EON
}

nat_udp_timeout() {
	nx "$1" sh -c "echo $2 >/proc/sys/net/netfilter/nf_conntrack_udp_timeout &&
		echo $2 >/proc/sys/net/netfilter/nf_conntrack_udp_timeout_stream" ||
		fail "conntrack UDP timeout in $1"
}

# _qdisc NODE PEER ARGS...: the root qdisc of NODE's end of the link to PEER.
_qdisc() {
	_d=$(link_if "$1" "$2") || fail "no link $1-$2"
	_n=$1
	shift 2
	nx "$_n" tc qdisc replace dev "$_d" root "$@"
}

link_rate() {
	if [ "$3" = off ]; then
		nx "$1" tc qdisc del dev "$(link_if "$1" "$2")" root 2>/dev/null || true
		nx "$2" tc qdisc del dev "$(link_if "$2" "$1")" root 2>/dev/null || true
		return 0
	fi
	for _e in "$1 $2" "$2 $1"; do
		_qdisc $_e tbf rate "$3" burst "${4:-16kb}" latency 100ms || fail "tbf on $1-$2"
	done
}

# _loss_in FROM TO PCT: the drop rule on TO's end of the link, for packets from FROM.
_loss_in() {
	_d=$(link_if "$2" "$1") || fail "link_loss: no link $1-$2"
	_t=omt_loss_$(echo "$_d" | tr -c 'a-zA-Z0-9\n' _)
	nx "$2" nft delete table netdev "$_t" 2>/dev/null || true
	[ "$3" -eq 0 ] && return 0
	nx "$2" nft -f - <<EON || fail "nftables loss on $_d in $2"
table netdev $_t {
	chain in {
		type filter hook ingress device "$_d" priority filter; policy accept;
		meta protocol { ip, ip6 } numgen random mod 100 < $3 counter drop
	}
}
EON
}

link_loss() {
	case $3 in *[!0-9]* | '') fail "link_loss: bad percentage $3" ;; esac
	[ "$3" -le 100 ] || fail "link_loss: bad percentage $3"
	case ${4:-both} in
	both) _loss_in "$1" "$2" "$3"; _loss_in "$2" "$1" "$3" ;;
	ab) _loss_in "$1" "$2" "$3"; _loss_in "$2" "$1" 0 ;;
	ba) _loss_in "$2" "$1" "$3"; _loss_in "$1" "$2" 0 ;;
	*) fail "link_loss: direction $4 is not both, ab or ba" ;;
	esac
}

link_dropped() {
	_d=$(link_if "$2" "$1") || fail "link_dropped: no link $1-$2"
	_t=omt_loss_$(echo "$_d" | tr -c 'a-zA-Z0-9\n' _)
	nx "$2" nft list table netdev "$_t" 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1) }' |
		grep . || echo 0
}

link_delay() {
	for _e in "$1 $2" "$2 $1"; do
		_qdisc $_e netem delay "${3}ms" 2>/dev/null ||
			skip "no netem qdisc in this kernel: delay emulation unavailable"
	done
}
