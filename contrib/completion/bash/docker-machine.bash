# shellcheck shell=bash
#
# Bash completion for docker-machine (the C++ drop-in replacement of docker-machine 0.16.2).
#
# Installation (details in docs/shell.md), any one of:
#   * per user, loaded on demand by the bash-completion package:
#       ~/.local/share/bash-completion/completions/docker-machine
#   * system wide: /usr/share/bash-completion/completions/docker-machine (or /etc/bash_completion.d/)
#   * without the bash-completion package: `source /path/to/docker-machine.bash` in ~/.bashrc
#
# The script is self-contained (it does not need the bash-completion package) and needs bash >= 4.
#
# What is completed:
#   * commands and global options, read from `docker-machine --help`;
#   * the options of each command, read from `docker-machine COMMAND --help`; for `create`, the options of the
#     driver given with --driver/-d (`docker-machine create --driver NAME --help`);
#   * machine names (`docker-machine ls -q`), restricted to running machines for mount, provision,
#     regenerate-certs and stop, and to stopped machines for start;
#   * driver names for `create --driver` and `ls --filter driver=`, shells for `env --shell`, filter keys and
#     states for `ls --filter`, storage drivers and swarm strategies for `create`;
#   * `machine:` prefixes and local files for scp, `machine:` and directories for mount;
#   * `use` (from docker-machine-wrapper.bash) when DOCKER_MACHINE_WRAPPED is `true`.
# A --storage-path/-s given before the command is passed on to the `ls` calls, so machine names come from the
# store the command line will use. Help texts are cached for the life of the shell; machine lists never are.

# Drivers known to docker-machine 0.16.2 (`none` is left out, as upstream did: it is for tests and for hosts
# that already run Docker). Plugins found on PATH as docker-machine-driver-NAME are added at run time.
_docker_machine_known_drivers="amazonec2 azure digitalocean exoscale generic google hyperv openstack rackspace
softlayer virtualbox vmwarefusion vmwarevcloudair vmwarevsphere"
_docker_machine_shells="bash cmd emacs fish powershell sh tcsh zsh"
_docker_machine_states="Error Paused Running Saved Starting Stopped Stopping"
_docker_machine_filter_keys="driver= label= name= state= swarm="
_docker_machine_storage_drivers="aufs btrfs devicemapper overlay overlay2 vfs zfs"
_docker_machine_swarm_strategies="binpack random spread"

# Help-text cache: parallel arrays of keys and texts.
_docker_machine_cache_keys=()
_docker_machine_cache_texts=()

# Runs the docker-machine being completed, bypassing the `use` wrapper alias/function; stderr is dropped.
# Uses $_dm_bin and $_dm_global (set by _docker_machine).
_docker_machine_run() {
    command "$_dm_bin" "${_dm_global[@]}" "$@" 2>/dev/null
}

# _docker_machine_cached_help ARGS... : prints the output of `docker-machine ARGS...`, cached.
_docker_machine_cached_help() {
    local key="$_dm_bin|${MACHINE_DRIVER-}|$*" i
    for i in "${!_docker_machine_cache_keys[@]}"; do
        if [[ ${_docker_machine_cache_keys[i]} == "$key" ]]; then
            printf '%s\n' "${_docker_machine_cache_texts[i]}"
            return
        fi
    done
    local text
    text=$(command "$_dm_bin" "$@" 2>/dev/null)
    _docker_machine_cache_keys+=("$key")
    _docker_machine_cache_texts+=("$text")
    printf '%s\n' "$text"
}

# _docker_machine_parse_flags : reads a help text on stdin and fills the arrays _dm_flags (every flag name)
# and _dm_valued (names of the flags that take a value). A flag line is indented by two (app help) or three
# (command help) spaces; its first cell ends at the first TAB: `--name, -n "default"`, `--name ` (empty
# default), `--name [--name option --name option]` (repeatable) take a value, `--name, -n` alone is a switch.
_docker_machine_parse_flags() {
    local line cell names name
    local re=$'^ {2,3}(-[^\t]*)'
    local -a split
    while IFS= read -r line; do
        [[ $line =~ $re ]] || continue
        cell=${BASH_REMATCH[1]//, /,}
        names=${cell%% *}
        IFS=, read -r -a split <<<"$names"
        for name in "${split[@]}"; do
            _dm_flags+=("$name")
            [[ $cell == *' '* ]] && _dm_valued+=("$name")
        done
    done
}

# _docker_machine_command_flags COMMAND : fills _dm_flags and _dm_valued for a command.
_docker_machine_command_flags() {
    local cmd=$1
    _dm_flags=(--help -h)
    _dm_valued=()
    case $cmd in
        use)
            # the wrapper's `use` passes its arguments to `env`, whose output bash evaluates
            _docker_machine_parse_flags < <(_docker_machine_cached_help env --help)
            local i
            for i in "${!_dm_flags[@]}"; do
                [[ ${_dm_flags[i]} == --shell ]] && unset '_dm_flags[i]'
            done
            ;;
        create)
            if [[ -n $_dm_create_driver ]]; then
                _docker_machine_parse_flags < <(_docker_machine_cached_help create --driver "$_dm_create_driver" --help)
            else
                local text
                text=$(_docker_machine_cached_help create --help)
                if [[ $text != *$'\n   -'* ]]; then
                    # the default driver (virtualbox, or $MACHINE_DRIVER) is not available: take the shared
                    # options from the always-present `none` driver, without its own --url
                    text=$(_docker_machine_cached_help create --driver none --help)
                    text=${text//$'\n   --url '/$'\n'}
                fi
                _docker_machine_parse_flags <<<"$text"
            fi
            ;;
        *)
            _docker_machine_parse_flags < <(_docker_machine_cached_help "$cmd" --help)
            ;;
    esac
}

# _docker_machine_is_valued FLAG : whether FLAG (as typed; Go also accepts -name for --name) takes a value.
_docker_machine_is_valued() {
    local flag=$1 v
    [[ $flag == -[!-]?* ]] && flag=-$flag
    for v in "${_dm_valued[@]}"; do
        [[ $v == "$flag" ]] && return 0
    done
    return 1
}

# Adds to COMPREPLY the words of the list $1 that start with $2 (the text being completed), each with the
# prefix $3 (default: none) put back in front.
_docker_machine_add() {
    local word prefix=${3-}
    local -a found
    mapfile -t found < <(compgen -W "$1" -- "$2")
    for word in "${found[@]}"; do
        COMPREPLY+=("$prefix$word")
    done
}

# Machine names; $1 optional state filter (Running, Stopped).
_docker_machine_machines() {
    if [[ -n ${1-} ]]; then
        _docker_machine_run ls -q --filter "state=$1"
    else
        _docker_machine_run ls -q
    fi
}

_docker_machine_drivers() {
    local plugin plugins=() known
    read -r -d '' -a known <<<"$_docker_machine_known_drivers"
    # driver plugins on PATH
    while IFS= read -r plugin; do
        plugins+=("${plugin#docker-machine-driver-}")
    done < <(compgen -c docker-machine-driver- | sort -u)
    printf '%s\n' "${known[@]}" "${plugins[@]}" | sort -u
}

_docker_machine_commands() {
    local line re=$'^  ([a-z][a-z0-9-]*)\t' in_commands=0
    while IFS= read -r line; do
        if [[ $line == Commands: ]]; then
            in_commands=1
        elif ((in_commands)) && [[ $line =~ $re ]]; then
            printf '%s\n' "${BASH_REMATCH[1]}"
        fi
    done < <(_docker_machine_cached_help --help)
    # Commands beyond upstream's, which `--help` does not list (docs/compatibility.md)
    printf '%s\n' context export import
    [[ ${DOCKER_MACHINE_WRAPPED-} == true ]] && echo use
}

# The word readline will replace is the part of the current word after its last COMP_WORDBREAKS character
# (`=`, `:` ...): strip what comes before from every candidate.
_docker_machine_trim_to_readline_word() {
    local cur=$1 i
    for ((i = ${#cur} - 1; i >= 0; i--)); do
        if [[ $COMP_WORDBREAKS == *"${cur:i:1}"* ]]; then
            local prefix=${cur:0:i+1} k
            for k in "${!COMPREPLY[@]}"; do
                COMPREPLY[k]=${COMPREPLY[k]#"$prefix"}
            done
            return
        fi
    done
}

# Expands a leading ~/ (words of the command line are not expanded yet).
_docker_machine_tilde() {
    local word=$1
    [[ $word == \~/* ]] && word=$HOME/${word#\~/}
    printf '%s' "$word"
}

# File or directory completion of the text bash itself considers the current word; $1 = -f or -d.
_docker_machine_files() {
    _dm_files=1
    local word=${COMP_WORDS[COMP_CWORD]}
    [[ $word == [=:] ]] && word=
    word=${word//\\/}
    word=${word#[\"\']}
    if [[ $word == \~* && $word != */* ]]; then
        # ~user
        mapfile -t COMPREPLY < <(compgen -P '~' -u -- "${word#\~}")
        compopt -o nospace
        return
    fi
    mapfile -t COMPREPLY < <(compgen "$1" -- "$word")
    compopt -o filenames
}

# Local files (directories get a trailing slash) without `-o filenames`, for mixing with `machine:` words.
_docker_machine_add_plain_files() {
    local cur=$1 path
    [[ $cur == *:* ]] && return
    while IFS= read -r path; do
        if [[ -d $path ]]; then
            COMPREPLY+=("$path/")
        else
            COMPREPLY+=("$path")
        fi
    done < <(compgen -f -- "$cur")
}

# _docker_machine_flag_value COMMAND FLAG VALUE PREFIX : completes the value of an option.
_docker_machine_flag_value() {
    local cmd=$1 flag=$2 value=$3 prefix=$4
    [[ $flag == -[!-]?* ]] && flag=-$flag
    case $cmd:$flag in
        create:--driver | create:-d)
            _docker_machine_add "$(_docker_machine_drivers)" "$value" "$prefix"
            ;;
        *:--shell)
            _docker_machine_add "$_docker_machine_shells" "$value" "$prefix"
            ;;
        ls:--filter)
            case $value in
                driver=*)
                    _docker_machine_add "$(_docker_machine_drivers) none" "${value#*=}" "$prefix${value%%=*}="
                    ;;
                state=*)
                    _docker_machine_add "$_docker_machine_states" "${value#*=}" "$prefix${value%%=*}="
                    ;;
                name=* | swarm=*)
                    _docker_machine_add "$(_docker_machine_machines)" "${value#*=}" "$prefix${value%%=*}="
                    ;;
                *=*) ;;
                *)
                    _docker_machine_add "$_docker_machine_filter_keys" "$value" "$prefix"
                    compopt -o nospace
                    ;;
            esac
            ;;
        create:--engine-storage-driver)
            _docker_machine_add "$_docker_machine_storage_drivers" "$value" "$prefix"
            ;;
        create:--swarm-strategy)
            _docker_machine_add "$_docker_machine_swarm_strategies" "$value" "$prefix"
            ;;
        global:--storage-path | global:-s)
            _docker_machine_files -d
            return
            ;;
        global:--tls-*)
            _docker_machine_files -f
            return
            ;;
        create:*ssh-key | create:*keypath | create:*-key-path | create:*-path | create:*-file | \
            create:*userdata | create:*cacert | create:*-cert)
            _docker_machine_files -f
            return
            ;;
    esac
}

# _docker_machine_positional COMMAND INDEX CUR POSITIONALS... : completes the INDEX-th (0-based) argument.
_docker_machine_positional() {
    local cmd=$1 index=$2 cur=$3
    shift 3
    local state="" multi=0
    case $cmd in
        provision | regenerate-certs | stop) state=Running multi=1 ;;
        start) state=Stopped multi=1 ;;
        ip | kill | restart | rm | upgrade) multi=1 ;;
        config | env | inspect | ssh | status | url | version | use) ;;
        help)
            ((index == 0)) && _docker_machine_add "$(_docker_machine_commands)" "$cur"
            return
            ;;
        context)
            if ((index == 0)); then
                _docker_machine_add "create rm" "$cur"
                return
            fi
            multi=1
            shift # the subcommand is not a machine
            ;;
        export)
            if ((index == 1)); then
                _docker_machine_files -f
                return
            fi
            ;;
        import)
            ((index == 0)) && _docker_machine_files -f
            return
            ;;
        mount)
            if ((index == 0)); then
                _docker_machine_add "$(_docker_machine_machines Running | sed 's/$/:/')" "$cur"
                compopt -o nospace
            elif ((index == 1)); then
                _docker_machine_files -d
            fi
            return
            ;;
        scp)
            if [[ $cur != *:* ]]; then
                _docker_machine_add "$(_docker_machine_machines | sed 's/$/:/')" "$cur"
            fi
            if ((${#COMPREPLY[@]})); then
                _docker_machine_add_plain_files "$cur"
                compopt -o nospace
            elif [[ $cur != *:* ]]; then
                _docker_machine_files -f
            fi
            return
            ;;
        *) return ;; # active, ls, create (a new name) and unknown commands
    esac
    ((index > 0 && !multi)) && return
    local names=() name given
    while IFS= read -r name; do
        if ((multi)); then
            # don't offer a machine twice
            for given in "$@"; do
                [[ $given == "$name" ]] && continue 2
            done
        fi
        names+=("$name")
    done < <(_docker_machine_machines "$state")
    _docker_machine_add "${names[*]}" "$cur"
}

_docker_machine() {
    COMPREPLY=()
    # Split the line up to the cursor on blanks only: `--filter state=Running`, `--driver=generic` and
    # `machine:path` then stay single words (bash's COMP_WORDS also splits at `=` and `:`).
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words
    read -r -d '' -a words <<<"$line"
    if [[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]]; then
        words+=("")
    fi
    local cword=$((${#words[@]} - 1))
    local cur=${words[cword]}

    local _dm_bin
    _dm_bin=$(_docker_machine_tilde "${words[0]}")
    local -a _dm_global=() _dm_flags=() _dm_valued=()
    local _dm_create_driver="" _dm_files=0

    # Global options, up to the command.
    _docker_machine_parse_flags < <(_docker_machine_cached_help --help)
    local i=1 w command="" command_at=0
    while ((i < cword)); do
        w=${words[i]}
        case $w in
            -s | --storage-path | -storage-path)
                ((i + 1 < cword)) && _dm_global=(--storage-path "$(_docker_machine_tilde "${words[i + 1]}")")
                ((i += 2))
                continue
                ;;
            -s=* | --storage-path=* | -storage-path=*)
                _dm_global=(--storage-path "$(_docker_machine_tilde "${w#*=}")")
                ;;
            -*=*) ;;
            -*)
                if _docker_machine_is_valued "$w"; then
                    ((i += 2))
                    continue
                fi
                ;;
            *)
                command=$w
                command_at=$i
                break
                ;;
        esac
        ((i++))
    done

    if ((command_at == 0)); then
        if ((i == cword + 1)); then
            # the current word is the value of a global option
            _docker_machine_flag_value global "${words[cword - 1]}" "$cur" ""
        elif [[ $cur == -*=* ]]; then
            _docker_machine_flag_value global "${cur%%=*}" "${cur#*=}" "${cur%%=*}="
        elif [[ $cur == -* ]]; then
            _docker_machine_add "${_dm_flags[*]}" "$cur"
        else
            _docker_machine_add "$(_docker_machine_commands)" "$cur"
        fi
        ((_dm_files)) || _docker_machine_trim_to_readline_word "$cur"
        return 0
    fi

    # `create`: find the driver, whose options are offered too.
    if [[ $command == create ]]; then
        for ((i = command_at + 1; i < cword; i++)); do
            case ${words[i]} in
                -d | --driver | -driver) ((i + 1 < cword)) && _dm_create_driver=${words[i + 1]} ;;
                -d=* | --driver=* | -driver=*) _dm_create_driver=${words[i]#*=} ;;
            esac
        done
    fi
    _docker_machine_command_flags "$command"

    # Walk the command's arguments: values of options, positional arguments.
    local expecting="" after_terminator=0
    local -a positionals=()
    for ((i = command_at + 1; i < cword; i++)); do
        w=${words[i]}
        if [[ -n $expecting ]]; then
            expecting=""
        elif ((after_terminator)) || [[ $w != -* ]]; then
            positionals+=("$w")
            # ssh: everything after the machine name is the remote command
            [[ $command == ssh ]] && return 0
        elif [[ $w == -- ]]; then
            after_terminator=1
        elif [[ $w != *=* ]] && _docker_machine_is_valued "$w"; then
            expecting=$w
        fi
    done

    if [[ -n $expecting ]]; then
        _docker_machine_flag_value "$command" "$expecting" "$cur" ""
    elif ((!after_terminator)) && [[ $cur == -*=* ]]; then
        _docker_machine_flag_value "$command" "${cur%%=*}" "${cur#*=}" "${cur%%=*}="
    elif ((!after_terminator)) && [[ $cur == -* ]]; then
        _docker_machine_add "${_dm_flags[*]}" "$cur"
    else
        _docker_machine_positional "$command" "${#positionals[@]}" "$cur" "${positionals[@]}"
    fi
    ((_dm_files)) || _docker_machine_trim_to_readline_word "$cur"
    return 0
}

complete -F _docker_machine docker-machine docker-machine.exe
