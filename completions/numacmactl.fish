# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for numacmactl: every command and option of
# 'numacmactl COMMAND --help' (tests/check-completions.py compares).

set -l commands status check plan config apply diff trace

complete -c numacmactl -f
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a status -d 'the four layers, node by node'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a check -d 'one monitoring-plugin line'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a plan -d 'the arguments the policy asks for'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a config -d 'config check [FILE]'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a apply -d 'write the plan into the boot configuration'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a diff -d 'the diff apply would make'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -a trace -d 'each device\'s coherent DMA, from the tracepoints'
complete -c numacmactl -n "not __fish_seen_subcommand_from $commands" -l version -d 'the version'

# Every command's: --root and --help.
complete -c numacmactl -l root -r -a '(__fish_complete_directories)' -d 'read the system below DIR'
complete -c numacmactl -s h -l help -d 'the help'

complete -c numacmactl -n '__fish_seen_subcommand_from status' -l format -x -a 'human json prometheus' -d 'output format'
complete -c numacmactl -n '__fish_seen_subcommand_from status' -l json -d 'the same as --format=json'

complete -c numacmactl -n '__fish_seen_subcommand_from check' -s w -l warning -x -d 'WARNING when a pool is PCT% in use'
complete -c numacmactl -n '__fish_seen_subcommand_from check' -s c -l critical -x -d 'CRITICAL when a pool is PCT% in use'
complete -c numacmactl -n '__fish_seen_subcommand_from check' -s t -l timeout -x -d 'UNKNOWN after SECONDS'

complete -c numacmactl -n '__fish_seen_subcommand_from plan' -l explain -d 'why each node gets what it gets'
complete -c numacmactl -n '__fish_seen_subcommand_from plan' -l format -x -a 'human json' -d 'output format'
complete -c numacmactl -n '__fish_seen_subcommand_from plan' -l json -d 'the same as --format=json'

complete -c numacmactl -n '__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from check' -a check -d 'check the policy or one file'
complete -c numacmactl -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from check' -F

complete -c numacmactl -n '__fish_seen_subcommand_from apply' -l dry-run -d 'print the diff, change nothing'
complete -c numacmactl -n '__fish_seen_subcommand_from apply' -l no-commands -d 'write the files, run no command'
complete -c numacmactl -n '__fish_seen_subcommand_from apply' -l remove-all -d 'take every numacma argument out'
complete -c numacmactl -n '__fish_seen_subcommand_from apply' -l json -d 'say what was done as JSON'

complete -c numacmactl -n '__fish_seen_subcommand_from trace' -l boot -d 'what trace_event= recorded since boot'
complete -c numacmactl -n '__fish_seen_subcommand_from trace' -l seconds -x -d 'record for N seconds'
complete -c numacmactl -n '__fish_seen_subcommand_from trace' -l format -x -a 'human json' -d 'output format'
complete -c numacmactl -n '__fish_seen_subcommand_from trace' -l json -d 'the same as --format=json'
