#!/usr/bin/env python3
"""Checks the NuGet packages that `dotnet pack` wrote for the projects under src/.

Usage: python3 eng/check-packages.py [--packages-dir DIR]

The expected packages are the packable projects under src/ (src/Directory.Build.props makes every project
there packable; a project can opt out with <IsPackable>false</IsPackable>), so a new package is checked
as soon as its project exists. For each one, in DIR (default artifacts/packages):

- <id>.<version>.nupkg exists, with README.md at the package root and <readme>README.md</readme>;
- each assembly was built with deterministic source paths (ContinuousIntegrationBuild, so run it on a
  package built with CI=true, as .ci/run does);
- the .nuspec has a description, tags, a licence, the project URL, and <repository> with the declared
  RepositoryUrl and the commit that was packed;
- <id>.<version>.snupkg exists and holds a portable PDB for every assembly of the package, each with a
  SourceLink map (custom debug information cc110556-a091-4d38-9fec-25ab9a351a6a) that sends the sources
  to a web address for that commit;
- each Microsoft.Extensions.* dependency has exactly the floor declared in src/Directory.Packages.props,
  and each dependency on another package of this repository has this repository's version.

Prints one line per package and exits 1 when any check fails. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NUSPEC_NS = "{http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd}"
# Portable PDB custom debug information kind "SourceLink", as the bytes the #GUID heap stores.
SOURCELINK_GUID = bytes.fromhex("560511cc91a0384d9fec25ab9a351a6a")
SOURCELINK_JSON_START = b'{"documents":'
FLOOR_PREFIX = "Microsoft.Extensions."
PDB_PATH = re.compile(rb"([\x20-\x7e]+\.pdb)\x00")
PROPERTY_CONDITION = re.compile(r"^\s*'\$\((\w+)\)'\s*==\s*'true'\s*$")


@dataclass
class Project:
    path: Path
    package_id: str
    properties: dict[str, str]


@dataclass
class Floors:
    default: dict[str, str] = field(default_factory=dict)
    # property name -> floors that apply when a project sets that property to true
    conditional: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_project(self, project: Project) -> dict[str, str]:
        result = dict(self.default)
        for prop, floors in self.conditional.items():
            if project.properties.get(prop, "").strip().lower() == "true":
                result.update(floors)
        return result


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_properties(path: Path) -> dict[str, str]:
    """Unconditioned properties of an MSBuild file (the last value of each name wins)."""
    props: dict[str, str] = {}
    root = ET.parse(path).getroot()
    for group in root:
        if local(group.tag) != "PropertyGroup" or group.get("Condition"):
            continue
        for prop in group:
            if not prop.get("Condition"):
                props[local(prop.tag)] = (prop.text or "").strip()
    return props


def packable_projects() -> list[Project]:
    projects = []
    for csproj in sorted((REPO_ROOT / "src").glob("*/*.csproj")):
        props = read_properties(csproj)
        if props.get("IsPackable", "true").lower() == "false":
            continue
        package_id = props.get("PackageId") or props.get("AssemblyName") or csproj.stem
        projects.append(Project(csproj, package_id, props))
    return projects


def template_projects() -> list[Project]:
    projects = []
    for csproj in sorted((REPO_ROOT / "templates").glob("*/*.csproj")):
        props = read_properties(csproj)
        package_id = props.get("PackageId") or csproj.stem
        projects.append(Project(csproj, package_id, props))
    return projects


def check_template_package(project: Project, packages_dir: Path, version: str) -> list[str]:
    """A `dotnet new` template package: README, description, the Template package type and at least one template.json."""
    nupkg = packages_dir / f"{project.package_id}.{version}.nupkg"
    if not nupkg.exists():
        return [f"{nupkg.name} is missing; was the project packed?"]
    problems: list[str] = []
    opened = open_package(nupkg)
    if isinstance(opened, str):
        return [opened]
    names, spec = opened
    # Template packages are written with the older nuspec schema; take the namespace from the root element.
    ns = spec.tag[:spec.tag.index("}") + 1] if spec.tag.startswith("{") else ""
    metadata = spec.find(ns + "metadata")
    if metadata is None:
        return ["the .nuspec has no <metadata>"]

    def text(name: str) -> str:
        node = metadata.find(ns + name)
        return (node.text or "").strip() if node is not None else ""

    if "README.md" not in names or text("readme") != "README.md":
        problems.append("README.md is not at the package root or not named as <readme>")
    description = text("description")
    if not description or description == "Package Description":
        problems.append("no <description>")
    types = metadata.find(ns + "packageTypes")
    if types is None or not any(t.get("name") == "Template" for t in types):
        problems.append("the package type is not Template")
    if not any(n.endswith(".template.config/template.json") for n in names):
        problems.append("no .template.config/template.json in the package")
    return problems


def read_floors() -> Floors:
    floors = Floors()
    path = REPO_ROOT / "src" / "Directory.Packages.props"
    if not path.exists():
        return floors
    for group in ET.parse(path).getroot():
        if local(group.tag) != "ItemGroup":
            continue
        condition = group.get("Condition")
        if condition:
            match = PROPERTY_CONDITION.match(condition)
            if not match:
                raise SystemExit(f"error: {path.relative_to(REPO_ROOT)}: cannot read the condition {condition!r}; "
                                 "use '$(Property)' == 'true'")
            target = floors.conditional.setdefault(match.group(1), {})
        else:
            target = floors.default
        for item in group:
            if local(item.tag) != "PackageVersion":
                continue
            name = item.get("Update") or item.get("Include")
            if name and name.startswith(FLOOR_PREFIX):
                target[name] = item.get("Version", "")
    return floors


def head_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def nuspec_of(archive: zipfile.ZipFile) -> ET.Element:
    names = [n for n in archive.namelist() if n.endswith(".nuspec") and "/" not in n]
    if len(names) != 1:
        raise ValueError(f"expected one .nuspec at the root, found {len(names)}")
    return ET.fromstring(archive.read(names[0]))


def open_package(nupkg: Path) -> tuple[set[str], ET.Element] | str:
    """The package's file names and parsed .nuspec, or what is wrong with it."""
    with zipfile.ZipFile(nupkg) as archive:
        names = set(archive.namelist())
        try:
            return names, nuspec_of(archive)
        except (ValueError, ET.ParseError) as error:
            return f"unreadable .nuspec: {error}"


def text_of(metadata: ET.Element, name: str) -> str:
    node = metadata.find(NUSPEC_NS + name)
    return (node.text or "").strip() if node is not None else ""


def sourcelink_json(pdb: bytes) -> dict | None:
    """The SourceLink map of a portable PDB, found by its JSON text in the blob heap."""
    start = pdb.find(SOURCELINK_JSON_START)
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(pdb[start:].decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def check_package(project: Project, packages_dir: Path, version: str, repository_url: str,
                  commit: str | None, floors: dict[str, str], own_ids: set[str]) -> list[str]:
    problems: list[str] = []
    pid = project.package_id
    nupkg = packages_dir / f"{pid}.{version}.nupkg"
    snupkg = packages_dir / f"{pid}.{version}.snupkg"
    if not nupkg.exists():
        others = sorted(p.name for p in packages_dir.glob(f"{pid}.*.nupkg")
                        if re.fullmatch(re.escape(pid) + r"\.\d.*\.nupkg", p.name))
        found = f" (found: {', '.join(others)})" if others else ""
        return [f"{nupkg.name} is missing{found}; was the project packed?"]

    opened = open_package(nupkg)
    if isinstance(opened, str):
        return [opened]
    names, spec = opened
    metadata = spec.find(NUSPEC_NS + "metadata")
    if metadata is None:
        return ["the .nuspec has no <metadata>"]

    if "README.md" not in names:
        problems.append("README.md is not at the package root")
    if text_of(metadata, "readme") != "README.md":
        problems.append("the .nuspec does not name README.md as <readme> (PackageReadmeFile)")
    description = text_of(metadata, "description")
    if not description or description == "Package Description":
        problems.append("no <description>")
    if not text_of(metadata, "tags"):
        problems.append("no <tags> (PackageTags)")
    if metadata.find(NUSPEC_NS + "license") is None:
        problems.append("no <license>")
    if text_of(metadata, "projectUrl") != repository_url:
        problems.append(f"<projectUrl> is {text_of(metadata, 'projectUrl')!r}, expected {repository_url!r}")

    repository = metadata.find(NUSPEC_NS + "repository")
    packed_commit = None
    if repository is None:
        problems.append("no <repository> (RepositoryUrl, PublishRepositoryUrl)")
    else:
        if repository.get("url") != repository_url:
            problems.append(f"<repository url> is {repository.get('url')!r}, expected {repository_url!r}")
        packed_commit = repository.get("commit") or ""
        if not re.fullmatch(r"[0-9a-f]{40}", packed_commit):
            problems.append(f"<repository commit> is {packed_commit!r}, not a git commit id")
            packed_commit = None
        elif commit and packed_commit != commit:
            problems.append(f"<repository commit> is {packed_commit}, but HEAD is {commit} (stale package?)")

    for dep in metadata.iter(NUSPEC_NS + "dependency"):
        dep_id, dep_version = dep.get("id", ""), dep.get("version", "")
        if dep_id.startswith(FLOOR_PREFIX):
            floor = floors.get(dep_id)
            if floor is None:
                problems.append(f"depends on {dep_id} {dep_version}, which has no floor in src/Directory.Packages.props")
            elif dep_version != floor:
                problems.append(f"depends on {dep_id} {dep_version}, expected the floor {floor}")
        elif dep_id in own_ids and dep_version != version:
            problems.append(f"depends on {dep_id} {dep_version}, expected this repository's version {version}")

    assemblies = sorted(n for n in names if n.startswith("lib/") and n.endswith(".dll"))
    if not assemblies:
        problems.append("no assembly under lib/")
    with zipfile.ZipFile(nupkg) as archive:
        for dll in assemblies:
            # A deterministic CI build maps source paths to /_/; the PDB path in the assembly shows it.
            pdb_paths = PDB_PATH.findall(archive.read(dll))
            if not pdb_paths or any(not path.startswith(b"/_/") for path in pdb_paths):
                problems.append(f"{dll} was not built with deterministic source paths "
                                "(ContinuousIntegrationBuild; build with CI=true)")
    if not snupkg.exists():
        problems.append(f"{snupkg.name} is missing (IncludeSymbols, SymbolPackageFormat=snupkg)")
        return problems
    with zipfile.ZipFile(snupkg) as symbols:
        symbol_names = set(symbols.namelist())
        for dll in assemblies:
            pdb_name = dll[:-4] + ".pdb"
            if pdb_name not in symbol_names:
                problems.append(f"{snupkg.name} has no {pdb_name}")
                continue
            pdb = symbols.read(pdb_name)
            if not pdb.startswith(b"BSJB"):
                problems.append(f"{pdb_name} is not a portable PDB")
                continue
            if SOURCELINK_GUID not in pdb:
                problems.append(f"{pdb_name} has no SourceLink debug information (EnableSourceLink)")
            link = sourcelink_json(pdb)
            if link is None or not isinstance(link.get("documents"), dict) or not link["documents"]:
                problems.append(f"{pdb_name} carries no SourceLink map")
                continue
            for local_path, url in link["documents"].items():
                if not isinstance(url, str) or not url.startswith("https://"):
                    problems.append(f"{pdb_name}: SourceLink sends {local_path} to {url!r}, not a web address")
                elif packed_commit and packed_commit not in url:
                    problems.append(f"{pdb_name}: SourceLink address {url} is not for commit {packed_commit}")
    return problems


def report(label: str, problems: list[str]) -> int:
    """Prints one package's result; returns 1 when it failed."""
    if not problems:
        print(f"ok   {label}")
        return 0
    print(f"FAIL {label}")
    for problem in problems:
        print(f"     - {problem}")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages-dir", default=str(REPO_ROOT / "artifacts" / "packages"),
                        help="folder that dotnet pack wrote to (default: artifacts/packages)")
    args = parser.parse_args()
    packages_dir = Path(args.packages_dir).resolve()

    root_props = read_properties(REPO_ROOT / "Directory.Build.props")
    version = root_props.get("VersionPrefix", "")
    suffix = root_props.get("VersionSuffix", "")
    if suffix:
        version = f"{version}-{suffix}"
    repository_url = root_props.get("RepositoryUrl", "")
    if not version or not repository_url:
        print("error: Directory.Build.props must declare VersionPrefix and RepositoryUrl", file=sys.stderr)
        return 1

    projects = packable_projects()
    if not projects:
        print("error: no packable project under src/", file=sys.stderr)
        return 1
    floors = read_floors()
    commit = head_commit()
    own_ids = {p.package_id for p in projects}

    print(f"checking {len(projects)} packages {version} in {packages_dir}")
    failed = 0
    for project in projects:
        failed += report(project.package_id, check_package(project, packages_dir, version, repository_url, commit,
                                                           floors.for_project(project), own_ids))

    templates = template_projects()
    for project in templates:
        failed += report(f"{project.package_id} (template)", check_template_package(project, packages_dir, version))

    expected = {f"{p.package_id}.{version}.{ext}" for p in projects for ext in ("nupkg", "snupkg")}
    expected |= {f"{p.package_id}.{version}.nupkg" for p in templates}
    extra = sorted(p.name for p in packages_dir.glob("*.*nupkg") if p.name not in expected)
    if extra:
        print(f"also in the folder (not checked): {', '.join(extra)}")
    if failed:
        print(f"error: {failed} of {len(projects) + len(templates)} packages failed the package checks", file=sys.stderr)
        return 1
    print(f"all {len(projects)} packages have README, symbols, SourceLink, repository data and the dependency floors")
    if templates:
        print(f"{len(templates)} template package(s) have README, description, the Template type and template.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
