# SPDX-License-Identifier: MIT
# bash completion for omnictl (installed to bash-completion's completionsdir).
# Completes subcommands, their actions and options, files for --socket and
# --issuer-key, and peer names / route ids from a running omnid when the API
# socket is reachable (silently nothing otherwise).

_omnictl_socket()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --socket ]]; then
			printf -- '--socket %q' "${COMP_WORDS[i + 1]}"
			return
		fi
	done
}

# _omnictl_names KIND: peer names or route ids from the daemon, if it answers.
_omnictl_names()
{
	local sock
	sock=$(_omnictl_socket)
	case $1 in
	peers) eval omnictl "$sock" peers list 2>/dev/null | awk 'NR > 1 { print $1 }' ;;
	routes) eval omnictl "$sock" routes list 2>/dev/null | awk 'NR > 1 { print $1 }' ;;
	esac
}

_omnictl()
{
	local cur prev cmd action i
	local cmds="status interfaces stats neighbors routes peers servers ehfilter log reload
		metrics audit dns paths registrations shutdown token hosts genkey pubkey decode help"
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	case $prev in
	--socket | --issuer-key)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--limit | --key | --endpoint | --mnp | --msid | --prefix | --keepalive)
		return
		;;
	--debug)
		COMPREPLY=($(compgen -W "none main tun udp oal nd peer hs scion eh api dns conf
			nl crypto" -- "${cur##*,}"))
		return
		;;
	esac

	# The subcommand is the first word that is not a global option or its value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--socket) ((i++)) ;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${COMP_WORDS[i]}
			elif [[ -z $action ]]; then
				action=${COMP_WORDS[i]}
			fi
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$cmds --socket --version --help" -- "$cur"))
		return
	fi

	case $cmd in
	status | interfaces | stats | neighbors | servers | hosts | paths | registrations)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		;;
	dns)
		COMPREPLY=($(compgen -W "$([[ -z $action ]] && echo names) --json --help" -- "$cur"))
		;;
	audit)
		COMPREPLY=($(compgen -W "--limit --json --help" -- "$cur"))
		;;
	metrics | shutdown | genkey | pubkey)
		COMPREPLY=($(compgen -W "--help" -- "$cur"))
		;;
	reload)
		COMPREPLY=($(compgen -W "--check --json --help" -- "$cur"))
		;;
	routes)
		case $action in
		"") COMPREPLY=($(compgen -W "list add del --json --help" -- "$cur")) ;;
		add)
			[[ $prev != via && $prev != add ]] && COMPREPLY=($(compgen -W "via" -- "$cur"))
			[[ $prev == via ]] && COMPREPLY=($(compgen -W "$(_omnictl_names peers)" -- "$cur"))
			;;
		del) COMPREPLY=($(compgen -W "$(_omnictl_names routes)" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
		esac
		;;
	peers)
		case $action in
		"") COMPREPLY=($(compgen -W "list show add del rekey --json --help" -- "$cur")) ;;
		show | del | rekey)
			COMPREPLY=($(compgen -W "$(_omnictl_names peers) --json" -- "$cur")) ;;
		add)
			COMPREPLY=($(compgen -W "--key --mnp --msid --endpoint --prefix --keepalive
				--json" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
		esac
		;;
	ehfilter)
		COMPREPLY=($(compgen -W "$([[ -z $action ]] && echo show set) --json --help" -- "$cur"))
		;;
	log)
		if [[ -z $action ]]; then
			COMPREPLY=($(compgen -W "show set --debug --json --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "err warn info debug --debug --json" -- "$cur"))
		fi
		;;
	token)
		if [[ -z $action ]]; then
			COMPREPLY=($(compgen -W "inspect --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--json --issuer-key -" -- "$cur"))
		fi
		;;
	decode)
		COMPREPLY=($(compgen -W "ipv6 oal nd scion --help" -- "$cur"))
		;;
	help)
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		;;
	esac
}
complete -F _omnictl omnictl
