#!/usr/bin/env python3
"""numacmactl's JSON contract (json-schema/README.md): every JSON output on
every captured tree validates against the schema of the version it prints.

For each tree (tests/fixtures/trees, tests/fixtures/unseen, tests/kernel/trees
and the boot layouts tests/boot/trees):
  numacmactl status --json, plan --json, apply --json --dry-run, and
  trace --boot --json where the tree kept a boot-time trace;
and on a copy of each boot layout (a real write below the copy):
  numacmactl apply --json, status --json, apply --remove-all --json,
  numacmad --once --json.
Each output must carry schema_version N and validate against
json-schema/vN/{status,plan,apply}.json, whose objects are closed
(additionalProperties: false) and whose fields are all required: a field
renamed, added, removed or given another type fails here unless the
version changes with it. The released schema files must match
json-schema/SHA256SUMS (a released version is never edited in place), the
version printed must be the newest directory, and numacmactl(8) must name
every field of the newest schema.

Self-test: mutations of a real output (a key renamed, added, removed, a
type changed, the version raised) must each fail validation, so the check
cannot pass by accepting anything.

usage: check-json-schema.py NUMACMACTL NUMACMAD SOURCE_DIR
"""
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


KINDS = ("status", "plan", "apply", "trace")
STATUS_EXITS = (0, 1, 3, 150)  # status exits with its state's code (numacmactl(8))
# The version an output first had a schema in (trace --json: v2).
SINCE = {"trace": 2}


def load_schemas(src):
    base = os.path.join(src, "json-schema")
    sums = {}
    with open(os.path.join(base, "SHA256SUMS"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                digest, name = line.split()
                sums[name] = digest
    errs, schemas = [], {}
    versions = sorted(int(d[1:]) for d in os.listdir(base) if re.fullmatch(r"v[0-9]+", d))
    for v in versions:
        for k in KINDS:
            if v < SINCE.get(k, 1):
                continue
            rel = f"v{v}/{k}.json"
            path = os.path.join(base, rel)
            with open(path, "rb") as f:
                data = f.read()
            if sums.get(rel) != hashlib.sha256(data).hexdigest():
                errs.append(f"{rel}: not as released (SHA256SUMS): a released schema never changes; "
                            "make a new version (json-schema/README.md)")
            schema = json.loads(data)
            jsonschema.Draft202012Validator.check_schema(schema)
            schemas[(v, k)] = schema
    return versions, schemas, errs


def closed_everywhere(schema, path, errs):
    """Every object in the schema is closed and requires all its fields."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            props = set(schema.get("properties", {}))
            if schema.get("additionalProperties") is not False:
                errs.append(f"{path}: object not closed (additionalProperties: false)")
            if set(schema.get("required", [])) != props:
                errs.append(f"{path}: not every field is required")
        for k, v in schema.items():
            closed_everywhere(v, f"{path}/{k}", errs)
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            closed_everywhere(v, f"{path}[{i}]", errs)


def field_names(schema, out):
    if isinstance(schema, dict):
        for k, v in schema.get("properties", {}).items():
            out.add(k)
            field_names(v, out)
        for k in ("items", "$defs"):
            if k in schema:
                field_names(schema[k], out)
        for v in schema.get("$defs", {}).values():
            field_names(v, out)
    return out


class Checker:
    def __init__(self, ctl, daemon, src):
        self.ctl, self.daemon, self.src = ctl, daemon, src
        self.versions, self.schemas, self.errs = load_schemas(src)
        self.checked = {k: 0 for k in KINDS}
        self.samples = {}

    def validate(self, kind, doc):
        """The errors of doc against the schema of the version it prints."""
        v = doc.get("schema_version") if isinstance(doc, dict) else None
        if (v, kind) not in self.schemas:
            return [f"schema_version {v!r}: no json-schema/v{v}/{kind}.json"]
        val = jsonschema.Draft202012Validator(self.schemas[(v, kind)])
        return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in val.iter_errors(doc)]

    def run(self, kind, what, argv, ok_codes):
        out = subprocess.run(argv, capture_output=True, text=True, check=False)
        if out.returncode not in ok_codes:
            self.errs.append(f"{what}: exit {out.returncode}: {out.stderr.strip()[:300]}")
            return
        try:
            doc = json.loads(out.stdout)
        except json.JSONDecodeError as e:
            self.errs.append(f"{what}: not JSON ({e}): {out.stdout[:200]!r}")
            return
        if doc.get("schema_version") != self.versions[-1]:
            self.errs.append(f"{what}: schema_version {doc.get('schema_version')!r}, the newest schema is v{self.versions[-1]}")
        for e in self.validate(kind, doc):
            self.errs.append(f"{what}: {e}")
        self.checked[kind] += 1
        self.samples.setdefault(kind, doc)

    def tree(self, name, root):
        c = self.ctl
        self.run("status", f"{name}: status --json", [c, "status", "--json", "--root", root], STATUS_EXITS)
        self.run("plan", f"{name}: plan --json", [c, "plan", "--json", "--root", root], (0, 1))
        self.run("apply", f"{name}: apply --json --dry-run", [c, "apply", "--json", "--dry-run", "--root", root], (0, 1))
        if os.path.exists(os.path.join(root, "sys/kernel/tracing/trace")):
            self.run("trace", f"{name}: trace --boot --json", [c, "trace", "--boot", "--json", "--root", root], (0,))

    def written(self, name, tree, tmp):
        root = os.path.join(tmp, name)
        shutil.copytree(tree, root, symlinks=True)
        c = self.ctl
        self.run("apply", f"{name} (copy): apply --json", [c, "apply", "--json", "--root", root], (0, 1))
        self.run("status", f"{name} (copy): status --json after apply", [c, "status", "--json", "--root", root], STATUS_EXITS)
        self.run("status", f"{name} (copy): numacmad --once --json", [self.daemon, "--once", "--json", "--root", root], (0, 1))
        self.run("apply", f"{name} (copy): apply --remove-all --json", [c, "apply", "--remove-all", "--json", "--root", root], (0, 1))

    def self_test(self):
        """Each mutation of a real output must fail validation."""
        doc = self.samples.get("status")
        if not doc:
            self.errs.append("self-test: no status output to mutate")
            return
        node = lambda d: d["nodes"][0]
        mutations = {
            "a key renamed": lambda d: d.__setitem__("reboot_pending", d.pop("reboot_required")),
            "a key added": lambda d: d.__setitem__("extra", 1),
            "a key removed": lambda d: d.pop("summary"),
            "a nested key added": lambda d: node(d).__setitem__("pool_mib", 1),
            "a type changed (bool to string)": lambda d: d.__setitem__("reboot_required", "no"),
            "a type changed (MiB to string)": lambda d: node(d).__setitem__("memory_mib", "964M"),
            "problems as strings": lambda d: d.__setitem__("problems", ["text"]),
            "the version raised": lambda d: d.__setitem__("schema_version", d["schema_version"] + 1),
        }
        if not doc.get("nodes"):
            self.errs.append("self-test: the sample has no node")
            return
        for what, mutate in mutations.items():
            d = copy.deepcopy(doc)
            mutate(d)
            if not self.validate("status", d):
                self.errs.append(f"self-test: {what} passes validation")

    def man_page(self):
        """numacmactl(8) names every field of the newest schema."""
        with open(os.path.join(self.src, "man", "numacmactl.8"), encoding="utf-8") as f:
            text = f.read().replace("\\-", "-").replace("\\_", "_")
        m = re.search(r"^\.SH JSON OUTPUT\n(.*?)^\.SH ", text, re.M | re.S)
        if not m:
            self.errs.append("numacmactl(8) has no section JSON OUTPUT")
            return
        words = set(re.findall(r"[a-z_]+", m.group(1)))
        v = self.versions[-1]
        for k in KINDS:
            for name in sorted(field_names(self.schemas[(v, k)], set())):
                if name not in words:
                    self.errs.append(f"numacmactl(8) does not name the {k} field '{name}' (JSON OUTPUT)")


def main():
    # The prerequisite check (tests/needs check-json-schema): exit 3 is its
    # dry mode (NUMACMA_NEEDS_ONLY=1: all there, stop here).
    rc = subprocess.call([os.path.join(os.path.dirname(os.path.abspath(__file__)), "needs"), "--prog", sys.argv[0], "check-json-schema"])
    if rc:
        return 0 if rc == 3 else rc
    global jsonschema
    import jsonschema  # after the check, which names its package when it is missing
    ctl, daemon, src = (os.path.abspath(p) for p in sys.argv[1:4])
    ch = Checker(ctl, daemon, src)
    for (v, k), s in sorted(ch.schemas.items()):
        closed_everywhere(s, f"v{v}/{k}.json", ch.errs)
    trees = []
    for d in ("tests/fixtures/trees", "tests/fixtures/unseen", "tests/kernel/trees", "tests/boot/trees"):
        base = os.path.join(src, d)
        for name in sorted(os.listdir(base)):
            if os.path.isdir(os.path.join(base, name, "proc")):
                trees.append((f"{d}/{name}", os.path.join(base, name)))
    for name, root in trees:
        ch.tree(name, root)
    with tempfile.TemporaryDirectory(prefix="numacma-json-") as tmp:
        boot = os.path.join(src, "tests/boot/trees")
        for name in sorted(os.listdir(boot)):
            ch.written(name, os.path.join(boot, name), tmp)
    ch.self_test()
    ch.man_page()
    for e in ch.errs:
        print(e)
    counts = ", ".join(f"{n} {k}" for k, n in ch.checked.items())
    print(f"{len(trees)} trees, outputs validated: {counts}; schema versions {ch.versions}; {len(ch.errs)} problems")
    if min(ch.checked.values()) == 0:
        print("no output of some kind was checked")
        return 1
    return 1 if ch.errs else 0


if __name__ == "__main__":
    sys.exit(main())
