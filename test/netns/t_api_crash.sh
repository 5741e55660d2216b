#!/bin/sh
# SPDX-License-Identifier: MIT
# Control API crash safety (issue 5): omnid is killed with SIGKILL in the
# middle of a burst of API writes (peers added and deleted in a loop). After
# that, conf.d/90-api.conf must still parse (omnid --check-config), must agree
# with the audit log (replaying the audited peer adds and deletes gives the
# same set, up to the one write in flight at the kill), and a restarted omnid
# must serve exactly that set.
. "$(dirname "$0")/lib.sh"
need curl jq
add_ns a
genkey a
N=40
for i in $(seq 1 $N); do genkey "p$i"; done
node_conf a 2001:db8:a::/48 127.0.0.1:8060
printf '\n[api]\naudit_log = %s\n' "$T_DIR/a/audit.log" >>"$T_DIR/a/omnid.conf"
start_node a
SOCK=$T_DIR/a/api.sock

burst() {
	for i in $(seq 1 $N); do
		curl -s -o /dev/null --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
			--data "{\"name\":\"p$i\",\"public_key\":\"$(pubkey "p$i")\",\"mnp\":\"2001:db8:1:$i::/64\"}" \
			http://localhost/v1/peers || return 0
		if [ $((i % 3)) = 0 ]; then
			curl -s -o /dev/null --unix-socket "$SOCK" -X DELETE \
				"http://localhost/v1/peers/p$((i - 1))" || return 0
		fi
	done
}
burst &
BPID=$!
# Let some writes land, then kill -9 while the burst is still going.
i=0
allowed() { n=$(grep -c '"decision":"allow"' "$T_DIR/a/audit.log" 2>/dev/null) || n=0; echo "$n"; }
while [ "$(allowed)" -lt 12 ]; do
	i=$((i + 1)); [ $i -gt 200 ] && fail "the burst did not get going"; sleep 0.02
done
stop_node a KILL
wait $BPID 2>/dev/null || true
ok=$(allowed)
info "killed after $ok audited writes"
[ "$ok" -lt $((N + N / 3)) ] || info "note: the burst finished before the kill"

"$OMNID" --check-config --config "$T_DIR/a/omnid.conf" >/dev/null ||
	fail "90-api.conf does not parse after the kill: $(cat "$T_DIR/a/conf.d/90-api.conf")"
ls "$T_DIR/a/conf.d/" | grep -q '\.tmp$' && info "note: a temporary file was left (ignored: not *.conf)"

# The set the audit log implies, and the set in the file.
jq -r '(select(.decision == "allow" and .status == 201 and .method == "POST") | "+ \(.args.name)"),
       (select(.decision == "allow" and .status == 200 and .method == "DELETE") | "- \(.object)")' \
	"$T_DIR/a/audit.log" >"$T_DIR/ops"
: >"$T_DIR/audit.set"
while read -r op name; do
	if [ "$op" = + ]; then echo "$name" >>"$T_DIR/audit.set"
	else grep -vx "$name" "$T_DIR/audit.set" >"$T_DIR/tmp.set" || true; mv "$T_DIR/tmp.set" "$T_DIR/audit.set"
	fi
done <"$T_DIR/ops"
sort -o "$T_DIR/audit.set" "$T_DIR/audit.set"
sed -n 's/^\[peer\.\(.*\)\]$/\1/p' "$T_DIR/a/conf.d/90-api.conf" | sort >"$T_DIR/file.set"
diff=$(comm -3 "$T_DIR/audit.set" "$T_DIR/file.set" | wc -l)
[ "$diff" -le 1 ] || fail "90-api.conf and the audit log disagree on $diff peers:
$(comm -3 "$T_DIR/audit.set" "$T_DIR/file.set")"
[ -s "$T_DIR/file.set" ] || fail "no peer persisted"

# The killed daemon left its socket file: start_node returns at once, so wait
# for the new daemon to replace it and answer.
start_node a
i=0
until curl -sf -o /dev/null --unix-socket "$SOCK" http://localhost/v1/status; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "restarted omnid does not answer"; sleep 0.05
done
curl -s --unix-socket "$SOCK" http://localhost/v1/peers | jq -r '.peers[].name' | sort >"$T_DIR/live.set"
cmp -s "$T_DIR/live.set" "$T_DIR/file.set" || fail "restarted omnid serves $(tr '\n' ' ' <"$T_DIR/live.set"), file has $(tr '\n' ' ' <"$T_DIR/file.set")"
info "$(wc -l <"$T_DIR/file.set") peers survived, consistent with the audit log"
echo "PASS"
