#!/bin/sh
# SPDX-License-Identifier: MIT
# omnid --check-config: good configs pass, bad ones fail with file:line
# messages; a private key readable by others is refused; the daemon does not
# start on a bad config and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
genkey a
genkey b
node_conf a 2001:db8:a::/48 127.0.0.1:18060
peer_conf a b 2001:db8:b::/48 127.0.0.1:18061
"$OMNID" --check-config --config "$T_DIR/a/omnid.conf" || fail "good config refused"

cp "$T_DIR/a/omnid.conf" "$T_DIR/a/good.conf"
# An unknown key in a drop-in: the error names the drop-in and its line.
printf '[omni]\nmtu = 9000\nfrobnicate = 1\n' >"$T_DIR/a/conf.d/20-bad.conf"
out=$("$OMNID" --check-config --config "$T_DIR/a/omnid.conf" 2>&1) && fail "unknown key accepted"
echo "$out" | grep -q "20-bad.conf:3" || fail "no file:line in: $out"
rm "$T_DIR/a/conf.d/20-bad.conf"

# Bad values.
for bad in "mtu = 70000" "mtu = abc" "mnp = 2001:db8::/80" "link_id = -1"; do
	sed "s|^\[omni\]\$|[omni]\n$bad|" "$T_DIR/a/good.conf" >"$T_DIR/a/omnid.conf"
	"$OMNID" --check-config --config "$T_DIR/a/omnid.conf" >/dev/null 2>&1 && fail "accepted: $bad"
done
cp "$T_DIR/a/good.conf" "$T_DIR/a/omnid.conf"

# Key file readable by others: refused at start.
chmod 644 "$T_DIR/a/private.key"
add_ns a
out=$(ip netns exec "$(ns a)" "$OMNID" --config "$T_DIR/a/omnid.conf" 2>&1) && fail "started with a 0644 key"
echo "$out" | grep -qi "private.key" || fail "key refusal message does not name the file: $out"
ip -n "$(ns a)" link show omni-a >/dev/null 2>&1 && fail "TUN left behind after failed start"
[ -e "$T_DIR/a/api.sock" ] && fail "API socket left behind after failed start"
chmod 600 "$T_DIR/a/private.key"
"$OMNID" --version | grep -q omnid || fail "--version"
"$OMNID" --bogus >/dev/null 2>&1 && fail "unknown option accepted"
echo "PASS"
