"""The house's rules that code review would otherwise have to remember.

* Queries live in ``briefings/storage/``: no other module of ``briefings`` or ``bot`` builds a
  SQLAlchemy statement (``select``, ``insert``, ``update``, ``delete``, ``text``) or runs one
  (``session.execute``, ``.scalars``, ``.scalar``); services compose the storage modules inside a
  transaction they own.
* The dependency arrow points one way: ``briefings`` never imports ``bot`` or ``telegram``.
* No module is over 500 lines (migrations, which are generated and never edited, apart): a longer
  one mixes jobs and is split by them.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STATEMENTS = {"select", "insert", "update", "delete", "text"}
RUNNING = {"execute", "scalars", "scalar", "scalar_one", "scalar_one_or_none", "exec_driver_sql"}


def _modules(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (REPO / root).rglob("*.py"))


def _sql_outside_storage(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    from_sqlalchemy = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in STATEMENTS and func.id in from_sqlalchemy:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {func.id}(")
        if isinstance(func, ast.Attribute) and func.attr in RUNNING:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: .{func.attr}(")
    return found


def test_no_query_outside_storage() -> None:
    storage = REPO / "briefings" / "storage"
    offending = [
        hit
        for path in _modules("briefings", "bot")
        if storage not in path.parents
        for hit in _sql_outside_storage(path)
    ]
    assert offending == [], "queries belong in briefings/storage/:\n" + "\n".join(offending)


def test_the_core_never_imports_the_telegram_layer() -> None:
    offending = []
    for path in _modules("briefings"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offending += [
                f"{path.relative_to(REPO)}:{node.lineno}: {n}"
                for n in names
                if n.split(".")[0] in ("bot", "telegram")
            ]
    assert offending == []


MAX_LINES = 500
SOURCE_ROOTS = ("briefings", "bot", "testing", "benchmarks", "experiments", "tests")


def test_no_module_over_500_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}: {n} lines"
        for path in _modules(*SOURCE_ROOTS)
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == [], "split these by job:\n" + "\n".join(long)
