"""Charts: what they show (targets/charts.py) and where Chart.js comes from.

The drawing itself is checked in a real browser (tests/browser/); here, the
numbers each chart and its table carry, the vendored files and their pinned
Subresource Integrity hashes, and the vendored/CDN switch with its CSP.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from targets import charts
from targets.assets import ANNOTATION_PLUGIN, CHART_SCRIPTS, CHARTJS, chart_script_tags

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


# --- The vendored copy ----------------------------------------------------------------


@pytest.mark.parametrize("script", CHART_SCRIPTS, ids=lambda s: s.package)
def test_vendored_file_matches_the_pinned_integrity_hash(script):
    """The CDN tag's integrity hash is the vendored file's: same bytes, same version."""
    digest = hashlib.sha384((STATIC / script.static).read_bytes()).digest()
    assert script.integrity == "sha384-" + base64.b64encode(digest).decode()


def test_vendored_files_carry_their_licences_and_map():
    for script in CHART_SCRIPTS:
        folder = (STATIC / script.static).parent
        assert script.version in folder.name
        assert "MIT License" in (folder / "LICENSE.md").read_text()
    chartjs = (STATIC / CHARTJS.static).read_text()
    assert chartjs.rstrip().endswith("//# sourceMappingURL=chart.umd.min.js.map")
    assert (STATIC / (CHARTJS.static + ".map")).exists()
    # Published without a map, so it must not point at one.
    assert "sourceMappingURL" not in (STATIC / ANNOTATION_PLUGIN.static).read_text()


def _static_extensions():
    """Every file extension collectstatic will see."""
    return sorted(
        {
            path.rsplit(".", 1)[-1]
            for finder in finders.get_finders()
            for path, _storage in finder.list(["CVS", ".*", "*~"])
            if "." in path
        }
    )


def test_production_static_storage_accepts_the_vendored_files(tmp_path):
    """The manifest storage fails on a sourceMappingURL whose .map is missing.

    The production storage, with its compression skipped: whitenoise's gzip and
    Brotli copies (about 15 s of CPU here) cannot fail on a map; the manifest's
    post-processing, which rewrites and checks every reference, is what can.
    """
    storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={"default": {}, "staticfiles": storage},
        WHITENOISE_SKIP_COMPRESS_EXTENSIONS=_static_extensions(),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "vendor/chart.js-4.6.1").glob("chart.umd.min.*.js"))


# --- Vendored or CDN ------------------------------------------------------------------


def test_vendored_by_default(settings):
    assert settings.CHARTJS_SOURCE == "vendored"
    tags = chart_script_tags()
    assert tags == {
        "scripts": [
            {"src": "/static/vendor/chart.js-4.6.1/chart.umd.min.js"},
            {
                "src": "/static/vendor/chartjs-plugin-annotation-3.1.0/"
                "chartjs-plugin-annotation.min.js"
            },
        ],
        "fallback": None,
        "lazy": False,
    }


@pytest.mark.parametrize(
    ("base", "first"),
    [
        (
            "https://cdn.jsdelivr.net/npm/",
            "https://cdn.jsdelivr.net/npm/chart.js@4.6.1/dist/chart.umd.min.js",
        ),
        ("https://mirror.example.cn/npm/", "https://mirror.example.cn/npm/chart.js@4.6.1/dist/"),
    ],
)
def test_cdn_tags_are_pinned_with_integrity_and_fall_back(settings, base, first):
    settings.CHARTJS_SOURCE = "cdn"
    settings.CHARTJS_CDN_BASE_URL = base
    tags = chart_script_tags()
    assert tags["scripts"][0]["src"].startswith(first)
    assert tags["scripts"][1]["src"] == (
        f"{base}chartjs-plugin-annotation@3.1.0/dist/chartjs-plugin-annotation.min.js"
    )
    assert [t["integrity"] for t in tags["scripts"]] == [s.integrity for s in CHART_SCRIPTS]
    assert tags["fallback"]["chart"] == "/static/" + CHARTJS.static


def test_page_with_cdn_has_integrity_crossorigin_and_the_fallback(leader_client, settings):
    settings.CHARTJS_SOURCE = "cdn"
    content = leader_client.get("/plans/2024/").content.decode()
    assert (
        '<script src="https://cdn.jsdelivr.net/npm/chart.js@4.6.1/dist/chart.umd.min.js" defer '
        f'integrity="{CHARTJS.integrity}" crossorigin="anonymous"></script>'
    ) in content
    assert 'src="/static/js/chartjs-fallback.js" defer data-chart="/static/vendor/' in content
    # The page's own chart code comes last, after the library it needs.
    assert content.index("chartjs-fallback.js") < content.index("/static/js/charts.js")


def test_annotation_plugin_only_where_a_target_line_is_drawn(leader_client, settings):
    """The plan page's chart (status by pillar) has no target line: Chart.js alone,
    from either source; the pillar page's progress charts need the plugin."""
    assert chart_script_tags(annotation=False) == {
        "scripts": [{"src": "/static/vendor/chart.js-4.6.1/chart.umd.min.js"}],
        "fallback": None,
        "lazy": False,
    }
    plugin = ANNOTATION_PLUGIN.static
    assert plugin not in leader_client.get("/plans/2024/").content.decode()
    assert plugin in leader_client.get("/plans/2024/pillars/P5/").content.decode()
    settings.CHARTJS_SOURCE = "cdn"
    content = leader_client.get("/plans/2024/").content.decode()
    assert ANNOTATION_PLUGIN.package not in content
    assert 'data-annotation=""' in content  # the fallback loads Chart.js alone


def test_page_with_vendored_copy_has_no_cdn(leader_client):
    content = leader_client.get("/plans/2024/").content.decode()
    assert "cdn.jsdelivr.net" not in content
    assert "chartjs-fallback.js" not in content
    assert '<script src="/static/vendor/chart.js-4.6.1/chart.umd.min.js" defer>' in content


def _settings_in_a_fresh_process(**env):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    code = "import kpitracker.settings as s; print(s.SECURE_CSP['script-src'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "script_src"),
    [
        ({}, "[\"'self'\"]"),
        ({"CHARTJS_SOURCE": "cdn"}, "[\"'self'\", 'https://cdn.jsdelivr.net']"),
        (
            {"CHARTJS_SOURCE": "cdn", "CHARTJS_CDN_BASE_URL": "https://npm.example.cn:8443/a"},
            "[\"'self'\", 'https://npm.example.cn:8443']",
        ),
        # A base URL without the CDN chosen changes nothing.
        ({"CHARTJS_CDN_BASE_URL": "https://npm.example.cn/"}, "[\"'self'\"]"),
    ],
)
def test_the_cdn_origin_joins_script_src_only_when_chosen(env, script_src):
    result = _settings_in_a_fresh_process(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == script_src


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHARTJS_SOURCE": "jsdelivr"}, "CHARTJS_SOURCE must be one of vendored, cdn"),
        ({"CHARTJS_CDN_BASE_URL": "cdn.jsdelivr.net/npm"}, "CHARTJS_CDN_BASE_URL must be"),
        ({"CHARTS_ANIMATE": "maybe"}, "CHARTS_ANIMATE must be a boolean"),
    ],
)
def test_bad_chart_settings_are_refused(env, message):
    result = _settings_in_a_fresh_process(**env)
    assert result.returncode != 0
    assert message in result.stderr


# --- What the charts show -------------------------------------------------------------
# In English, so the expected text does not depend on the translations (names follow
# the language too: name_en).


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_chart_labels_carry_the_chinese_names(demo):
    with translation.override("zh-hans"):
        chart = charts.status_by_pillar(demo.overview(3))
        assert chart["data"]["labels"][0] == "P1 双链融合"
        chart = charts.indicator_progress(_standing(demo, "P3-04", 3))
        assert chart["label"].startswith("P3-04 认定市级新型研发机构")


def test_status_by_pillar(demo, english):
    overview = demo.overview(3)
    chart = charts.status_by_pillar(overview)
    data = chart["data"]
    assert data["labels"][0] == "P1 Dual-chain integration"
    assert [d["status"] for d in data["datasets"]] == [
        "met",
        "on_track",
        "at_risk",
        "behind",
        "not_reported",
    ]
    for pillar_overview, column in zip(overview.pillars, range(6), strict=True):
        counts = {s.value: n for s, n in pillar_overview.screen_counts}
        assert {d["status"]: d["data"][column] for d in data["datasets"]} == counts
    # Not reported as the badges beside it count it: P4-01 (qualitative) has no Q3
    # report, so P4 has one, and the plan three (P3-06, P4-01, P5-05).
    not_reported = next(d for d in data["datasets"] if d["status"] == "not_reported")
    assert not_reported["data"] == [0, 0, 1, 1, 1, 0]
    # Long names wrap instead of being cut; each status has its pattern.
    assert data["label_lines"][1] == ["P2 Seeding and", "strengthening the base"]
    assert [d["pattern"] for d in data["datasets"]] == [
        "solid",
        "diagonal",
        "dots",
        "cross",
        "horizontal",
    ]
    # The table carries the same numbers, a row per pillar.
    assert chart["table"]["rows"][4] == ["P5 Talent support", "1", "0", "2", "1", "1"]
    assert "Q3" in chart["label"]


def _standing(plan, code, quarter):
    return plan.indicators.get(code=code).standing(quarter)


def test_count_chart(demo, english):
    chart = charts.indicator_progress(_standing(demo, "P3-04", 3))
    series = chart["data"]["series"]
    assert chart["id"] == "chart-p3-04"
    assert series["quarterly"]["data"] == [2, 2, 3, None]
    assert series["to_date"]["data"] == [2, 4, 7, None]
    assert series["expected"]["data"] == [2.5, 5, 7.5, 10]
    assert chart["data"]["reference"] == {"label": "Annual target ≥ 10", "value": 10}
    assert chart["data"]["unit"] == "institutions"  # the English unit on English pages
    assert chart["data"]["unit_caption"] == "Unit: institutions"
    assert chart["table"]["rows"] == [
        ["Q1", "2", "2", "2.5"],
        ["Q2", "2", "4", "5"],
        ["Q3", "3", "7", "7.5"],
        ["Q4", "", "", "10"],
    ]
    assert chart["label"].startswith("P3-04 Municipal new-type R&D institutions recognised: ")
    assert "≥ 10 institutions" in chart["label"] and "Q3" in chart["label"]


def test_chart_shows_the_year_as_of_the_quarter(demo):
    series = charts.indicator_progress(_standing(demo, "P3-04", 1))["data"]["series"]
    assert series["quarterly"]["data"] == [2, None, None, None]
    assert series["to_date"]["data"] == [2, None, None, None]
    assert series["expected"]["data"] == [2.5, 5, 7.5, 10]  # the plan's pace, whole year


def test_chart_counts_only_submitted_and_approved_figures(demo):
    # P3-06's Q3 report is a draft: no year-to-date point for Q3 either (a gap, not a
    # flat line that reads as nothing done in Q3), and none in its table row.
    chart = charts.indicator_progress(_standing(demo, "P3-06", 3))
    series = chart["data"]["series"]
    assert series["quarterly"]["data"] == [1, 2, None, None]
    assert series["to_date"]["data"] == [1, 3, None, None]
    assert [row[2] for row in chart["table"]["rows"]] == ["1", "3", "", ""]


def test_a_quarter_without_a_report_is_a_gap_in_the_year_to_date_line(demo):
    # P5-05 reported Q1 and Q2, nothing for Q3; the JSON the page reads carries null.
    chart = charts.indicator_progress(_standing(demo, "P5-05", 3))
    data = chart["data"]["series"]["to_date"]["data"]
    assert json.dumps(data) == "[8.0, 16.0, null, null]"  # Q1 8, Q2 8 more


def test_level_chart_has_no_year_to_date_line(demo, english):
    chart = charts.indicator_progress(_standing(demo, "P5-04", 3))
    assert "to_date" not in chart["data"]["series"]
    assert chart["data"]["series"]["quarterly"]["data"] == [80, 95, 100, None]
    assert chart["data"]["reference"]["label"] == "Annual target > 100"
    # No baseline, so no pace (issue 21): the figures against the target line alone.
    assert chart["table"]["columns"] == ["Quarter", "Figure at the quarter's end"]
    assert "expected" not in chart["data"]["series"]


def test_monitored_figure_is_drawn_against_last_year(demo, english):
    chart = charts.indicator_progress(_standing(demo, "P2-04", 3))
    assert "expected" not in chart["data"]["series"]
    assert chart["data"]["series"]["to_date"]["data"] == [12, 37, 67, None]
    assert chart["data"]["reference"] == {"label": "Last year 108", "value": 108}
    assert "last year's 108 enterprises" in chart["label"]


@pytest.mark.parametrize("code", ["P1-03", "P1-04"])  # a milestone, a qualitative indicator
def test_no_chart_without_figures(demo, code):
    assert charts.indicator_progress(_standing(demo, code, 3)) is None
