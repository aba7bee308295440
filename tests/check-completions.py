#!/usr/bin/env python3
"""The shell completions offer every command and option the programs have.

The commands and options come from the programs themselves ('numacmactl
--help', 'numacmactl COMMAND --help', 'numacmad --help'), so that a new one
without its completion fails here. Then:
  - bash: the real completion functions, loaded after bash-completion's
    bash_completion, asked for 'numacmactl COMMAND --' (and the command
    word, and 'numacmad --') the way readline asks (COMP_WORDS/COMP_CWORD);
  - fish: 'complete -C' on the same command lines;
  - zsh: 'zsh -n' on the file and every option named in it (a live zsh
    completion needs a terminal).

usage: check-completions.py NUMACMACTL NUMACMAD SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


def help_text(argv):
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def long_options(text):
    return sorted(set(re.findall(r"^\s+(?:-\w )?(--[a-z][a-z-]*)", text, re.M)))


def main():
    # The prerequisite check (tests/needs check-completions): exit 3 is its dry mode
    # (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "check-completions"])
    if rc:
        return 0 if rc == 3 else rc
    ctl, daemon, src = (os.path.abspath(p) for p in sys.argv[1:4])
    comp = os.path.join(src, "completions")
    errs = []
    top = help_text([ctl, "--help"])
    sec = top.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    commands = [m.group(1) for m in re.finditer(r"^  (\S+(?: [a-z]+)?)(?: \[[A-Z]+\])?\s{2,}", sec, re.M)]
    opts = {c: long_options(help_text([ctl] + c.split() + ["--help"])) for c in commands}
    globals_ = long_options(top.split("Options:\n", 1)[1])
    dopts = long_options(help_text([daemon, "--help"]))
    if len(commands) < 6 or not all(opts.values()) or not dopts:
        errs.append(f"could not read the options: {commands} {opts} {dopts}")

    # bash
    if not os.path.exists(BASH_COMPLETION):
        errs.append(f"{BASH_COMPLETION} missing (bash-completion): cannot test the bash completion")
    else:
        def bash_cur(words, cur):
            script = (f"source {BASH_COMPLETION}; source {comp}/numacmactl.bash; "
                      f"COMP_WORDS=({' '.join(words)} {cur}); COMP_CWORD={len(words)}; "
                      f"COMP_LINE='{' '.join(words)} {cur}'; COMP_POINT=${{#COMP_LINE}}; "
                      f"{'_numacmad' if words[0] == 'numacmad' else '_numacmactl'}; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
            return set(subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False).stdout.split())

        got = bash_cur(["numacmactl"], "")
        want = {c.split()[0] for c in commands}
        if not want <= got:
            errs.append(f"bash: 'numacmactl <TAB>' offers {sorted(got)}, not every command {sorted(want)}")
        got = bash_cur(["numacmactl"], "--")
        if not set(globals_) <= got:
            errs.append(f"bash: 'numacmactl --<TAB>' offers {sorted(got)}, not {globals_}")
        for c, o in opts.items():
            got = bash_cur(["numacmactl"] + c.split(), "--")
            if not set(o) <= got:
                errs.append(f"bash: 'numacmactl {c} --<TAB>' lacks {sorted(set(o) - got)}")
        got = bash_cur(["numacmad"], "--")
        if not set(dopts) <= got:
            errs.append(f"bash: 'numacmad --<TAB>' lacks {sorted(set(dopts) - got)}")
        got = bash_cur(["numacmactl", "status", "--format"], "")
        if got != {"human", "json", "prometheus"}:
            errs.append(f"bash: 'status --format <TAB>' offers {sorted(got)}")

    # fish
    if shutil.which("fish"):
        def fish(line):
            cmd = f"source {comp}/numacmactl.fish; source {comp}/numacmad.fish; complete -C '{line}'"
            out = subprocess.run(["fish", "--no-config", "-c", cmd], capture_output=True, text=True, check=False).stdout
            return {l.split("\t")[0] for l in out.splitlines()}

        got = fish("numacmactl ")
        if not {c.split()[0] for c in commands} <= got:
            errs.append(f"fish: 'numacmactl <TAB>' offers {sorted(got)}")
        for c, o in opts.items():
            got = fish(f"numacmactl {c} --")
            if not set(o) <= got:
                errs.append(f"fish: 'numacmactl {c} --<TAB>' lacks {sorted(set(o) - got)}")
        got = fish("numacmad --")
        if not set(dopts) <= got:
            errs.append(f"fish: 'numacmad --<TAB>' lacks {sorted(set(dopts) - got)}")
    else:
        errs.append("fish is not installed: cannot test the fish completion (tests/install-deps)")

    # zsh
    zf = os.path.join(comp, "numacmactl.zsh")
    if shutil.which("zsh"):
        r = subprocess.run(["zsh", "-n", zf], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            errs.append(f"zsh -n {zf}: {r.stderr.strip()}")
    else:
        errs.append("zsh is not installed: cannot check the zsh completion (tests/install-deps)")
    text = open(zf, encoding="utf-8").read()
    for c, o in opts.items():
        for opt in o:
            if opt not in text:
                errs.append(f"zsh: {opt} ({c}) is not in {zf}")
    for opt in dopts:
        if opt not in text:
            errs.append(f"zsh: numacmad's {opt} is not in {zf}")

    for e in errs:
        print(e)
    n = sum(len(o) for o in opts.values()) + len(dopts)
    print(f"{len(commands)} commands, {n} options (numacmactl and numacmad) in bash, fish and zsh; {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
