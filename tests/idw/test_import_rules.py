"""The import rules of domain.md and style.md habit 10, checked on the source itself.

- Code dependencies point one way: `trajectories` imports none of `employers`, `partners`, `reporting`
  (it reaches them through string references and the trajectory hooks).
- No app imports another app's private (`_name`) helpers.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("idw", "accounts", "trajectories", "employers", "partners", "reporting")
FORBIDDEN = {"trajectories": {"employers", "partners", "reporting"}}


def _imports(path: Path):
    """(line, imported module, imported names) for every import statement of a module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def _sources(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def _violations(app: str) -> list[str]:
    found = []
    for path in _sources(app):
        for line, module, names in _imports(path):
            target = module.split(".")[0]
            if target not in APPS or target == app:
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            if target in FORBIDDEN.get(app, ()):
                found.append(f"{where} imports {module}")
            private = [n for n in names if n.startswith("_")] + [
                part for part in module.split(".") if part.startswith("_") and part != "__init__"
            ]
            if private:
                found.append(f"{where} imports private {module}: {', '.join(private)}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_app_keeps_the_import_rules(app):
    assert _violations(app) == []


def test_the_check_sees_a_forbidden_and_a_private_import(tmp_path, monkeypatch):
    """The rule test itself can fail: a module that breaks both rules is reported twice."""
    bad = tmp_path / "trajectories"
    bad.mkdir()
    (bad / "bad.py").write_text("from partners.services import _referral_of\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert len(_violations("trajectories")) == 2
