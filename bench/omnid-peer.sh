# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# omnid-peer.sh - registers omnid with the shared peer benchmark (peers.sh
# sources this file as EXTRA). Two nodes on the benchmark's veth underlay,
# path MTU 1500, overlay MTU 9180 (the OMNI default), secured carriers.
# omnid-nooff is the same with the kernel offloads turned off.
OMNID=${OMNID:-omnid}
OMNICTL=${OMNICTL:-omnictl}
setup_omnid() {
	command -v "$OMNID" >/dev/null || { echo "omnid: $OMNID not found" >&2; return 1; }
	local d=$PEER_DIR side ul ol oul other n on
	for side in a b; do
		(umask 077 && "$OMNICTL" genkey >"$d/$side.key") || return 1
		"$OMNICTL" pubkey <"$d/$side.key" >"$d/$side.pub" || return 1
	done
	for side in a b; do
		if [ $side = a ]; then ul=$UNDER_A ol=$OVL_A oul=$UNDER_B other=b n=1 on=2
		else ul=$UNDER_B ol=$OVL_B oul=$UNDER_A other=a n=2 on=1; fi
		mkdir -p "$d/$side"
		cat >"$d/$side/omnid.conf" <<EOC
[node]
name = $side
private_key_file = $d/$side.key
log_level = warn

[omni]
tun = omni$side$SFX
mnp = 2001:db8:$n::/64
address = $ol/$OVL_PREFIX
${OMNID_OMNI_EXTRA:-}

[underlay.veth]
listen = $ul:8060
path_mtu = 1500
${OMNID_UNDERLAY_EXTRA:-}

[api]
socket = $d/$side/api.sock

[peer.$other]
public_key = $(cat "$d/$other.pub")
endpoint = $oul:8060
mnp = 2001:db8:$on::/64
allowed_prefix = $([ $side = a ] && echo "$OVL_B" || echo "$OVL_A")/32
EOC
	done
	start_bg "$NS_A" omnid-a "$OMNID" --config "$d/a/omnid.conf"
	start_bg "$NS_B" omnid-b "$OMNID" --config "$d/b/omnid.conf"
	OVERLAY_MTU=9180
}
register_peer omnid setup_omnid
# The same with every kernel offload off (issue 8 compares both modes).
setup_omnid_nooff() { OMNID_OMNI_EXTRA="offload = no" OMNID_UNDERLAY_EXTRA="offload = no" setup_omnid; }
register_peer omnid-nooff setup_omnid_nooff
