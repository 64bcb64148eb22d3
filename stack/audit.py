"""Known vulnerabilities in both environments: ``python -m stack.audit`` (pip-audit).

Fails on any known vulnerability that is not listed, with its reason, in ``audit-ignore.txt``.
When the vulnerability database cannot be reached (the machines here reach the package index
but not PyPI's JSON API or OSV), it says so in a line nobody can miss and does not fail:
nothing could be checked, and pretending otherwise would be worse.
"""

from __future__ import annotations

import json
import subprocess
import sys

from stack.paths import BOT_DIR, ROOT

IGNORE_FILE = ROOT / "audit-ignore.txt"


def ignored() -> dict[str, str]:
    """``VULN-ID  reason`` per line; # starts a comment."""
    result = {}
    for line in IGNORE_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            vuln, _, reason = line.partition(" ")
            result[vuln] = reason.strip()
    return result


def audit(args: list[str]) -> dict[str, object]:
    cmd = [str(ROOT / ".venv" / "bin" / "pip-audit"), "-s", "pypi", "--progress-spinner", "off", "-f", "json", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    try:
        data: dict[str, object] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": (done.stderr or done.stdout).strip()[-500:]}
    return data


def main() -> int:
    skip = ignored()
    targets = {
        "app env (.venv)": ["--path", str(next((ROOT / ".venv" / "lib").glob("python3*/site-packages")))],
        "bot env (bot/requirements.lock)": ["-r", str(BOT_DIR / "requirements.lock"), "--no-deps", "--disable-pip"],
    }
    failures = 0
    for name, args in targets.items():
        data = audit(args)
        deps = data.get("dependencies")
        if not isinstance(deps, list):
            print(f"!!! AUDIT NOT RUN for {name}: {data.get('error')}")
            continue
        audited = [d for d in deps if "skip_reason" not in d]
        if not audited:
            print(
                f"!!! AUDIT SKIPPED for {name}: the vulnerability database is not reachable from this machine "
                f"({len(deps)} packages could not be checked). Run `python -m stack.audit` where PyPI's JSON API is."
            )
            continue
        found = [(d["name"], d["version"], v["id"]) for d in audited for v in d.get("vulns", [])]
        open_ = [f for f in found if f[2] not in skip]
        for pkg, version, vuln in found:
            status = f"ignored: {skip[vuln]}" if vuln in skip else "NOT ignored"
            print(f"{name}: {pkg} {version} {vuln} ({status})")
        print(f"{name}: {len(audited)} packages audited, {len(found)} known vulnerabilities, {len(open_)} not ignored")
        failures += len(open_)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
