# bash completion for numacmactl and numacmad              -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command and option of 'numacmactl COMMAND --help' and
# 'numacmad --help' (tests/check-completions.py compares).

_numacmactl()
{
    local cur prev words cword
    _init_completion || return

    local global_opts='--root --help --version'
    local commands='status check plan config apply diff trace'

    # The command is the first word that is not an option or an option's value.
    local i cmd='' sub=''
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --root | --format | --warning | --critical | --timeout | -w | -c | -t | --seconds) ((i++)) ;;
            --) break ;;
            -*) ;;
            *)
                if [[ -z $cmd ]]; then
                    cmd=${words[i]}
                elif [[ -z $sub ]]; then
                    sub=${words[i]}
                fi
                ;;
        esac
    done

    case $prev in
        --root)
            _filedir -d
            return
            ;;
        --seconds)
            return
            ;;
        --format)
            if [[ $cmd == plan || $cmd == trace ]]; then
                COMPREPLY=($(compgen -W 'human json' -- "$cur"))
            else
                COMPREPLY=($(compgen -W 'human json prometheus' -- "$cur"))
            fi
            return
            ;;
        --warning | --critical | -w | -c)
            COMPREPLY=($(compgen -W '80 90 95' -- "$cur"))
            return
            ;;
        --timeout | -t)
            COMPREPLY=($(compgen -W '10 30 60' -- "$cur"))
            return
            ;;
    esac

    case $cmd in
        '')
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            fi
            ;;
        status) COMPREPLY=($(compgen -W '--format --json --root --help' -- "$cur")) ;;
        check) COMPREPLY=($(compgen -W '--warning --critical --timeout --root --help' -- "$cur")) ;;
        plan) COMPREPLY=($(compgen -W '--explain --format --json --root --help' -- "$cur")) ;;
        apply) COMPREPLY=($(compgen -W '--dry-run --no-commands --remove-all --json --root --help' -- "$cur")) ;;
        diff) COMPREPLY=($(compgen -W '--root --help' -- "$cur")) ;;
        trace)
            local j dd=0
            for ((j = 1; j < cword; j++)); do
                [[ ${words[j]} == -- ]] && dd=$((j + 1)) && break
            done
            if ((dd)); then
                # After "--": the command that runs while tracing.
                _command_offset $dd
            else
                COMPREPLY=($(compgen -W '--boot --seconds --format --json --root --help --' -- "$cur"))
            fi
            ;;
        config)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W 'check' -- "$cur"))
            elif [[ $sub == check && $cur == -* ]]; then
                COMPREPLY=($(compgen -W '--root --help' -- "$cur"))
            elif [[ $sub == check ]]; then
                _filedir conf
            fi
            ;;
    esac
} &&
    complete -F _numacmactl numacmactl

_numacmad()
{
    local cur prev words cword
    _init_completion || return

    case $prev in
        --root)
            _filedir -d
            return
            ;;
        --udev)
            COMPREPLY=($(compgen -W 'yes no auto' -- "$cur"))
            return
            ;;
        --log-level)
            COMPREPLY=($(compgen -W 'debug info notice warning err' -- "$cur"))
            return
            ;;
    esac
    COMPREPLY=($(compgen -W '--root --once --json --udev --log-level --help --version' -- "$cur"))
} &&
    complete -F _numacmad numacmad

# ex: filetype=sh
