#!/bin/sh
# SPDX-License-Identifier: MIT
# check.sh SRCDIR OMNICTL - the man pages render without groff warnings, the
# generated omnid.conf(5) is current (every key and section of the annotated
# conf.d/omnid.conf is in it), and every omnictl command in `omnictl help` has
# an entry in omnictl(8) and in the bash completion.
set -eu
src=$1
ctl=$2
man=$src/docs/man
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v groff >/dev/null || { echo "SKIP: groff missing"; exit 77; }
for p in omnid.8 omnictl.8 omnid.conf.5; do
	sed 's/@VERSION@/0/' "$man/$p" >"$tmp/$p"
	out=$(LC_ALL=C groff -ww -z -man "$tmp/$p" 2>&1) || fail "groff failed on $p"
	[ -z "$out" ] || fail "groff warnings in $p: $out"
done

if command -v python3 >/dev/null; then
	python3 "$man/gen-omnid.conf.5.py" "$src/conf.d/omnid.conf" >"$tmp/gen.5"
	cmp -s "$tmp/gen.5" "$man/omnid.conf.5" ||
		fail "docs/man/omnid.conf.5 is stale: run docs/man/gen-omnid.conf.5.py conf.d/omnid.conf"
fi
# Every key line "#key = ..." / "key = ..." of each section, and the section itself.
grep -E '^#?\[[a-zA-Z0-9_.]+\]$|^#?[a-z_0-9]+ =' "$src/conf.d/omnid.conf" | sed 's/^#//; s/ =.*//' |
	while read -r k; do
		case $k in
		\[*) grep -Fqx ".SS $k" "$man/omnid.conf.5" || fail "omnid.conf.5 lacks section $k" ;;
		*) grep -Eq "^\.(B |BI \")$k( |\"|\$)" "$man/omnid.conf.5" ||
			fail "omnid.conf.5 lacks key '$k'" ;;
		esac
	done

# ... and every key of the parser's tables (CK("key", ...) in common/conf.c).
n=0
for k in $(grep -oE 'CK\("[a-z_0-9]+"' "$src/common/conf.c" | sed 's/.*"\(.*\)"/\1/' | sort -u); do
	grep -Eq "^\.(B |BI \")$k( |\"|\$)" "$man/omnid.conf.5" || fail "omnid.conf.5 lacks key '$k' of conf.c"
	n=$((n + 1))
done
[ "$n" -ge 50 ] || fail "only $n keys found in common/conf.c"

"$ctl" help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' >"$tmp/cmds"
[ "$(wc -l <"$tmp/cmds")" -ge 15 ] || fail "omnictl help lists too few commands"
# The completion's command list: from 'local cmds="' to the closing quote.
sed -n '/local cmds="/,/"$/p' "$src/scripts/completion/omnictl.bash" |
	sed 's/.*cmds="//; s/"$//' >"$tmp/compcmds"
while read -r c; do
	[ "$c" = help ] && continue
	grep -Eq "^(\\.(B|BR|BI|TP) )?\"?\\\\?f?B?$c( |\"|\\\\|\$)" "$man/omnictl.8" ||
		grep -q "^\\\\fB$c" "$man/omnictl.8" || fail "omnictl.8 lacks the command '$c'"
	tr -s ' \t' '\n\n' <"$tmp/compcmds" | grep -qx "$c" || fail "the bash completion lacks '$c'"
done <"$tmp/cmds"
# The completion itself: subcommands, actions, options, log groups after a comma.
if command -v bash >/dev/null; then
	comp() { # EXPECTED WORDS...: what completing the last word offers
		want=$1
		shift
		got=$(bash -c '. "$0"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _omnictl
			echo "${COMPREPLY[*]}"' "$src/scripts/completion/omnictl.bash" x "$@")
		[ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
	}
	comp "peers" omnictl pe
	comp "list show add del rekey --json --help" omnictl --socket /x peers ""
	comp "--key --mnp --msid --endpoint --prefix --keepalive --json" omnictl peers add c ""
	comp "via" omnictl routes add 2001:db8::/48 ""
	comp "peer" omnictl log set --debug api,pe
	comp "--check --json --help" omnictl reload ""
	comp "inspect --help" omnictl token ""
fi
echo "PASS"
