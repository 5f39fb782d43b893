"""The house's layout: every module sits in one layer, imports run downward only, and no module
imports itself back through others (no cycle), so each capability has one home and can be read
bottom-up. Imports made inside functions and for type checking count too: they are dependencies
all the same."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

import moneymen

ROOT = Path(moneymen.__file__).parent

#: The layers, lowest first (the pipeline of DESIGN.md): a module may import its own layer's
#: modules and those of the layers before it. The first layer holds what every layer may use.
LAYERS = (
    ("foundation", ("moneymen", "moneymen.model", "moneymen.files", "moneymen.formats", "moneymen.locations",
                    "moneymen.jsonable", "moneymen.timestamps", "moneymen.safeyaml", "moneymen.collector",
                    "moneymen.dates", "moneymen.data")),
    ("sources", ("moneymen.sources",)),
    ("store", ("moneymen.store",)),
    ("names", ("moneymen.names",)),
    ("match", ("moneymen.match",)),
    ("resolve", ("moneymen.resolve",)),
    ("extract", ("moneymen.extract",)),
    ("graph", ("moneymen.graph",)),
    ("algorithms", ("moneymen.algorithms",)),
    ("analysis", ("moneymen.analysis",)),
    ("report", ("moneymen.report",)),
    ("services", ("moneymen.services",)),
    ("interfaces", ("moneymen.cli", "moneymen.web", "moneymen.__main__")),
)


def module_name(path: Path) -> str:
    parts = ("moneymen", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in ROOT.rglob("*.py")}


def layer_of(module: str) -> int:
    """The rank of the layer ``module`` belongs to (its longest matching prefix)."""
    best, rank = -1, None
    for number, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "moneymen" and module.startswith(prefix + "."))
            if matches and len(prefix) > best:
                best, rank = len(prefix), number
    if rank is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return rank


def imports_of(module: str) -> set[str]:
    """The moneymen modules ``module`` imports (a ``from package import name`` of a submodule counts as it)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            submodules = [name for name in names if name in MODULES]
            found.update(submodules or ([target] if target in MODULES else []))
            if submodules and len(submodules) < len(names) and target in MODULES:
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
    found.discard(module)
    return found


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_run_downward_only():
    upward = sorted(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                    for module in MODULES for target in imports_of(module) if layer_of(target) > layer_of(module))
    assert not upward, "\n".join(upward)


def test_no_module_imports_itself_back():
    names = sorted(MODULES)
    number = {module: position for position, module in enumerate(names)}
    edges = [(number[module], number[target]) for module in names for target in imports_of(module)]
    graph = csr_matrix((np.ones(len(edges)), ([a for a, _ in edges], [b for _, b in edges])),
                       shape=(len(names), len(names)))
    _, component = connected_components(graph, directed=True, connection="strong")
    members: dict[int, list[str]] = {}
    for module, label in zip(names, component):
        members.setdefault(int(label), []).append(module)
    cycles = [" <-> ".join(group) for group in members.values() if len(group) > 1]
    assert not cycles, "\n".join(cycles)


def test_no_module_is_longer_than_600_lines():
    """A module longer than this holds more than one concern: split it by concern."""
    long = sorted(f"{module}: {lines} lines" for module, path in MODULES.items()
                  if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600)
    assert not long, "\n".join(long)
