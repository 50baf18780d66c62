"""The import rules of docs/architecture.md hold: every import between the project's packages is allowed
by the table there, so the map a newcomer reads is the code's real shape."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PROJECT = ("course", "autograder")


def _rules() -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        row = re.fullmatch(r"\| `([\w.]+)` \| (.+) \|", line.strip())
        if not row:
            continue
        package, allowed = row.groups()
        if allowed.startswith("every `course` package"):
            rules[package] = {"course*"} | set(re.findall(r"`([\w.]+)`", allowed))
        else:
            rules[package] = set(re.findall(r"`([\w.]+)`", allowed))
    return rules


def _package_of(module: str) -> str:
    """``course.exercises.kinds.policy`` -> ``course.exercises``; ``autograder.batch`` -> ``autograder``."""
    parts = module.split(".")
    if parts[0] == "course" and len(parts) > 1:
        return f"course.{parts[1]}"
    return parts[0]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Project modules this file imports (absolute or relative, at any depth of the file)."""
    found: set[str] = set()
    here = _module_name(path).split(".")
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in PROJECT}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] not in PROJECT:
                continue
            if module == "course":  # `from course import paths`: the names are modules
                found |= {f"course.{a.name}" for a in node.names}
            else:
                found.add(module)
    return found


def _files() -> list[Path]:
    return sorted(p for top in PROJECT for p in (ROOT / top).rglob("*.py"))


def test_the_table_names_every_package_of_the_project():
    rules = _rules()
    packages = {_package_of(_module_name(p)) for p in _files()}
    missing = sorted(packages - set(rules))
    assert not missing, f"add a row for {missing} to the table in docs/architecture.md"


def _violations(source: str, modules: set[str], rules: dict[str, set[str]]) -> list[str]:
    allowed = rules.get(source, set())
    bad = set()
    for module in modules:
        target = _package_of(module)
        if target == source or target in allowed or ("course*" in allowed and target.startswith("course")):
            continue
        bad.add(target)
    return sorted(bad)


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_table(path):
    source = _package_of(_module_name(path))
    bad = _violations(source, _imports(path), _rules())
    assert not bad, (f"{path.relative_to(ROOT)} ({source}) imports {bad}, which the table in "
                     "docs/architecture.md does not allow; change the import or the table (and say why there)")


def test_a_forbidden_import_is_reported():
    """The rule check can fail: the framework importing a notebook, or the grader importing one."""
    rules = _rules()
    assert _violations("course.exercises", {"course.notebooks.storage", "course.iam.evaluate"}, rules) == \
        ["course.notebooks"]
    assert _violations("autograder", {"course.notebooks.networking"}, rules) == ["course.notebooks"]
    assert _violations("course.iam", {"course.net.reach"}, rules) == ["course.net"]
    assert _violations("course.cli", {"autograder.cli", "course.progress"}, rules) == []
