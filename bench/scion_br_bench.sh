#!/bin/sh
# SPDX-License-Identifier: MIT
# scion_br_bench.sh - socket-level SCION benchmark (not a test; docs/scion.md,
# docs/benchmarks.md). In namespaces of its own (test/netns/lib.sh: `ip netns`
# as root, `unshare -Urnm` otherwise) it runs ONE omnid and floods it with
# bench/scion_flood:
#   br:    omnid as the border router of AS 1-2 (link 1 from the generator,
#          link 2 to the sink); UDP/SCION packets with 64 octets of payload
#          whose hop field for 1-2 carries a valid MAC; the sink counts the
#          forwarded packets (CurrHF advanced to 2).
#   relay: the I/O floor: in omnid's place (same namespace and CPU) a bare
#          recvmmsg -> sendmmsg relay (scion_flood relay) passes the same
#          packets on unchanged; no SCION processing.
#   encap: omnid as a SCION end host of AS 1-1; 64-octet UDP datagrams into
#          its TUN are encapsulated (IP-in-SCION) and sent to the sink, which
#          stands in for the first-hop BR.
# Per run: forwarded packets/s at the sink over a window, omnid's CPU% (utime
# + stime of all its threads from /proc/PID/stat over the same window), and
# Mpps per core of omnid CPU = pps / CPU fraction. With 2+ CPUs omnid is
# pinned to CPU 1 and the generator and sink share CPU 0; they still compete
# with each other and with anything else on a shared machine, so the
# CPU-normalised figure is the comparable one. Medians of RUNS runs.
#   sh bench/scion_br_bench.sh      (env: OMNID, OMNICTL, FLOOD, RUNS=3, SECONDS_RUN=5)
# Build a release tree first for figures worth quoting:
#   meson setup build-bench --buildtype=release && ninja -C build-bench
#   OMNID=$PWD/build-bench/daemon/omnid OMNICTL=$PWD/build-bench/cli/omnictl \
#   FLOOD=$PWD/build-bench/bench/scion_flood sh bench/scion_br_bench.sh
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export SRC_ROOT
# shellcheck source=../test/netns/lib.sh disable=SC1091
. "$SRC_ROOT/test/netns/lib.sh"
need jq taskset awk

FLOOD=${FLOOD:-$(dirname "$OMNID")/../bench/scion_flood}
[ -x "$FLOOD" ] || fail "scion_flood not found at $FLOOD (set FLOOD)"
RUNS=${RUNS:-3}
SECS=${SECONDS_RUN:-5}
WARM=1
# The CPUs this script may use (a cpuset may leave out CPU 0): the first for the generator
# and sink, the second for the forwarder.
CPUS=$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
	awk -F- '{ for (i = $1; i <= ($2 == "" ? $1 : $2); i++) print i }')
CPU_L=$(echo "$CPUS" | sed -n 1p)
CPU_D=$(echo "$CPUS" | sed -n 2p)
if [ -n "$CPU_D" ]; then
	info "omnid pinned to CPU $CPU_D, generator and sink to CPU $CPU_L ($(nproc) CPUs)"
else
	CPU_D=$CPU_L
	info "one CPU: omnid, generator and sink all share it"
fi
info "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

KEY=$(head -c 16 /dev/urandom | base64)

add_ns g
add_ns b
add_ns s
add_ns h
add_ns f
for N in b h; do genkey $N; done
link g b 10.12.0.1 10.12.0.2 24
link b s 10.24.0.1 10.24.0.2 24
link h f 10.1.0.2 10.1.0.1 24

# The border router: AS 1-2, link l21 (ifid 1) to the generator, l24 (ifid 2) to the sink.
node_conf b 2001:db8:2::/48 127.0.0.1:8060
cat >>"$T_DIR/b/omnid.conf" <<EOC

[scion]
role = router
isd_as = 1-2
listen = 10.12.0.2:30042
forwarding_key = $KEY

[scion.link.l21]
ifid = 1
local = 10.12.0.2:50000
remote = 10.12.0.1:50000

[scion.link.l24]
ifid = 2
local = 10.24.0.1:50000
remote = 10.24.0.2:50000
EOC

# The end host: AS 1-1, first hop 10.1.0.1 (the sink), one path 1-1#1 1-2#1,2 1-4#1 to
# 1-4 (its MACs are not checked: no BR follows), route 10.104.0.0/24 -> 1-4.
TS=$(( $(date +%s) - 60 ))
RAW=$(printf '00003000%s%08x%s%s%s' 01001234 "$TS" 003f00000001000000000000 \
	003f00010002000000000000 003f00010000000000000000)
cat >"$T_DIR/paths-h.json" <<EOJ
{"version": 1, "destinations": [{"ia": "1-4", "paths": [{"name": "p", "mtu": 1400,
 "interfaces": [{"ia": "1-1", "ifid": 1}, {"ia": "1-2", "ifid": 1}, {"ia": "1-2", "ifid": 2},
 {"ia": "1-4", "ifid": 1}], "expires_ms": $(( TS * 1000 + 21600000 )), "raw": "$RAW"}]}]}
EOJ
OMNI_EXTRA='address = 10.101.0.1/32' node_conf h 2001:db8:1::/48 127.0.0.1:8060
cat >>"$T_DIR/h/omnid.conf" <<EOC

[scion]
role = host
isd_as = 1-1
listen = 10.1.0.2:30041
first_hop = 10.1.0.1:30042
path_file = $T_DIR/paths-h.json
probe_interval = 0

[scion.route.far]
isd_as = 1-4
host = 10.4.0.2
prefix = 10.104.0.0/24
EOC

start_node b
start_node h
eval "BR_PID=\$PID_b HOST_PID=\$PID_h"
taskset -a -p -c "$CPU_D" "$BR_PID" >/dev/null || fail "taskset omnid b"
taskset -a -p -c "$CPU_D" "$HOST_PID" >/dev/null || fail "taskset omnid h"
taskset -c "$CPU_D" ip netns exec "$(ns b)" "$FLOOD" relay 10.12.0.2:50001 10.24.0.1:50001 \
	10.24.0.2:50000 >"$T_DIR/relay.out" 2>&1 &
RELAY_PID=$!
T_PIDS="$T_PIDS $RELAY_PID"

# udp_drops NAME: the UDP RcvbufErrors so far of node NAME's namespace.
udp_drops() {
	# shellcheck disable=SC2016
	nx "$1" awk '/^Udp:/ {
		if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"]
	}' /proc/net/snmp
}

# one_run SCENARIO: one measurement; appends "pps cpu_fwd cpu_gen cpu_sink wait_fwd" to
# $T_DIR/SCENARIO (the forwarder: omnid, or the relay).
one_run() {
	case $1 in
	br)
		sink_ns=s sink_at=10.24.0.2:50000 hf=2 dpid=$BR_PID gen_ns=g d_ns=b
		set -- br br "$KEY" 10.12.0.1:50000 10.12.0.2:50000
		;;
	relay)
		sink_ns=s sink_at=10.24.0.2:50000 hf=1 dpid=$RELAY_PID gen_ns=g d_ns=b
		set -- relay br "$KEY" 10.12.0.1:50001 10.12.0.2:50001
		;;
	encap)
		sink_ns=f sink_at=10.1.0.1:30042 hf=0 dpid=$HOST_PID gen_ns=h d_ns=h
		set -- encap udp 64 10.101.0.1:40000 10.104.0.1:40000
		;;
	esac
	scen=$1
	shift
	taskset -c "$CPU_L" ip netns exec "$(ns "$gen_ns")" "$FLOOD" "$@" $((WARM + SECS + 1)) \
		>"$T_DIR/gen.out" 2>&1 &
	gpid=$!
	T_PIDS="$T_PIDS $gpid"
	sleep 0.1
	kill -0 "$gpid" 2>/dev/null || fail "generator exited: $(cat "$T_DIR/gen.out")"
	taskset -c "$CPU_L" ip netns exec "$(ns "$sink_ns")" "$FLOOD" sink "$sink_at" "$WARM" \
		"$SECS" "$hf" "$dpid" "$gpid" 0 >"$T_DIR/sink.out" 2>&1 &
	spid=$!
	T_PIDS="$T_PIDS $spid"
	wait "$spid" || fail "sink failed: $(cat "$T_DIR/sink.out")"
	wait "$gpid" || fail "generator failed: $(cat "$T_DIR/gen.out")"
	# window_s W rx N pps P other O cpu C_omnid C_gen C_sink wait D_omnid D_gen D_sink
	read -r _ w _ rx _ pps _ other _ cd cg cs _ dd _ <"$T_DIR/sink.out" ||
		fail "sink output: $(cat "$T_DIR/sink.out")"
	[ "$rx" -gt 0 ] || fail "$scen: nothing arrived at the sink ($(cat "$T_DIR/sink.out"))"
	info "$scen run: ${w}s, $rx at the sink ($pps/s, $other other), CPU% forwarder $cd" \
		"generator $cg sink $cs; the forwarder waited for a CPU ${dd}% of the window;" \
		"$(cat "$T_DIR/gen.out"); UDP receive-buffer drops so far: omnid's netns $(udp_drops "$d_ns")," \
		"sink's $(udp_drops "$sink_ns")"
	echo "$pps $cd $cg $cs $dd" >>"$T_DIR/$scen"
}

# med: the median of the numbers on stdin, one a line.
med() {
	sort -n | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for scen in br relay encap; do
	: >"$T_DIR/$scen"
	r=0
	while [ $r -lt "$RUNS" ]; do one_run "$scen"; r=$((r + 1)); done
done

# The BR dropped nothing it should have forwarded; the host encapsulated.
for r in bad_mac expired bad_header bad_ingress if_down; do
	[ "$(counter b "scion_br_$r")" = 0 ] || fail "BR counted scion_br_$r = $(counter b "scion_br_$r")"
done
info "BR forwarded $(counter b scion_br_forwarded) packets in all; host encapsulated" \
	"$(counter h scion_tx_packets)"

echo
echo "SCION socket-level benchmark, median of $RUNS runs of ${SECS}s, 64-octet payloads,"
echo "$(nproc) CPUs (forwarder on CPU $CPU_D, generator + sink on CPU $CPU_L)," \
	"load avg $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %9s %9s %10s %10s %9s %9s\n' scenario "pkts/s" "fwd CPU%" "fwd wait%" "Mpps/core" \
	"gen CPU%" "sink CPU%"
for scen in br relay encap; do
	pps=$(cut -d' ' -f1 "$T_DIR/$scen" | med)
	cd=$(cut -d' ' -f2 "$T_DIR/$scen" | med)
	cg=$(cut -d' ' -f3 "$T_DIR/$scen" | med)
	cs=$(cut -d' ' -f4 "$T_DIR/$scen" | med)
	dd=$(cut -d' ' -f5 "$T_DIR/$scen" | med)
	# Per core: the median of each run's pps / CPU fraction.
	per=$(awk '$2 > 0 { print $1 / ($2 / 100) / 1e6 }' "$T_DIR/$scen" | med)
	case $scen in
	br) name="omnid BR transit (1 MAC)" ;;
	relay) name="bare UDP relay (I/O floor)" ;;
	encap) name="omnid host TUN -> SCION" ;;
	esac
	printf '%-28s %9.0f %9.1f %9.1f %10.3f %9.1f %9.1f\n' "$name" "$pps" "$cd" "$dd" "$per" "$cg" \
		"$cs"
done
echo "reference (spec/scion.md §9): scionproto Go BR ~0.4-0.5 Mpps per core with I/O (25 Gbit/s"
echo "bench), 0.256 Mpps on one core on veth in a VM; compare the Mpps/core column, and omnid to"
echo "the relay floor of the same run (the machine is shared: pkts/s follows the CPU it got)."
