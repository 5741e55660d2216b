#!/bin/sh
# SPDX-License-Identifier: MIT
# Control API (issue 5): a real omnid called with curl over its UNIX socket and
# its loopback TCP listener.
#  (a) Agentic JWTs and DPoP proofs minted by an independent implementation
#      (Debian's python3-jwt + python3-cryptography, t_api_mint.py), EdDSA and
#      ES256: allowed operations succeed and change state; wrong scope, scope
#      escalation, replayed jti and proof, bad htu, wrong ath, expired token,
#      unknown agent checksum, Bearer and a foreign proof key are refused, change
#      nothing, and every refusal is in the audit log.
#  (b) as root: a uid outside the groups is refused, the read-only group cannot
#      write, the admin group can (setpriv); skipped with a message otherwise.
#  (c) durability: API changes live in conf.d/90-api.conf, survive a restart,
#      and an admin-defined peer cannot be deleted through the API (409).
. "$(dirname "$0")/lib.sh"
need curl jq
PY=/usr/bin/python3
$PY -c 'import jwt, cryptography' 2>/dev/null || skip "python3-jwt / python3-cryptography missing"
MINT="$PY $(dirname "$0")/t_api_mint.py"

add_ns a
genkey a; genkey b; genkey g; genkey h; genkey x
$MINT keys "$T_DIR/keys"
node_conf a 2001:db8:a::/48 127.0.0.1:8060
peer_conf a b 2001:db8:b::/48 127.0.0.1:8061
cat >>"$T_DIR/a/omnid.conf" <<EOC

[api]
audit_log = $T_DIR/a/audit.log
audience = urn:omnid:test
listen_tcp = 127.0.0.1:7411
socket_group = nogroup
admin_group = staff
readonly_group = users
single_use_writes = yes

[issuer.ed]
iss = https://idp.test
key_file = $T_DIR/keys/issuer_ed.pub.pem
alg = EdDSA

[issuer.es]
iss = https://idp-es.test
key_file = $T_DIR/keys/issuer_es.pub.pem
alg = ES256

[agent.ops]
sub = agent-ops-01
checksum = $(printf '11%.0s' $(seq 32))
max_scopes = status.read peer.read peer.write audit.read log.read

[agent.reader]
sub = agent-ro-01
checksum = $(printf '33%.0s' $(seq 32))
max_scopes = status.read peer.read

[agent.local]
sub = agent-local-01
checksum = $(printf '44%.0s' $(seq 32))
max_scopes = status.read
peer_uid = 0
EOC
start_node a
SOCK=$T_DIR/a/api.sock
BODY=$T_DIR/body

# call METHOD PATH [JSON] [curl args...]: prints the HTTP status; body in $BODY.
call() {
	m=$1 p=$2 d=${3:-}
	shift 2; [ $# -gt 0 ] && shift
	if [ -n "$d" ]; then
		curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" -X "$m" \
			-H 'Content-Type: application/json' --data "$d" "$@" "http://localhost$p"
	else
		curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" -X "$m" "$@" \
			"http://localhost$p"
	fi
}
# tcall METHOD PATH JSON MINT-ARGS...: a request with a freshly minted token and proof.
tcall() {
	m=$1 p=$2 d=$3
	shift 3
	out=$($MINT mint "$T_DIR/keys" --method "$m" --path "$p" "$@")
	TOK=$(echo "$out" | sed -n 1p) PROOF=$(echo "$out" | sed -n 2p)
	call "$m" "$p" "$d" -H "Authorization: DPoP $TOK" -H "DPoP: $PROOF"
}
expect() { # expect WANT GOT WHAT
	[ "$1" = "$2" ] || fail "$3: HTTP $2, want $1: $(cat "$BODY" 2>/dev/null)"
}
ecode() { jq -r .error.code "$BODY"; }
peer_json() { # peer_json NAME MNP
	printf '{"name":"%s","public_key":"%s","mnp":"%s","endpoint":["127.0.0.1:9%03d"]}' \
		"$1" "$(pubkey "$1")" "$2" "$(printf %s "$1" | od -An -tu1 | tr -d ' ')"
}
npeers() { call GET /v1/peers >/dev/null; jq '.peers | length' "$BODY"; }
denies() { grep -c '"decision":"deny"' "$T_DIR/a/audit.log" || true; }

ES="--issuer es --iss https://idp-es.test"

# ---- (a) tokens -------------------------------------------------------------
info "tokens: allowed operations"
expect 200 "$(tcall GET /v1/status '' --scope status.read)" "EdDSA token, status.read"
[ "$(jq -r .node "$BODY")" = a ] || fail "status body"
expect 200 "$(tcall GET /v1/status '' $ES --dpop es --scope 'status.read peer.read')" \
	"ES256 token + ES256 proof"
expect 201 "$(tcall POST /v1/peers "$(peer_json g 2001:db8:70::/48)" $ES \
	--scope 'peer.read peer.write' --workflow wf-add --step add-g)" "token peer add"
[ "$(npeers)" = 2 ] || fail "peer g not added"
jq -c 'select(.sub == "agent-ops-01" and .workflow_id == "wf-add" and
	.workflow_step == "add-g" and .decision == "allow" and .status == 201)' \
	"$T_DIR/a/audit.log" | grep -q . || fail "token write not audited with its agent and intent"

info "tokens: refusals change nothing and are audited"
d0=$(denies)
n0=$(npeers)
refused=0
refuse() { # refuse WANT-STATUS WANT-CODE WHAT MINT-ARGS... (a POST /v1/peers of h)
	want=$1 wcode=$2 what=$3
	shift 3
	expect "$want" "$(tcall POST /v1/peers "$(peer_json h 2001:db8:71::/48)" "$@")" "$what"
	[ "$(ecode)" = "$wcode" ] || fail "$what: code $(ecode), want $wcode"
	refused=$((refused + 1))
}
refuse 403 insufficient_scope "wrong scope (status.read writing)" --scope status.read
refuse 401 invalid_token "scope escalation beyond max_scopes" --scope 'peer.write route.write'
refuse 401 invalid_token "reader agent escalating to peer.write" --sub agent-ro-01 \
	--checksum "$(printf '33%.0s' $(seq 32))" --scope 'peer.write'
refuse 401 invalid_dpop_proof "proof htu for another path" --scope peer.write \
	--htu http://localhost/v1/routes
refuse 401 invalid_dpop_proof "proof htu with the TCP origin" --scope peer.write \
	--htu http://127.0.0.1:7411/v1/peers
refuse 401 invalid_dpop_proof "wrong ath" --scope peer.write --bad-ath
refuse 401 invalid_token "expired token" --scope peer.write --iat-offset -1000
refuse 401 invalid_token "unknown agent checksum" --scope peer.write \
	--checksum "$(printf '22%.0s' $(seq 32))"
refuse 401 invalid_token "unknown issuer key (ES256 token under the EdDSA iss)" \
	--issuer es --scope peer.write
refuse 401 invalid_dpop_proof "proof signed by a key other than cnf.jkt" --scope peer.write \
	--dpop other --bind ed
# Replays: a different token under a used jti; the same proof twice.
JTI=replay-jti-0123456789
out=$($MINT mint "$T_DIR/keys" --scope status.read --jti $JTI)
TOK=$(echo "$out" | sed -n 1p) PROOF=$(echo "$out" | sed -n 2p)
expect 200 "$(call GET /v1/status '' -H "Authorization: DPoP $TOK" -H "DPoP: $PROOF")" \
	"first use of a jti"
refuse 401 invalid_token "replayed token jti" --scope peer.write --jti $JTI
expect 401 "$(call GET /v1/status '' -H "Authorization: DPoP $TOK" -H "DPoP: $PROOF")" \
	"replayed DPoP proof"
[ "$(ecode)" = invalid_dpop_proof ] || fail "replayed proof: $(ecode)"
refused=$((refused + 1))
# single_use_writes: one token, two writes (fresh proofs): the second is a replay.
out=$($MINT mint "$T_DIR/keys" --scope 'peer.read peer.write' --method DELETE \
	--path /v1/peers/nosuch --count 2)
TOK=$(echo "$out" | sed -n 1p)
expect 404 "$(call DELETE /v1/peers/nosuch '' -H "Authorization: DPoP $TOK" \
	-H "DPoP: $(echo "$out" | sed -n 2p)")" "first write with a token"
expect 401 "$(call DELETE /v1/peers/nosuch '' -H "Authorization: DPoP $TOK" \
	-H "DPoP: $(echo "$out" | sed -n 3p)")" "second write with the same token"
refused=$((refused + 1))
grep -q '"reason":"token_replay"' "$T_DIR/a/audit.log" || fail "token replay not audited"
# Bearer: refused with the DPoP challenge.
out=$($MINT mint "$T_DIR/keys" --scope status.read)
TOK=$(echo "$out" | sed -n 1p)
curl -sS -D "$T_DIR/hdr" -o "$BODY" --unix-socket "$SOCK" -H "Authorization: Bearer $TOK" \
	http://localhost/v1/status >/dev/null
grep -q '^HTTP/1.1 401' "$T_DIR/hdr" || fail "Bearer not refused"
grep -qi '^WWW-Authenticate: DPoP algs="EdDSA ES256"' "$T_DIR/hdr" || fail "no DPoP challenge"
refused=$((refused + 1))
# A proof for GET sent with POST; a token without its proof; two Authorization headers.
out=$($MINT mint "$T_DIR/keys" --scope 'peer.write' --method GET --path /v1/peers)
TOK=$(echo "$out" | sed -n 1p) PROOF=$(echo "$out" | sed -n 2p)
expect 401 "$(call POST /v1/peers "$(peer_json h 2001:db8:71::/48)" \
	-H "Authorization: DPoP $TOK" -H "DPoP: $PROOF")" "GET proof on a POST"
[ "$(ecode)" = invalid_dpop_proof ] || fail "htm mismatch: $(ecode)"
out=$($MINT mint "$T_DIR/keys" --scope 'peer.write' --method POST --path /v1/peers)
TOK=$(echo "$out" | sed -n 1p) PROOF=$(echo "$out" | sed -n 2p)
expect 401 "$(call POST /v1/peers "$(peer_json h 2001:db8:71::/48)" \
	-H "Authorization: DPoP $TOK")" "token without a DPoP proof"
expect 401 "$(call POST /v1/peers "$(peer_json h 2001:db8:71::/48)" \
	-H "Authorization: DPoP $TOK" -H "Authorization: DPoP $TOK" -H "DPoP: $PROOF")" \
	"two Authorization headers"
refused=$((refused + 3))
# uid 0 with a broken token: judged by the token alone.
expect 401 "$(call GET /v1/status '' -H "Authorization: DPoP x.y.z" -H "DPoP: a.b.c")" \
	"root with a bad token"
refused=$((refused + 1))

[ "$(npeers)" = "$n0" ] || fail "a refused request changed the peers"
call GET /v1/peers/h >/dev/null
[ "$(jq -r .error.code "$BODY")" = not_found ] || fail "refused peer h exists"
d1=$(denies)
[ $((d1 - d0)) -ge $refused ] || fail "only $((d1 - d0)) refusals audited, want $refused"
for r in insufficient_scope scope_escalation proof_htu proof_ath token_expired bearer; do
	grep '"decision":"deny"' "$T_DIR/a/audit.log" | grep -q "\"reason\":\"[a-z_]*$r\|\"reason\":\"$r" ||
		info "note: no audit reason containing '$r'"
done
grep -q '"reason":"bearer"' "$T_DIR/a/audit.log" || fail "Bearer refusal not audited"
jq -c 'select(.reason == "insufficient_scope" and .sub == "agent-ops-01" and .op == "peer.write")' \
	"$T_DIR/a/audit.log" | grep -q . || fail "403 refusal not audited with the verified agent"
grep -qi 'eyJ' "$T_DIR/a/audit.log" && fail "a token or proof was written to the audit log"

# ---- TCP listener -----------------------------------------------------------
info "TCP listener: token always, Host checked, no CORS"
tcp() { nx a curl -sS -o "$BODY" -w '%{http_code}' "$@"; }
expect 401 "$(tcp http://127.0.0.1:7411/v1/status)" "tokenless TCP"
expect 405 "$(tcp -X OPTIONS -D "$T_DIR/hdr" http://127.0.0.1:7411/v1/status)" "OPTIONS"
grep -qi '^Access-Control' "$T_DIR/hdr" && fail "CORS header on OPTIONS"
out=$($MINT mint "$T_DIR/keys" --scope status.read --htu http://127.0.0.1:7411/v1/status)
expect 400 "$(tcp -H "Host: evil.example:7411" -H "Authorization: DPoP $(echo "$out" | sed -n 1p)" \
	-H "DPoP: $(echo "$out" | sed -n 2p)" http://127.0.0.1:7411/v1/status)" "rebinding Host"
# An agent bound to peer_uid 0: fine on the UNIX socket as uid 0, refused over TCP.
L44="--sub agent-local-01 --checksum $(printf '44%.0s' $(seq 32))"
expect 200 "$(tcall GET /v1/status '' $L44 --scope status.read)" "peer_uid agent on the socket"
out=$($MINT mint "$T_DIR/keys" $L44 --scope status.read --htu http://127.0.0.1:7411/v1/status)
expect 401 "$(tcp -H "Authorization: DPoP $(echo "$out" | sed -n 1p)" \
	-H "DPoP: $(echo "$out" | sed -n 2p)" http://127.0.0.1:7411/v1/status)" "peer_uid agent over TCP"
out=$($MINT mint "$T_DIR/keys" --scope status.read --htu http://127.0.0.1:7411/v1/status)
expect 200 "$(tcp -H "Authorization: DPoP $(echo "$out" | sed -n 1p)" \
	-H "DPoP: $(echo "$out" | sed -n 2p)" http://127.0.0.1:7411/v1/status)" "TCP with a token"

# ---- local admin (root, no token) -------------------------------------------
info "local admin: writes, conflicts, bad input"
sum0=$(cksum <"$T_DIR/a/conf.d/90-api.conf")
ino0=$(stat -c %i "$T_DIR/a/conf.d/90-api.conf")
expect 409 "$(call DELETE /v1/peers/b)" "delete admin-defined peer"
grep -q "omnid.conf" "$BODY" || fail "409 does not name the file: $(cat "$BODY")"
expect 409 "$(call POST /v1/peers "$(peer_json b 2001:db8:72::/48)")" "duplicate peer name"
expect 400 "$(call POST /v1/peers '{"name":"h","public_key":"AAAA","mnp":"2001:db8:71::/48"}')" \
	"bad public key"
expect 400 "$(call POST /v1/peers "$(peer_json h 2001:db8:b::/48)")" "overlapping mnp"
expect 400 "$(call POST /v1/peers '{"name":"h","name":"i"}')" "duplicate JSON key"
expect 400 "$(call POST /v1/peers "{\"name\":\"h\\n[api]\",\"public_key\":\"$(pubkey h)\",\"mnp\":\"2001:db8:71::/48\"}")" \
	"newline injection"
expect 415 "$(curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" -X POST \
	-H 'Content-Type: text/plain' --data '{}' http://localhost/v1/peers)" "non-JSON body"
head -c 70000 /dev/zero | tr '\0' ' ' >"$T_DIR/big"
# Expect: 100-continue: the 413 comes before the body is sent. Without it the daemon
# still answers 413 at once, but curl may be writing the rest into a closed socket
# (EPIPE, no status) on a loaded machine.
expect 413 "$(call POST /v1/peers "@$T_DIR/big" -H 'Expect: 100-continue')" "oversized body"
expect 404 "$(call GET /v1/nope)" "unknown endpoint"
expect 405 "$(call DELETE /v1/status)" "wrong method"
# A path segment that is not UTF-8: the audit record still has the result.
expect 404 "$(call DELETE /v1/peers/%FF)" "non-UTF-8 peer name"
tail -n 1 "$T_DIR/a/audit.log" | jq -e '.path == "/v1/peers/%FF" and .status == 404 and
	(.result | startswith("no peer named"))' >/dev/null ||
	fail "audit record of a non-UTF-8 name: $(tail -n 1 "$T_DIR/a/audit.log")"
[ "$(npeers)" = "$n0" ] || fail "bad input changed the peers"
[ "$(cksum <"$T_DIR/a/conf.d/90-api.conf")" = "$sum0" ] || fail "bad input changed 90-api.conf"
[ "$(stat -c %i "$T_DIR/a/conf.d/90-api.conf")" = "$ino0" ] || fail "bad input rewrote 90-api.conf"
kill -0 "$PID_a" || fail "omnid died on bad input"

expect 201 "$(call POST /v1/peers "$(peer_json h 2001:db8:71::/48)")" "admin peer add"
expect 201 "$(call POST /v1/routes '{"prefix":"2001:db8:99::/48","peer":"b"}')" "route add"
nx a ip -6 route show 2001:db8:99::/48 | grep -q . || fail "route not installed"
expect 409 "$(call DELETE /v1/routes/2001:db8:b::_48)" "delete config route"
expect 200 "$(call PUT /v1/log '{"level":"debug","debug":["api","hs"]}')" "log level"
[ "$(jq -r .level "$BODY")" = debug ] || fail "log level not set"
[ "$(jq -c .debug "$BODY")" = '["hs","api"]' ] || fail "debug groups: $(cat "$BODY")"
grep -q '^debug = hs api$' "$T_DIR/a/conf.d/90-api.conf" || fail "debug groups not persisted"
# GET /v1/ehfilter is the effective policy: defaults nobody set, resolved exit keys.
expect 200 "$(call GET /v1/ehfilter)" "ehfilter get (defaults)"
[ "$(jq -r '[.ehfilter.exp_eh, .ehfilter.rh_drop_types, .ehfilter.max_eh_count,
	.ehfilter_exit.hbh, .ehfilter_exit.dstopt, .ehfilter_exit.enable,
	(.ehfilter_exit.max_eh_count // "-"), (.set_by_api.ehfilter | length)] | join("|")' \
	"$BODY")" = "drop|1 3 253 254|8|strip|keep|off|-|0" ] || fail "effective policy: $(cat "$BODY")"
expect 200 "$(call PUT /v1/ehfilter '{"ehfilter":{"max_eh_count":"5"},"ehfilter_exit":{"dstopt":"drop"}}')" "ehfilter put"
[ "$(jq -r '[.ehfilter.max_eh_count, .ehfilter_exit.dstopt, .ehfilter.dstopt,
	.set_by_api.ehfilter.max_eh_count, .set_by_api.ehfilter_exit.dstopt,
	(.set_by_api.ehfilter.exp_eh // "-"), .ehfilter.exp_eh] | join("|")' "$BODY")" = \
	"5|drop|keep|5|drop|-|drop" ] || fail "PUT did not change the effective policy: $(cat "$BODY")"
expect 400 "$(call PUT /v1/ehfilter '{"ehfilter":{"max_eh_count":"0"}}')" "bad ehfilter value"
expect 200 "$(call POST /v1/reload '{"check":true}')" "reload --check"
expect 200 "$(call GET '/v1/audit?limit=3')" "audit"
[ "$(jq '.records | length' "$BODY")" = 3 ] || fail "audit limit"
expect 200 "$(call GET /v1/metrics)" "metrics"
grep -q '^omnid_peers 3$' "$BODY" || fail "metrics: $(head -5 "$BODY")"
grep -q '^\[peer.h\]' "$T_DIR/a/conf.d/90-api.conf" || fail "peer h not persisted"

# ---- (b) permissions ----------------------------------------------------------
if [ "$(id -u)" = 0 ] && [ -z "${IN_USERNS:-}" ] && command -v setpriv >/dev/null; then
	info "permissions: outsider, read-only group, admin group"
	as() { g=$1; shift; setpriv --reuid 65534 --regid 65534 --groups "$g" "$@"; }
	BODY=/dev/null
	gu=$(getent group users | cut -d: -f3) gs=$(getent group staff | cut -d: -f3)
	gn=$(getent group nogroup | cut -d: -f3)
	[ -n "$gu" ] && [ -n "$gs" ] && [ -n "$gn" ] || fail "groups users/staff/nogroup missing"
	expect 401 "$(as "$gn" curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" \
		http://localhost/v1/status)" "outsider read"
	expect 200 "$(as "$gu" curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" \
		http://localhost/v1/status)" "reader read"
	expect 403 "$(as "$gu" curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" \
		-X DELETE http://localhost/v1/peers/h)" "reader write"
	expect 200 "$(as "$gs" curl -sS -o "$BODY" -w '%{http_code}' --unix-socket "$SOCK" \
		-X DELETE http://localhost/v1/peers/h)" "admin-group write"
	grep -q '"uid":65534.*"reason":"insufficient_scope"\|"reason":"insufficient_scope".*"uid":65534' \
		"$T_DIR/a/audit.log" || fail "reader refusal not audited with its uid"
	BODY=$T_DIR/body
	expect 201 "$(call POST /v1/peers "$(peer_json h 2001:db8:71::/48)")" "re-add h"
else
	info "SKIP permission part: needs real root (uid switching with setpriv)"
fi

# An admin edit of 90-api.conf followed by SIGHUP is kept by the next API write.
printf '\n[ehfilter]\nmax_pad_run = 7\n' >>"$T_DIR/a/conf.d/90-api.conf"
reloads() { call GET /v1/stats >/dev/null; jq .counters.reloads "$BODY"; }
r0=$(reloads)
kill -HUP "$PID_a"
i=0
while [ "$(reloads)" = "$r0" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "SIGHUP reload did not happen"; sleep 0.05
done
expect 200 "$(call PUT /v1/log '{"level":"debug"}')" "log write after a hand edit"
grep -q '^max_pad_run = 7$' "$T_DIR/a/conf.d/90-api.conf" || fail "hand edit lost by an API write"
expect 200 "$(call GET /v1/ehfilter)" "ehfilter get"
[ "$(jq -r .ehfilter.max_pad_run "$BODY")" = 7 ] || fail "ehfilter: $(cat "$BODY")"
[ "$(jq -r .set_by_api.ehfilter.max_pad_run "$BODY")" = 7 ] || fail "ehfilter set_by_api: $(cat "$BODY")"

# Audit log rotation: renamed away, then SIGHUP: new records go to a new file.
mv "$T_DIR/a/audit.log" "$T_DIR/a/audit.log.1"
r0=$(reloads)
kill -HUP "$PID_a"
i=0
while [ "$(reloads)" = "$r0" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "SIGHUP reload did not happen"; sleep 0.05
done
sz=$(stat -c %s "$T_DIR/a/audit.log.1")
expect 200 "$(call PUT /v1/log '{"level":"debug"}')" "log write after rotation"
[ "$(stat -c %s "$T_DIR/a/audit.log.1")" = "$sz" ] || fail "the rotated audit log grew"
grep -q '"path":"/v1/log".*"decision":"allow"' "$T_DIR/a/audit.log" ||
	fail "no record in the reopened audit log"

# ---- (c) restart: the API's changes persist -----------------------------------
info "restart: API changes persist"
"$OMNID" --check-config --config "$T_DIR/a/omnid.conf" >/dev/null || fail "omnid -t after writes"
stop_node a
start_node a
[ "$(npeers)" = 3 ] || fail "peers after restart: $(npeers)"
expect 200 "$(call GET /v1/peers/g)" "peer g after restart"
[ "$(jq -r .source "$BODY")" = api ] || fail "peer g source"
expect 200 "$(call GET /v1/log)" "log after restart"
[ "$(jq -r .level "$BODY")" = debug ] || fail "log level not persisted"
[ "$(jq -c .debug "$BODY")" = '["hs","api"]' ] || fail "debug groups not persisted: $(cat "$BODY")"
expect 200 "$(call PUT /v1/log '{"debug":[]}')" "debug groups off"
[ "$(jq -c .debug "$BODY")" = '[]' ] || fail "debug groups not cleared: $(cat "$BODY")"
grep -q '^debug = none$' "$T_DIR/a/conf.d/90-api.conf" || fail "empty debug list not persisted"
expect 400 "$(call PUT /v1/log '{"debug":["nope"]}')" "unknown debug group"
grep -q '^debug = none$' "$T_DIR/a/conf.d/90-api.conf" || fail "a refused PUT changed 90-api.conf"
expect 200 "$(call GET /v1/ehfilter)" "ehfilter after restart"
[ "$(jq -r '.ehfilter.max_eh_count + "|" + .ehfilter_exit.dstopt' "$BODY")" = "5|drop" ] ||
	fail "effective policy after restart: $(cat "$BODY")"
expect 200 "$(call DELETE /v1/peers/g)" "delete API peer"
expect 200 "$(call DELETE /v1/routes/2001:db8:99::_48)" "delete API route"
nx a ip -6 route show 2001:db8:99::/48 | grep -q . && fail "route still installed"
[ "$(npeers)" = 2 ] || fail "peer g not deleted"
expect 202 "$(call POST /v1/shutdown)" "shutdown"
i=0
while kill -0 "$PID_a" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "omnid did not stop after /v1/shutdown"; sleep 0.1
done
echo "PASS"
