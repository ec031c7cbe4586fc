# fish completion for docker-machine (the C++ drop-in replacement of docker-machine 0.16.2).
#
# Installation (details in docs/shell.md): copy this file to ~/.config/fish/completions/docker-machine.fish
# (system wide: /usr/share/fish/vendor_completions.d/). fish loads it the first time docker-machine is
# completed.
#
# Commands, global options and the options of every command are read from the binary's help texts (for
# `create`, with the driver given by --driver/-d), so they always match the installed docker-machine.
# Machine names come from `docker-machine ls -q` (running machines only for mount, provision,
# regenerate-certs and stop, stopped ones for start); a --storage-path/-s given before the command is passed
# on. `use` is offered when the fish wrapper (functions/docker-machine.fish) is installed.
# Help texts are cached for the life of the shell, machine lists never are.

set -g __fish_docker_machine_known_drivers amazonec2 azure digitalocean exoscale generic google hyperv \
    openstack rackspace softlayer virtualbox vmwarefusion vmwarevcloudair vmwarevsphere
set -g __fish_docker_machine_shells bash cmd emacs fish powershell sh tcsh zsh
set -g __fish_docker_machine_states Error Paused Running Saved Starting Stopped Stopping
set -g __fish_docker_machine_storage_drivers aufs btrfs devicemapper overlay overlay2 vfs zfs
set -g __fish_docker_machine_swarm_strategies binpack random spread
set -q __fish_docker_machine_cache_keys; or set -g __fish_docker_machine_cache_keys

# Runs the docker-machine being completed (never a wrapper function), stderr dropped.
function __fish_docker_machine_run
    command $__fish_docker_machine_bin $__fish_docker_machine_global $argv 2>/dev/null
end

# Output of `docker-machine ARGS...`, cached per binary and arguments.
function __fish_docker_machine_help
    set -l key "$__fish_docker_machine_bin|$MACHINE_DRIVER|$argv"
    set -l index (contains -i -- $key $__fish_docker_machine_cache_keys)
    if test -z "$index"
        set -g -a __fish_docker_machine_cache_keys $key
        set index (count $__fish_docker_machine_cache_keys)
        set -g __fish_docker_machine_cache_$index (command $__fish_docker_machine_bin $argv 2>/dev/null)
    end
    set -l name __fish_docker_machine_cache_$index
    printf '%s\n' $$name
end

# Reads help lines (arguments) into __fish_docker_machine_flags, __fish_docker_machine_flag_descs (parallel)
# and __fish_docker_machine_valued. Flag lines are indented by two (app help) or three (command help) spaces;
# the first cell ends at a TAB:
# `--name, -n "default"` or `--name ` take a value, `--name, -n` alone is a switch.
function __fish_docker_machine_parse_flags
    set -g __fish_docker_machine_flags
    set -g __fish_docker_machine_flag_descs
    set -g __fish_docker_machine_valued
    for line in $argv
        set -l m (string match -r '^ {2,3}(-[^\t]*)\t+(.*)$' -- $line)
        or continue
        set -l cell (string replace -a ', ' ',' -- $m[2])
        set -l names (string split ',' -- (string split -m1 ' ' -- $cell)[1])
        for name in $names
            set -g -a __fish_docker_machine_flags $name
            set -g -a __fish_docker_machine_flag_descs $m[3]
            if string match -q '* *' -- $cell
                set -g -a __fish_docker_machine_valued $name
            end
        end
    end
end

function __fish_docker_machine_print_flags
    for i in (seq (count $__fish_docker_machine_flags))
        printf '%s\t%s\n' $__fish_docker_machine_flags[$i] $__fish_docker_machine_flag_descs[$i]
    end
end

function __fish_docker_machine_is_valued
    set -l flag $argv[1]
    # Go also accepts -name for --name
    string match -qr '^-[^-].' -- $flag; and set flag -$flag
    contains -- $flag $__fish_docker_machine_valued
end

# Prints each of the words $argv[2..] prefixed by $argv[1].
function __fish_docker_machine_prefixed
    set -l prefix $argv[1]
    for word in $argv[2..-1]
        printf '%s%s\n' $prefix $word
    end
end

function __fish_docker_machine_machines
    if test -n "$argv[1]"
        __fish_docker_machine_run ls -q --filter state=$argv[1]
    else
        __fish_docker_machine_run ls -q
    end
end

function __fish_docker_machine_drivers
    set -l plugins
    for dir in $PATH
        for plugin in $dir/docker-machine-driver-*
            test -x $plugin; and set -a plugins (string replace -r '.*/docker-machine-driver-' '' -- $plugin)
        end
    end
    printf '%s\n' $__fish_docker_machine_known_drivers $plugins | sort -u
end

function __fish_docker_machine_commands
    set -l in_commands 0
    for line in (__fish_docker_machine_help --help)
        if test "$line" = Commands:
            set in_commands 1
        else if test $in_commands = 1
            set -l m (string match -r '^  ([a-z][a-z0-9-]*)\t+(.*)$' -- $line)
            and printf '%s\t%s\n' $m[2] $m[3]
        end
    end
    # commands beyond upstream's, which `--help` does not list (docs/compatibility.md)
    printf '%s\t%s\n' context 'Write or remove the Docker CLI context of machines' \
        export 'Export a machine to a .tar.gz archive' import 'Import a machine from an archive made by export'
    if functions -q docker-machine; or test "$DOCKER_MACHINE_WRAPPED" = true
        printf '%s\t%s\n' use 'Set the environment of this shell for a machine (wrapper)'
    end
end

function __fish_docker_machine_files
    # $argv[1]: prefix to put back, $argv[2]: path typed so far, $argv[3]: -d for directories only
    if test "$argv[3]" = -d
        __fish_docker_machine_prefixed $argv[1] (__fish_complete_directories $argv[2])
    else
        __fish_docker_machine_prefixed $argv[1] (__fish_complete_path $argv[2])
    end
end

# __fish_docker_machine_value COMMAND FLAG VALUE PREFIX : completes the value of an option.
function __fish_docker_machine_value
    set -l cmd $argv[1]
    set -l flag $argv[2]
    set -l value $argv[3]
    set -l prefix $argv[4]
    string match -qr '^-[^-].' -- $flag; and set flag -$flag
    switch "$cmd:$flag"
        case create:--driver create:-d
            __fish_docker_machine_prefixed "$prefix" (__fish_docker_machine_drivers)
        case '*:--shell'
            __fish_docker_machine_prefixed "$prefix" $__fish_docker_machine_shells
        case ls:--filter
            switch $value
                case 'driver=*'
                    __fish_docker_machine_prefixed "$prefix"driver= (__fish_docker_machine_drivers) none
                case 'state=*'
                    __fish_docker_machine_prefixed "$prefix"state= $__fish_docker_machine_states
                case 'name=*'
                    __fish_docker_machine_prefixed "$prefix"name= (__fish_docker_machine_machines)
                case 'swarm=*'
                    __fish_docker_machine_prefixed "$prefix"swarm= (__fish_docker_machine_machines)
                case '*=*'
                case '*'
                    printf '%s%s\t%s\n' "$prefix" driver= 'machines using this driver' "$prefix" label= \
                        'machines whose engine has this label' "$prefix" name= 'machines whose name matches' \
                        "$prefix" state= 'machines in this state' "$prefix" swarm= 'machines of this swarm'
            end
        case create:--engine-storage-driver
            __fish_docker_machine_prefixed "$prefix" $__fish_docker_machine_storage_drivers
        case create:--swarm-strategy
            __fish_docker_machine_prefixed "$prefix" $__fish_docker_machine_swarm_strategies
        case global:--storage-path global:-s
            __fish_docker_machine_files "$prefix" $value -d
        case 'global:--tls-*' 'create:*ssh-key' 'create:*keypath' 'create:*-key-path' 'create:*-path' \
            'create:*-file' 'create:*userdata' 'create:*cacert' 'create:*-cert'
            __fish_docker_machine_files "$prefix" $value
    end
end

# __fish_docker_machine_positional COMMAND INDEX CUR GIVEN... : completes the INDEX-th (0-based) argument of COMMAND.
function __fish_docker_machine_positional
    set -l cmd $argv[1]
    set -l index $argv[2]
    set -l cur $argv[3]
    set -l given $argv[4..-1]
    set -l state
    set -l multi 0
    switch $cmd
        case provision regenerate-certs stop
            set state Running
            set multi 1
        case start
            set state Stopped
            set multi 1
        case ip kill restart rm upgrade
            set multi 1
        case config env inspect ssh status url version use
        case help
            test $index -eq 0; and __fish_docker_machine_commands
            return
        case context
            if test $index -eq 0
                printf '%s\n' create rm
                return
            end
            set multi 1
            set given $given[2..-1]
        case export
            if test $index -eq 1
                __fish_docker_machine_files '' $cur
                return
            end
        case import
            test $index -eq 0; and __fish_docker_machine_files '' $cur
            return
        case mount
            if test $index -eq 0
                __fish_docker_machine_prefixed '' (__fish_docker_machine_machines Running | string replace -r '$' ':')
            else if test $index -eq 1
                __fish_docker_machine_files '' $cur -d
            end
            return
        case scp
            if not string match -q '*:*' -- $cur
                __fish_docker_machine_machines | string replace -r '$' ':'
                __fish_docker_machine_files '' $cur
            end
            return
        case '*'
            return
    end
    test $index -gt 0 -a $multi = 0; and return
    for name in (__fish_docker_machine_machines $state)
        if test $multi = 1; and contains -- $name $given
            continue
        end
        echo $name
    end
end

function __fish_docker_machine_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l ntokens (count $tokens)
    set -g __fish_docker_machine_bin (string replace -r '^~/' "$HOME/" -- $tokens[1])
    set -g __fish_docker_machine_global

    # Global options, up to the command.
    __fish_docker_machine_parse_flags (__fish_docker_machine_help --help)
    set -l i 2
    set -l command
    set -l command_at 0
    while test $i -le $ntokens
        set -l w $tokens[$i]
        switch $w
            case -s --storage-path -storage-path
                if test $i -lt $ntokens
                    set -l dir (string replace -r '^~/' "$HOME/" -- $tokens[(math $i + 1)])
                    set -g __fish_docker_machine_global --storage-path $dir
                end
                set i (math $i + 2)
                continue
            case '-s=*' '--storage-path=*' '-storage-path=*'
                set -l dir (string replace -r '^[^=]*=' '' -- $w | string replace -r '^~/' "$HOME/")
                set -g __fish_docker_machine_global --storage-path $dir
            case '-*=*'
            case '-*'
                if __fish_docker_machine_is_valued $w
                    set i (math $i + 2)
                    continue
                end
            case '*'
                set command $w
                set command_at $i
                break
        end
        set i (math $i + 1)
    end

    if test $command_at -eq 0
        if test $i -gt (math $ntokens + 1)
            __fish_docker_machine_value global $tokens[-1] $cur ''
        else if string match -q -- '-*=*' $cur
            set -l parts (string split -m1 '=' -- $cur)
            __fish_docker_machine_value global $parts[1] $parts[2] $parts[1]=
        else if string match -q -- '-*' $cur
            __fish_docker_machine_print_flags
        else
            __fish_docker_machine_commands
        end
        return
    end

    # create: the options of the driver given with --driver/-d are offered too
    switch $command
        case use
            # the wrapper's `use` runs `env` and evaluates its output in this shell
            set -l text (__fish_docker_machine_help env --help | string match -v -r '^   --shell ')
            __fish_docker_machine_parse_flags $text
        case create
            set -l driver
            for j in (seq (math $command_at + 1) $ntokens)
                switch $tokens[$j]
                    case -d --driver -driver
                        test $j -lt $ntokens; and set driver $tokens[(math $j + 1)]
                    case '-d=*' '--driver=*' '-driver=*'
                        set driver (string split -m1 '=' -- $tokens[$j])[2]
                end
            end
            if test -n "$driver"
                __fish_docker_machine_parse_flags (__fish_docker_machine_help create --driver $driver --help)
            else
                set -l text (__fish_docker_machine_help create --help)
                if not string match -q -r '^   -' -- $text
                    # default driver not available: shared options from the `none` driver, without its --url
                    set text (__fish_docker_machine_help create --driver none --help | string match -v -r '^   --url ')
                end
                __fish_docker_machine_parse_flags $text
            end
        case '*'
            __fish_docker_machine_parse_flags (__fish_docker_machine_help $command --help)
    end
    set -a __fish_docker_machine_flags --help -h
    set -a __fish_docker_machine_flag_descs 'show help' 'show help'

    # Walk the command's arguments: values of options, positional arguments.
    set -l expecting
    set -l after_terminator 0
    set -l positionals
    for j in (seq (math $command_at + 1) $ntokens)
        set -l w $tokens[$j]
        if test -n "$expecting"
            set expecting
        else if test $after_terminator = 1; or not string match -q -- '-*' $w
            set -a positionals $w
            # ssh: everything after the machine name is the remote command
            test $command = ssh; and return
        else if test "$w" = --
            set after_terminator 1
        else if not string match -q -- '*=*' $w; and __fish_docker_machine_is_valued $w
            set expecting $w
        end
    end

    if test -n "$expecting"
        __fish_docker_machine_value $command $expecting $cur ''
    else if test $after_terminator = 0; and string match -q -- '-*=*' $cur
        set -l parts (string split -m1 '=' -- $cur)
        __fish_docker_machine_value $command $parts[1] $parts[2] $parts[1]=
    else if test $after_terminator = 0; and string match -q -- '-*' $cur
        __fish_docker_machine_print_flags
    else
        __fish_docker_machine_positional $command (count $positionals) $cur $positionals
    end
end

complete -c docker-machine -e
complete -c docker-machine -f -a '(__fish_docker_machine_complete)'
complete -c docker-machine.exe -e
complete -c docker-machine.exe -f -a '(__fish_docker_machine_complete)'
