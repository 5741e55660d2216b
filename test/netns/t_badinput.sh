#!/bin/sh
# SPDX-License-Identifier: MIT
# Garbage on the underlay port and the API: every datagram is dropped and
# counted by reason, the daemon stays up and keeps forwarding.
. "$(dirname "$0")/lib.sh"
need ping jq curl
two_nodes
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity"

u0=$(counter b drop_unknown_type); s0=$(counter b drop_short)
i0=$(counter b drop_unknown_index); h0=$(counter b hs_bad_mac1)
p0=$(counter b drop_plain_disabled)
nx a /usr/bin/python3 - <<'PY'
import os, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst = ("192.0.2.2", 8060)
def send(b): s.sendto(b, dst)
for t in (0x00, 0x03, 0x05, 0xff, 0x13):            # 5 unknown types
    send(bytes([t]) + os.urandom(40))
send(b"\x04"); send(b"\x04" + bytes(30))             # 2 short data
send(b"\x01" + bytes(10))                            # short initiation -> short
for i in range(4):                                   # 4 unknown receiver index
    send(b"\x04\x00\x00\x00" + struct.pack(">IQ", 0xdead0000 + i, i) + os.urandom(48))
for i in range(3):                                   # 3 initiations with bad mac1
    send(b"\x01\x00\x00\x00" + os.urandom(128))
send(b"\x60" + os.urandom(100))                      # plain carrier, not enabled
for i in range(2000):                                # a flood of random junk
    send(os.urandom(1 + i % 1400))
PY
sleep 0.5
eval "kill -0 \$PID_b" || fail "b died on garbage"
[ $(( $(counter b drop_unknown_type) - u0 )) -ge 5 ] || fail "unknown types not counted"
[ $(( $(counter b drop_short) - s0 )) -ge 3 ] || fail "short datagrams not counted"
[ $(( $(counter b drop_unknown_index) - i0 )) -ge 4 ] || fail "unknown index not counted"
[ $(( $(counter b hs_bad_mac1) - h0 )) -ge 3 ] || fail "bad mac1 not counted"
[ $(( $(counter b drop_plain_disabled) - p0 )) -ge 1 ] || fail "plain carrier not counted"
nx a ping -q -c 3 -i 0.1 -W 2 2001:db8:b::1 >/dev/null || fail "forwarding broken after garbage"

# Control API: unknown path 404, wrong method 405, both with an error object.
sock=$T_DIR/b/api.sock
c=$(curl -s -o "$T_DIR/r.json" -w '%{http_code}' --unix-socket "$sock" http://localhost/v1/nope)
[ "$c" = 404 ] || fail "GET /v1/nope gave $c"
jq -e '.error.code' "$T_DIR/r.json" >/dev/null || fail "404 without error object"
c=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" -X DELETE http://localhost/v1/status)
[ "$c" = 405 ] || fail "DELETE /v1/status gave $c"
head -c 100000 /dev/urandom >"$T_DIR/big"
# (Expect: 100-continue: the answer comes before the body; without it curl may still be
# writing into the socket the daemon closed after answering, and get EPIPE under load)
c=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" -X POST --data-binary @"$T_DIR/big" \
	-H 'Content-Type: application/json' -H 'Expect: 100-continue' http://localhost/v1/status)
[ "$c" = 413 ] || [ "$c" = 405 ] || fail "100 kB POST gave $c"
eval "kill -0 \$PID_b" || fail "b died on API garbage"
ctl b status >/dev/null || fail "omnictl status failed after garbage"
echo "PASS"
