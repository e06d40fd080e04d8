"""Only the bytes a page needs (issue 24): the leader's first screen within its budget,
and the trimmed Bootstrap CSS still holding every Bootstrap class the site uses.

The first screen is the plan page, where "/" leads a leader. Its bytes are counted as
deployed: the page gzip-compressed at the level docs/deploy.md gives nginx, every
static file the page makes the browser fetch compressed as whitenoise serves it
(brotli, the smaller of its two; the original when compressing saves under 5 %), and
the menu's counts static/js/menu_counts.js asks for. HTTP headers are not counted (about
0.3 KB a response). Cold is an empty cache; warm is a visit with the hashed static
files cached (whitenoise gives them ten years), so only the page and the counts travel.
"""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor

COLD_BUDGET = 80_000  # bytes, compressed
WARM_BUDGET = 10_000
ROOT = Path(settings.BASE_DIR)
TRIMMED = ROOT / "static" / "vendor" / "bootstrap-5.3.8" / "bootstrap.used.min.css"
PUBLISHED = ROOT / "assets" / "bootstrap-5.3.8" / "bootstrap.min.css"
# Library tags a page keeps inert until a chart nears the screen (targets/assets.py).
INERT = re.compile(r"<template id=\"chart-libraries\">.*?</template>", re.S)
FETCHED = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)=\"/static/([^\"]+)\"")


def nginx_level():
    level = re.search(r"^\s*gzip_comp_level (\d+);", (ROOT / "docs/deploy.md").read_text(), re.M)
    return int(level.group(1))


def as_whitenoise_serves(path):
    data = Path(finders.find(path)).read_bytes()
    if not Compressor().should_compress(path):
        return len(data)
    compressed = Compressor.compress_brotli(data)
    return min(len(data), len(compressed)) if len(compressed) <= 0.95 * len(data) else len(data)


def weigh_first_screen(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain and response.request["PATH_INFO"] == "/plans/2024/"
    html = response.content
    page = len(gzip.compress(html, compresslevel=nginx_level()))
    assets = {
        path: as_whitenoise_serves(path) for path in FETCHED.findall(INERT.sub("", html.decode()))
    }
    counts = client.get("/notices/counts.json").content
    count = len(counts) if len(counts) < 1000 else len(gzip.compress(counts, nginx_level()))
    return page, assets, count


def test_first_screen_cold_and_warm_within_budget(leader_client):
    page, assets, count = weigh_first_screen(leader_client)
    cold = page + sum(assets.values()) + count
    report = f"page {page}, count {count}, " + ", ".join(f"{p} {n}" for p, n in assets.items())
    assert cold <= COLD_BUDGET, report
    assert page + count <= WARM_BUDGET, report
    # What the first screen is made of: no Bootstrap JavaScript, no Chart.js (its chart
    # is about three screens down and loads when it nears the screen).
    assert set(assets) == {
        "favicon.svg",
        "vendor/bootstrap-5.3.8/bootstrap.used.min.css",
        "css/app.css",
        "js/menu.js",
        "js/menu_counts.js",
        "js/charts.js",
    }, report


def test_chart_libraries_wait_inert_on_the_plan_page_only(leader_client):
    plan = leader_client.get("/plans/2024/").content.decode()
    inert = INERT.search(plan).group(0)
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in inert
    # A pillar's progress charts are on its first screen: loaded at once, with the
    # plugin that draws their target lines.
    pillar = leader_client.get("/plans/2024/pillars/P5/").content.decode()
    assert not INERT.search(pillar)
    assert "chartjs-plugin-annotation.min.js" in " ".join(FETCHED.findall(pillar))


# --- The trimmed Bootstrap ------------------------------------------------------------

COMMENTS = re.compile(r"/\*.*?\*/", re.S)
URLS = re.compile(r"url\([^)]*\)")
CLASS_SELECTOR = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
TEMPLATE_TAGS = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
CLASS_ATTRIBUTE = re.compile(r"\bclass=\"([^\"]*)\"", re.S)
# Classes named in Python: widget and table attrs ({"class": "…"}) and format_html.
PYTHON_CLASSES = re.compile(r"[\"']class[\"']: [\"']([^\"']*)[\"']|class=\"([^\"]*)\"")
BOOTSTRAP_SIZE = re.compile(r"\{% bootstrap_field [^%]*\bsize=\"(\w+)\"")
TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)")
ELEMENT = re.compile(r"(?:^|[\s>+~(])([a-z][a-z0-9]*)\b")
# What Django's form widgets add to a page beyond our templates' own elements.
WIDGET_TAGS = {"input", "select", "option", "textarea", "label", "ul", "li", "div"}
JS_CLASSES = re.compile(r"classList\.(?:add|remove|toggle|contains)\(([^)]*)\)")


def selectors(path):
    """Each selector of each rule (split at top-level commas), comments and url()s
    taken out first."""
    css = URLS.sub("", COMMENTS.sub("", path.read_text()))
    found = set()
    for group in re.findall(r"([^{}]+)\{", css):
        if group.lstrip().startswith("@"):
            continue  # @media, @supports: their rules follow inside
        found.update(part.strip() for part in re.split(r",(?![^(]*\))", group))
    return found


def classes_in_use():
    used = set()
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for value in CLASS_ATTRIBUTE.findall(TEMPLATE_TAGS.sub(" ", text)):
            used.update(value.split())
        # django-bootstrap5 makes `{% bootstrap_field … size="sm" %}` a form-control-sm.
        for size in BOOTSTRAP_SIZE.findall(text):
            used.update({f"form-control-{size}", f"form-select-{size}"})
    for app in ("accounts", "kpitracker", "ledger", "notices", "oversight", "targets"):
        for module in (ROOT / app).rglob("*.py"):
            for pair in PYTHON_CLASSES.findall(module.read_text()):
                used.update(" ".join(pair).split())
    for script in (ROOT / "static" / "js").glob("*.js"):
        for arguments in JS_CLASSES.findall(script.read_text()):
            used.update(re.findall(r"\"([\w-]+)\"", arguments))
    return used


def test_trimmed_css_keeps_every_bootstrap_rule_for_the_classes_in_use():
    """Each of Bootstrap's selectors whose classes all appear in a template, a Python
    module or our JavaScript must be in the trimmed file: a class added without
    `make assets` fails here instead of losing its look."""
    used = classes_in_use()
    assert {"navbar-collapse", "collapse", "show", "collapsing", "table", "badge"} <= used
    tags = {
        tag.lower()
        for t in (ROOT / "templates").rglob("*.html")
        for tag in TAG.findall(t.read_text())
    }
    tags |= WIDGET_TAGS
    needed = {
        selector
        for selector in selectors(PUBLISHED)
        if (names := set(CLASS_SELECTOR.findall(selector)))
        and names <= used
        and set(ELEMENT.findall(selector)) <= tags
    }
    assert len(needed) > 150  # the extraction still finds our classes
    missing = needed - selectors(TRIMMED)
    assert missing == set(), f"not in the trimmed CSS, run `make assets`: {sorted(missing)}"


def test_trimmed_css_keeps_the_bootstrap_variables_our_css_reads():
    trimmed = TRIMMED.read_text()
    for sheet in (ROOT / "static" / "css").glob("*.css"):
        for name in set(re.findall(r"var\((--bs-[\w-]+)", sheet.read_text())):
            assert f"{name}:" in trimmed, f"{sheet.name} reads {name}"


def test_trimmed_css_is_a_fraction_of_bootstrap():
    assert TRIMMED.stat().st_size < PUBLISHED.stat().st_size / 3
    assert "sourceMappingURL" not in TRIMMED.read_text()  # the published map does not fit


def test_no_bootstrap_javascript_hooks_left():
    """Nothing asks for Bootstrap's JavaScript, which is no longer served."""
    for template in (ROOT / "templates").rglob("*.html"):
        assert "data-bs-" not in template.read_text(), template
