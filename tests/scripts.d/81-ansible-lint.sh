#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible role and playbooks: ansible-playbook --syntax-check, and
# ansible-lint with the production profile. Skips (77) only when
# ansible-core or ansible-lint is not installed.
set -euo pipefail
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
for t in ansible-playbook ansible-lint; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "$t not installed (apt-get install ansible-core ansible-lint): skipped"
		exit 77
	fi
done
cd "$SRCDIR/ansible"
export ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 NO_COLOR=1
export ANSIBLE_LOCAL_TEMP="$(mktemp -d)" ANSIBLE_HOME="$(mktemp -d)"
trap 'rm -rf "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_HOME"' EXIT
ansible-playbook --syntax-check -i inventory/example.yml playbooks/site.yml playbooks/rolling-reboot.yml
# Every variable the role reads is declared in meta/argument_specs.yml.
python3 - <<'PY'
import re, sys, yaml
spec = yaml.safe_load(open("roles/numacma/meta/argument_specs.yml"))["argument_specs"]["main"]["options"]
defaults = yaml.safe_load(open("roles/numacma/defaults/main.yml"))
bad = sorted(set(defaults) ^ set(spec))
if bad:
    sys.exit(f"defaults and argument_specs differ: {bad}")
for k, v in defaults.items():
    if spec[k].get("default") != v:
        sys.exit(f"{k}: default {v!r} in defaults/main.yml, {spec[k].get('default')!r} in argument_specs")
print(f"argument_specs: {len(spec)} variables, all with the defaults of defaults/main.yml")
PY
nice -n 10 ansible-lint --nocolor --profile production roles/numacma playbooks
