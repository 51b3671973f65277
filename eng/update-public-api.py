#!/usr/bin/env python3
"""Brings PublicAPI.Unshipped.txt of the given projects in line with their code.

Builds each project in Release with the public API analyzers, adds every symbol reported as
missing (RS0016) and removes every declared symbol that no longer exists (RS0017). Run it after
changing a public API on purpose, then review the diff like any other change.
"""
import re
import subprocess
import sys
from pathlib import Path

MISSING = re.compile(r"error RS0016: Symbol '(.+?)' is not part of the declared public API")
REMOVED = re.compile(r"error RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found")


def update(project: Path) -> int:
    unshipped = project.parent / "PublicAPI.Unshipped.txt"
    for _ in range(3):
        build = subprocess.run(
            ["dotnet", "build", str(project), "-c", "Release", "--no-incremental", "-p:TreatWarningsAsErrors=true"],
            capture_output=True, text=True)
        output = build.stdout + build.stderr
        missing = sorted(set(MISSING.findall(output)))
        removed = set(REMOVED.findall(output))
        if not missing and not removed:
            return 0
        lines = unshipped.read_text(encoding="utf-8").splitlines()
        header = [l for l in lines if l.startswith("#")]
        body = [l for l in lines if l and not l.startswith("#") and l not in removed]
        body = sorted(set(body) | set(missing), key=lambda s: s.lstrip("~"))
        unshipped.write_text("\n".join(header + body) + "\n", encoding="utf-8")
        print(f"{project.name}: +{len(missing)} -{len(removed)}")
    return 1


if __name__ == "__main__":
    status = 0
    for arg in sys.argv[1:] or ["src/CoCreation.Sdk.Abstractions/CoCreation.Sdk.Abstractions.csproj", "src/CoCreation.Sdk/CoCreation.Sdk.csproj"]:
        status |= update(Path(arg))
    sys.exit(status)
