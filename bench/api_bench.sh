#!/bin/sh
# SPDX-License-Identifier: MIT
# api_bench.sh - control-API throughput: GET /v1/status over the UNIX socket,
# REQS requests on one keep-alive connection (one curl process, many URLs) as
# the local admin (no token), then one curl process per request. Prints
# requests per second. Uses the netns harness to run a real omnid.
# Usage: sh bench/api_bench.sh [REQS]   (default 5000)
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export SRC_ROOT
. "$SRC_ROOT/test/netns/lib.sh"
need curl
REQS=${1:-5000}
add_ns a
genkey a; genkey b
node_conf a 2001:db8:a::/48 127.0.0.1:8060
peer_conf a b 2001:db8:b::/48 127.0.0.1:8061
start_node a
SOCK=$T_DIR/a/api.sock

cfg=$T_DIR/curl.cfg
i=0
while [ $i -lt "$REQS" ]; do
	printf 'url = "http://localhost/v1/status"\noutput = "/dev/null"\n'
	i=$((i + 1))
done >"$cfg"
ms() { date +%s%N | cut -c1-13; }
t0=$(ms)
curl -s --unix-socket "$SOCK" -K "$cfg" -w '%{http_code}\n' >"$T_DIR/codes"
t1=$(ms)
ok=$(grep -c '^200$' "$T_DIR/codes" || true)
[ "$ok" = "$REQS" ] || fail "only $ok of $REQS answered 200"
echo "GET /v1/status, local admin, keep-alive: $REQS requests in $((t1 - t0)) ms =" \
	"$((REQS * 1000 / (t1 - t0 + 1))) req/s"

# Same with one curl process per request (connection set-up + process start each time).
N2=$((REQS / 10))
t0=$(ms)
i=0
while [ $i -lt $N2 ]; do
	curl -s -o /dev/null --unix-socket "$SOCK" http://localhost/v1/status
	i=$((i + 1))
done
t1=$(ms)
echo "GET /v1/status, one curl process per request: $N2 requests in $((t1 - t0)) ms =" \
	"$((N2 * 1000 / (t1 - t0 + 1))) req/s"
echo "omnid RSS after the runs: $(ps -o rss= -p "$PID_a") KiB"
