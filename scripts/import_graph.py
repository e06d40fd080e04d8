"""The import graph of the product code: cycles, imports running back up the layers,
and imports inside functions. Run from the project root:

    .venv/bin/python scripts/import_graph.py

It reads the code with grimp (which import-linter ships), so imports inside
functions count as edges too: a lazy import hides a cycle from Python, not from here.
The layers are those of the import-linter contracts in .importlinter.
"""

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "kpitracker", "ledger", "targets")

# Highest first; a module imports only modules of its own layer or below.
LAYERS = (
    ("kpitracker",),
    ("targets.urls", "ledger.urls", "accounts.urls"),
    ("targets.views", "ledger.views", "accounts.views"),
    (
        "targets.exporters",
        "targets.exports",
        "targets.briefing",
        "ledger.exporters",
        "targets.report_sheet",
        "targets.plan_sheet",
    ),
    ("targets.forms", "ledger.forms", "targets.filters", "targets.tables", "targets.setup_forms"),
    ("ledger.models",),
    ("targets.models",),
    # the permission table asks the objects it is given: it imports no model of targets
    ("targets.rules",),
    ("accounts.models",),
    ("targets.calendar", "targets.states", "targets.models.wording", "targets.clock"),
)


def layer_of(module):
    """The layer of the longest name that holds `module` (wording, in models, is a leaf)."""
    found = [
        (len(name), index)
        for index, names in enumerate(LAYERS)
        for name in names
        if module == name or module.startswith(name + ".")
    ]
    return max(found)[1] if found else None


def product_modules(graph):
    return sorted(m for m in graph.modules if ".migrations" not in m and ".management" not in m)


def cycles(graph, modules):
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    sys.setrecursionlimit(10_000)
    edges = {
        m: [n for n in graph.find_modules_directly_imported_by(m) if n in modules] for m in modules
    }

    def visit(m):
        index[m] = low[m] = len(index)
        stack.append(m)
        on.add(m)
        for n in edges[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group = []
            while True:
                n = stack.pop()
                on.discard(n)
                group.append(n)
                if n == m:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def upward(graph, modules):
    found = []
    for m in modules:
        below = layer_of(m)
        for n in graph.find_modules_directly_imported_by(m):
            above = layer_of(n)
            if below is not None and above is not None and above < below:
                found.append((m, n))
    return sorted(found)


def lazy_imports():
    """(file, line, imported) of each import statement inside a function."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Import | ast.ImportFrom):
                            names = ", ".join(a.name for a in inner.names)
                            where = f"{path.relative_to(ROOT)}:{inner.lineno}"
                            found.append(
                                (where, f"{getattr(inner, 'module', None) or ''} {names}".strip())
                            )
    return sorted(set(found))


def between(graph, modules, source, target):
    return sum(
        1
        for m in modules
        if m.startswith(source + ".") or m == source
        for n in graph.find_modules_directly_imported_by(m)
        if n.startswith(target + ".") or n == target
    )


def main():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES)
    modules = set(product_modules(graph))
    found_cycles = cycles(graph, modules)
    found_upward = upward(graph, modules)
    found_lazy = lazy_imports()
    print(f"modules: {len(modules)}")
    print(f"cycles: {len(found_cycles)}")
    for group in found_cycles:
        print("  ", " <-> ".join(group))
    print(f"upward imports: {len(found_upward)}")
    for m, n in found_upward:
        print(f"   {m} -> {n}")
    print(f"imports inside functions: {len(found_lazy)}")
    for where, what in found_lazy:
        print(f"   {where}: {what}")
    print(f"targets -> ledger module imports: {between(graph, modules, 'targets', 'ledger')}")
    print(f"ledger -> targets module imports: {between(graph, modules, 'ledger', 'targets')}")


if __name__ == "__main__":
    main()
