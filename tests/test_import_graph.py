"""Layers you can draw (issue 22): no cycle, no import running back up the layers,
at most `MAX_LAZY` imports inside functions and each saying why. The import-linter
contracts (.importlinter, `make lint`) keep the named boundaries; this keeps the
whole graph, as scripts/import_graph.py prints it."""

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts/import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)


@pytest.fixture(scope="module")
def measured():
    return import_graph.measure()


def test_no_cycle(measured):
    assert measured["cycles"] == []


def test_no_import_runs_back_up_the_layers(measured):
    assert measured["upward"] == []


def test_few_imports_inside_functions_each_with_its_reason(measured):
    assert len(measured["lazy"]) <= import_graph.MAX_LAZY, measured["lazy"]
    assert [where for where, _what, reasoned in measured["lazy"] if not reasoned] == []


def test_targets_imports_nothing_of_the_ledger(measured):
    assert measured["targets -> ledger"] == 0
    assert measured["ledger -> targets"] > 0  # the ledger builds on the plan


def test_the_graph_finds_a_cycle_and_an_upward_import():
    graph = grimp.ImportGraph()
    graph.add_import(importer="targets.models.plan", imported="targets.models.report")
    graph.add_import(importer="targets.models.report", imported="targets.models.plan")
    graph.add_import(importer="targets.models.review", imported="ledger.models.entry")
    modules = set(graph.modules)
    assert import_graph.cycles(graph, modules) == [["targets.models.plan", "targets.models.report"]]
    assert import_graph.upward(graph, modules) == [("targets.models.review", "ledger.models.entry")]


def test_imports_in_ready_are_told_apart_from_lazy_ones():
    tree = ast.parse(
        "class C(AppConfig):\n"
        "    def ready(self):\n"
        "        from . import signals\n"
        "def helper():\n"
        "    import matplotlib\n"
    )
    inside = import_graph._imports_in_functions(tree)
    ready = {id(n) for m in import_graph._ready_methods(tree) for n in ast.walk(m)}
    assert sorted(node.lineno for node in inside) == [3, 5]
    assert [node.lineno for node in inside if id(node) not in ready] == [5]


def test_matplotlib_and_weasyprint_load_only_when_a_briefing_is_made():
    """Why the briefing's import is lazy: a process that starts Django (db_worker,
    manage.py) does not carry matplotlib and WeasyPrint."""
    code = (
        "import sys, django; django.setup();"
        "print('matplotlib' in sys.modules, 'weasyprint' in sys.modules);"
        "from targets.exports.briefing import drawing; drawing();"
        "print('matplotlib' in sys.modules, 'weasyprint' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kpitracker.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["False False", "True True"]
