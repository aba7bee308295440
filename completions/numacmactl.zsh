#compdef numacmactl numacmad
# SPDX-License-Identifier: GPL-2.0-or-later
# zsh completion for numacmactl and numacmad: every command and option of
# 'numacmactl COMMAND --help' and 'numacmad --help'
# (tests/check-completions.py compares).

_numacmactl_command() {
    local -a common
    common=(
        '--root=[read the system below DIR instead of /]:directory:_directories'
        '(- *)'{-h,--help}'[show the help of the command]'
    )
    case $words[1] in
        status)
            _arguments $common \
                '--format=[output format]:format:(human json prometheus)' \
                '--json[the same as --format=json]'
            ;;
        check)
            _arguments $common \
                '(-w --warning)'{-w+,--warning=}'[WARNING when a CMA pool is PCT% in use]:percent:' \
                '(-c --critical)'{-c+,--critical=}'[CRITICAL when a CMA pool is PCT% in use]:percent:' \
                '(-t --timeout)'{-t+,--timeout=}'[UNKNOWN after SECONDS]:seconds:'
            ;;
        plan)
            _arguments $common \
                '--explain[say why each node gets what it gets]' \
                '--format=[output format]:format:(human json)' \
                '--json[the same as --format=json]'
            ;;
        config)
            _arguments $common '1:subcommand:(check)' '2:file:_files'
            ;;
        apply)
            _arguments $common \
                '--dry-run[print the diff and the commands, change nothing]' \
                '--no-commands[write the files, run no command]' \
                '--remove-all[take every numacma argument out]' \
                '--json[say what was done as JSON]'
            ;;
        diff)
            _arguments $common
            ;;
        trace)
            _arguments $common \
                '--boot[what trace_event= recorded since boot]' \
                '--seconds=[record for N seconds]:seconds:' \
                '--format=[output format]:format:(human json)' \
                '--json[the same as --format=json]' \
                '*::command:_normal'
            ;;
    esac
}

_numacmactl() {
    local curcontext=$curcontext state line
    local -a commands
    commands=(
        'status:the four layers, node by node, and every DMA device'
        'check:one monitoring-plugin line with perfdata'
        'plan:the kernel arguments the policy asks for'
        'config:check the policy (config check [FILE])'
        'apply:write the plan into the boot configuration'
        'diff:the unified diff apply would make'
        'trace:which memory each device'"'"'s coherent DMA gets, from the tracepoints'
    )
    _arguments -C \
        '--root=[read the system below DIR instead of /]:directory:_directories' \
        '(- *)'{-h,--help}'[show the help]' \
        '(- *)--version[show the version]' \
        '1:command:->command' \
        '*::argument:->argument'
    case $state in
        command) _describe -t commands 'numacmactl command' commands ;;
        argument) _numacmactl_command ;;
    esac
}

_numacmad() {
    _arguments \
        '--root=[read the system below DIR]:directory:_directories' \
        '--once[compute, apply, print the status, exit]' \
        '--json[with --once: the status as JSON]' \
        '--udev=[listen to udev]:when:(yes no auto)' \
        '--log-level=[log level]:level:(debug info notice warning err)' \
        '(- *)'{-h,--help}'[show the help]' \
        '(- *)--version[show the version]'
}

case $service in
    numacmad) _numacmad "$@" ;;
    *) _numacmactl "$@" ;;
esac
