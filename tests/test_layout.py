"""The package's folders are the pipeline's stages, and imports only point down it: no stage
imports a later one, so each can be read (and tested) knowing only those before it."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import assistant

pytestmark = pytest.mark.unit

PACKAGE = Path(assistant.__file__).parent
# In pipeline order; a module may import its own layer and those before it. The shared
# modules at the top (the data, the errors, the settings) come first; `pipeline` wires the
# stages; briefing, evals and the app are built on it; the command line on all of them.
LAYERS = (
    ("types", "errors", "settings", "kept"),
    ("text",),
    ("ingest",),
    ("index",),
    ("retrieve",),
    ("answer",),
    ("pipeline",),
    ("brief",),
    ("evals",),
    ("app",),
    ("cli", "__main__"),
)
RANK = {part: n for n, layer in enumerate(LAYERS) for part in layer}
MAX_LINES = 300


def _part(module: str) -> str:
    """The layer a dotted module name belongs to: its first part after `assistant`."""
    return module.split(".")[1]


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts != ("__init__",):
            found[".".join(("assistant", *parts)).removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> set[str]:
    """The `assistant` modules a file imports, anywhere in it ("from assistant.text import
    terms" imports `assistant.text.terms`)."""
    modules = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "assistant" or node.module.startswith("assistant."):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant.")}
    return found


def imported_closure(module: str) -> set[str]:
    """The module and every module of the package whose code it runs, directly or not (a
    package's `__init__` only gathers its modules' names, and is left out)."""
    modules = _modules()
    found, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name not in found and modules[name].name != "__init__.py":
            found.add(name)
            todo += _imports(modules[name])
    return found


def test_every_module_belongs_to_a_layer():
    assert {_part(m) for m in _modules()} <= RANK.keys()


@pytest.mark.parametrize("module", sorted(_modules()))
def test_imports_point_down_the_pipeline(module):
    path = _modules()[module]
    later = sorted(i for i in _imports(path) if RANK[_part(i)] > RANK[_part(module)])
    assert not later, f"{module} imports later stages: {later}"


def test_modules_stay_short():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text().splitlines())) > 320}
    assert not long, f"split by what they do: {long}"


@pytest.mark.parametrize("package", [p for p in _modules() if _modules()[p].name == "__init__.py"])
def test_each_stage_names_what_it_offers(package):
    stage = __import__(package, fromlist=["__all__"])
    assert stage.__doc__ and stage.__all__
    assert all(hasattr(stage, name) for name in stage.__all__)
