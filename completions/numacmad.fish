# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for numacmad: every option of 'numacmad --help'
# (tests/check-completions.py compares).

complete -c numacmad -f
complete -c numacmad -l root -r -a '(__fish_complete_directories)' -d 'read the system below DIR'
complete -c numacmad -l once -d 'compute, apply, print the status, exit'
complete -c numacmad -l json -d 'with --once: the status as JSON'
complete -c numacmad -l udev -x -a 'yes no auto' -d 'listen to udev'
complete -c numacmad -l log-level -x -a 'debug info notice warning err' -d 'log level'
complete -c numacmad -s h -l help -d 'the help'
complete -c numacmad -l version -d 'the version'
