#!/bin/sh
# SPDX-License-Identifier: MIT
# A capture on the underlay holds carrier packets but no plaintext inner
# packet: a recognisable ping payload never appears in it. A positive control
# sends the same pattern in clear over the underlay to prove the check sees it.
. "$(dirname "$0")/lib.sh"
need ping tshark jq python3
two_nodes
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity"

pat=c0ffee11deadbeef
ul=$LINK_b_a
nx b tshark -q -a duration:4 -i "$ul" -w "$T_DIR/ul.pcap" -f "udp" >"$T_DIR/tshark.log" 2>&1 &
cap=$!
T_PIDS="$T_PIDS $cap"
i=0
while ! grep -q "Capturing on" "$T_DIR/tshark.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "tshark did not start"; sleep 0.1
done
nx a ping -q -c 5 -i 0.1 -s 1000 -p "$pat" 2001:db8:b::1 >/dev/null || fail "ping failed"
nx a ping -q -c 5 -i 0.1 -s 1000 -p "$pat" 10.77.0.2 >/dev/null || fail "ping4 failed"
wait "$cap" || fail "tshark failed: $(cat "$T_DIR"/tshark*.log)"

hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
n=$(tshark -r "$T_DIR/ul.pcap" -Y "udp.port == 8060" 2>/dev/null | wc -l)
# UDP GSO runs cross the veth unsegmented, so a capture may hold fewer, larger packets.
[ "$n" -ge 10 ] || fail "capture holds only $n carrier packets"
hex "$T_DIR/ul.pcap" | grep -q "$pat$pat" && fail "plaintext ping payload visible on the underlay"
info "$n carrier packets captured, no plaintext payload"

# Positive control: the same pattern sent in clear must be found.
nx b tshark -q -a duration:2 -i "$ul" -w "$T_DIR/ctl.pcap" -f "udp port 9" >"$T_DIR/tshark2.log" 2>&1 &
cap=$!
T_PIDS="$T_PIDS $cap"
i=0
while ! grep -q "Capturing on" "$T_DIR/tshark2.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "tshark did not start"; sleep 0.1
done
nx a /usr/bin/python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(bytes.fromhex('$pat'*8), ('192.0.2.2', 9))"
wait "$cap" || fail "tshark failed: $(cat "$T_DIR"/tshark*.log)"
hex "$T_DIR/ctl.pcap" | grep -q "$pat$pat" || fail "control: clear pattern not found in capture"
echo "PASS"
