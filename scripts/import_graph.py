"""The import graph of the product code: cycles, imports running back up the layers,
and imports inside functions. Run from the project root:

    .venv/bin/python scripts/import_graph.py

It reads the code with grimp (which import-linter ships), so imports inside
functions count as edges too: a lazy import hides a cycle from Python, not from here.
The layers are those of the import-linter contracts in .importlinter.
tests/test_import_graph.py runs `measure()` in `make test`: 0 cycles, 0 imports
running up, at most `MAX_LAZY` imports inside functions, each with its reason.
"""

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "api", "kpitracker", "ledger", "notices", "oversight", "targets")
# Imports inside functions, each saying why next to it (`LAZY_REASON`): see lazy_imports.
MAX_LAZY = 3
LAZY_REASON = "Lazy on purpose"

# Highest first; a module imports only modules of its own layer or below.
LAYERS = (
    ("kpitracker",),
    ("targets.urls", "ledger.urls", "accounts.urls", "api.urls", "oversight.urls", "notices.urls"),
    (
        "targets.views",
        "ledger.views",
        "accounts.views",
        "api.views",
        "oversight.views",
        "oversight.templatetags",
        "notices.views",
    ),
    (
        "targets.exporters",
        "targets.exports",
        "targets.briefing",
        "ledger.exporters",
        "targets.report_sheet",
        "targets.plan_sheet",
        # what targets asks of the ledger (targets/ledgers.py), given in ledger's ready()
        "ledger.interface",
    ),
    (
        "targets.forms",
        "ledger.forms",
        "targets.filters",
        "targets.tables",
        "targets.setup_forms",
        "api.serializers",
        "api.filters",
        "api.scope",
        "oversight.forms",
        "oversight.filters",
        "oversight.tables",
    ),
    # the apps that build on the plan and the ledger
    ("oversight.models", "notices.models", "api.models"),
    ("ledger.models",),
    ("targets.models",),
    # the permission table asks the objects it is given: it imports no model of targets
    ("targets.rules",),
    ("accounts.models",),
    (
        "targets.calendar",
        "targets.states",
        "targets.models.wording",
        "targets.clock",
        "targets.ledgers",
    ),
    # The upload gate lives in the project package but is a library every app's
    # importers share (the standard library, defusedxml and Django's gettext, nothing
    # of an app; a contract in .importlinter keeps it so): the lowest layer, not the
    # project's top one, whose settings and URLs import the apps.
    ("kpitracker.uploads",),
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


def _ready_methods(tree):
    """The `ready()` methods of AppConfig classes in `tree`.

    Not counted as lazy: Django documents `AppConfig.ready()` as the place to import
    the modules that register signal receivers and system checks, because apps.py
    itself is imported before the models are loaded. Such an import registers; it
    hides no dependency (grimp still sees it as an edge for cycles and layers), and
    `main()` lists them apart.
    """
    return [
        node
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", "")).endswith("Config") for base in cls.bases
        )
        for node in cls.body
        if isinstance(node, ast.FunctionDef) and node.name == "ready"
    ]


def _imports_in_functions(tree):
    """(import node, the function holding it) of every import inside a function."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.setdefault(inner, node)  # ast.walk visits outer functions first
    return found


def lazy_imports(*, in_ready=False):
    """(file, line, imported, reason given) of each import statement inside a function
    (with `in_ready`, those inside an AppConfig's `ready()` instead).

    The reason is a comment or docstring saying `LAZY_REASON` in the function."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            tree = ast.parse(source, str(path))
            ready = {id(inner) for method in _ready_methods(tree) for inner in ast.walk(method)}
            lines = source.splitlines()
            for inner, function in _imports_in_functions(tree).items():
                if (id(inner) in ready) != in_ready:
                    continue
                names = ", ".join(a.name for a in inner.names)
                where = f"{path.relative_to(ROOT)}:{inner.lineno}"
                body = "\n".join(lines[function.lineno - 1 : function.end_lineno])
                found.append(
                    (
                        where,
                        f"{getattr(inner, 'module', None) or ''} {names}".strip(),
                        LAZY_REASON in body,
                    )
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


def measure():
    """Everything `main()` prints, for tests/test_import_graph.py."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    modules = set(product_modules(graph))
    return {
        "modules": len(modules),
        "cycles": cycles(graph, modules),
        "upward": upward(graph, modules),
        "lazy": lazy_imports(),
        "in_ready": lazy_imports(in_ready=True),
        "targets -> ledger": between(graph, modules, "targets", "ledger"),
        "ledger -> targets": between(graph, modules, "ledger", "targets"),
    }


def main():
    found = measure()
    print(f"modules: {found['modules']}")
    print(f"cycles: {len(found['cycles'])}")
    for group in found["cycles"]:
        print("  ", " <-> ".join(group))
    print(f"upward imports: {len(found['upward'])}")
    for m, n in found["upward"]:
        print(f"   {m} -> {n}")
    print(f"imports inside functions: {len(found['lazy'])} (at most {MAX_LAZY})")
    for where, what, reasoned in found["lazy"]:
        print(f"   {where}: {what}" + ("" if reasoned else f"  (no '{LAZY_REASON}' reason)"))
    print(f"registrations in AppConfig.ready(), not counted: {len(found['in_ready'])}")
    for where, what, _reasoned in found["in_ready"]:
        print(f"   {where}: {what}")
    print(f"targets -> ledger module imports: {found['targets -> ledger']}")
    print(f"ledger -> targets module imports: {found['ledger -> targets']}")


if __name__ == "__main__":
    main()
