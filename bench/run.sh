#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh - side-by-side throughput benchmark (root; not a test).
# Builds a release omnid, installs the peer overlays from Debian, runs the
# shared harness (../shared/bench/peers.sh) with omnid registered, and prints
# the harness table plus omnid's ratio to each peer, all from ONE run.
#   ROUNDS=2 bash bench/run.sh        PEERS="baseline fastd omnid" bash bench/run.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
HARNESS=$SHARED/bench/peers.sh
[ "$(id -u)" = 0 ] || { echo "bench: run as root (ip netns)" >&2; exit 1; }
[ -f "$HARNESS" ] || { echo "bench: $HARNESS not found" >&2; exit 1; }

missing=""
for p in iperf3 jq iproute2 iputils-ping wireguard-go wireguard-tools tinc fastd nebula n2n; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

B=$ROOT/build-bench
if [ -f "$B/build.ninja" ]; then meson setup --reconfigure "$B" --buildtype=release >/dev/null
else meson setup "$B" --buildtype=release >/dev/null; fi
ninja -C "$B" daemon/omnid cli/omnictl >/dev/null

OUT=$ROOT/bench/results
mkdir -p "$OUT"
TSV=$OUT/$(date -u +%Y%m%dT%H%M%SZ).tsv
LAT_TSV=$OUT/$(date -u +%Y%m%dT%H%M%SZ)-latency.tsv
: >"$LAT_TSV"
export OMNID=$B/daemon/omnid OMNICTL=$B/cli/omnictl TSV LAT_TSV
export PEERS=${PEERS:-"baseline wireguard-go tinc fastd fastd-null nebula omnid omnid-nooff"}
EXTRA=$ROOT/bench/extra.sh bash "$HARNESS"

echo
echo "omnid relative to each peer (same run; >1 means omnid is faster):"
awk -F'\t' '
	{ tcp1[$2]=$4; tcp4[$2]=$5; urx[$2]=$7; order[NR]=$2; n=NR }
	function r(a, b) { return (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) ? sprintf("%.2f", a / b) : "-" }
	END {
		if (!("omnid" in tcp1)) { print "  omnid row missing"; exit 1 }
		printf "  %-13s %8s %8s %10s\n", "vs", "TCP1", "TCP4", "UDP64 rx"
		for (i = 1; i <= n; i++) { p = order[i]; if (p ~ /^omnid/ || seen[p]++) continue
			printf "  %-13s %8s %8s %10s\n", p, r(tcp1["omnid"], tcp1[p]), r(tcp4["omnid"], tcp4[p]), r(urx["omnid"], urx[p]) }
	}' "$TSV"

echo
echo "ping RTT through each overlay, ms (40 pings at 50 ms; under load = during an iperf3 TCP stream):"
printf '  %-13s %9s %9s %11s %11s\n' peer "idle avg" "idle max" "loaded avg" "loaded max"
while IFS=$'\t' read -r p ia im la lm; do
	printf '  %-13s %9s %9s %11s %11s\n' "$p" "$ia" "$im" "$la" "$lm"
done <"$LAT_TSV"
