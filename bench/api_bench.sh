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
# With a DPoP-bound token (EdDSA token + EdDSA proof, a fresh proof per request:
# two signature checks, two replay-cache inserts per request), keep-alive.
if /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
	N3=$((REQS / 5))
	/usr/bin/python3 "$SRC_ROOT/test/netns/t_api_mint.py" keys "$T_DIR/keys"
	CK=$(printf '11%.0s' $(seq 32))
	kill "$PID_a"; wait "$PID_a" 2>/dev/null || true
	cat >>"$T_DIR/a/omnid.conf" <<EOC

[api]
audience = urn:omnid:test

[issuer.ed]
iss = https://idp.test
key_file = $T_DIR/keys/issuer_ed.pub.pem
alg = EdDSA

[agent.bench]
sub = agent-ops-01
checksum = $CK
max_scopes = status.read
EOC
	rm -f "$SOCK"
	start_node a
	/usr/bin/python3 "$SRC_ROOT/test/netns/t_api_mint.py" mint "$T_DIR/keys" --count "$N3" \
		--lifetime 600 >"$T_DIR/tok"
	tok=$(sed -n 1p "$T_DIR/tok")
	# "next" resets the per-URL options, so every block carries its own.
	sed -n '2,$p' "$T_DIR/tok" | while read -r proof; do
		[ -n "${first:-}" ] && echo next
		first=no
		printf 'url = "http://localhost/v1/status"\noutput = "/dev/null"\nsilent\n'
		printf 'unix-socket = "%s"\nwrite-out = "%%{http_code}\\n"\n' "$SOCK"
		printf 'header = "Authorization: DPoP %s"\nheader = "DPoP: %s"\n' "$tok" "$proof"
	done >"$T_DIR/curl-tok.cfg"
	t0=$(ms)
	curl -K "$T_DIR/curl-tok.cfg" >"$T_DIR/codes"
	t1=$(ms)
	ok=$(grep -c '^200$' "$T_DIR/codes" || true)
	[ "$ok" = "$N3" ] || fail "token run: only $ok of $N3 answered 200"
	echo "GET /v1/status, DPoP token (EdDSA), keep-alive: $N3 requests in $((t1 - t0)) ms =" \
		"$((N3 * 1000 / (t1 - t0 + 1))) req/s"
fi
echo "omnid RSS after the runs: $(ps -o rss= -p "$PID_a") KiB"
