#!/bin/sh
# SPDX-License-Identifier: MIT
# Killing one node (SIGKILL, no goodbye) and starting it again: traffic
# recovers within 5 s, because a starting node initiates to every neighbor
# with a configured endpoint. Also SIGTERM stops cleanly (exit 0, TUN gone).
. "$(dirname "$0")/lib.sh"
need ping jq
two_nodes
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity"

stop_node b KILL
start_node b
t0=$(date +%s%N)
wait_ping a 2001:db8:b::1 5 || fail "no recovery within 5 s after restart of b"
t1=$(date +%s%N)
info "recovered $(( (t1 - t0) / 1000000 )) ms after b restarted"
nx b ping -q -c 2 -W 2 2001:db8:a::1 >/dev/null || fail "b -> a after restart"

eval "pid=\$PID_a"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "SIGTERM: omnid a exited with $rc"
nx a ip link show omni-a >/dev/null 2>&1 && fail "TUN omni-a still exists after stop"
[ -e "$T_DIR/a/api.sock" ] && fail "API socket left behind"
echo "PASS"
