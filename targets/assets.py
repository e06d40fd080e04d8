"""Chart.js and its annotation plugin: where each page loads them from.

One list serves both sources, so the vendored copy and the CDN copy are always
the same version: `static` is the file under `static/vendor/` (see its README),
`package`/`version`/`path` place it on an npm CDN, and `integrity` is the
Subresource Integrity hash of that exact file (tests/test_charts.py recomputes it
from the vendored file, so a mismatch fails the suite, not the browser).
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static


@dataclass(frozen=True)
class Script:
    package: str
    version: str
    path: str  # inside the npm package
    static: str  # the vendored copy, under static/
    integrity: str  # "sha384-…" of the file

    def cdn_url(self, base_url):
        return f"{base_url}{self.package}@{self.version}/{self.path}"


CHARTJS = Script(
    package="chart.js",
    version="4.6.1",
    path="dist/chart.umd.min.js",
    static="vendor/chart.js-4.6.1/chart.umd.min.js",
    integrity="sha384-Emf5ZVIUiarAdhkgtqK+5/Z5qIvM6QoVrS+qAVtfyZVuD5lIHrac0me485+Antp0",
)
ANNOTATION_PLUGIN = Script(
    package="chartjs-plugin-annotation",
    version="3.1.0",
    path="dist/chartjs-plugin-annotation.min.js",
    static="vendor/chartjs-plugin-annotation-3.1.0/chartjs-plugin-annotation.min.js",
    integrity="sha384-3N9GHhCtN3CQef6tNfqgZlv7sQLYIkcChN+uaTZ7xVdzKYp/SjBNPxa92+hM7EAY",
)
# In load order: the plugin registers itself with the Chart global.
CHART_SCRIPTS = (CHARTJS, ANNOTATION_PLUGIN)


def chart_script_tags(annotation=True, lazy=False):
    """The <script> tags a chart page needs, as dicts for `includes/chart_scripts.html`.

    The annotation plugin draws the target line of the progress charts only: pages
    without one (the plan's status by pillar, the print view) pass `annotation=False`
    and spare its 12 KB. `lazy`: the page's charts lie below its first screen (the
    plan page's, about three screens down), so the library tags wait inert in a
    <template> and js/charts.js adds them when a chart nears the screen (or the page
    is printed): Chart.js (62 KB compressed) is no part of the first screen's bytes.

    Vendored: the static files. CDN: the pinned CDN files with their integrity
    hashes, followed by `js/chartjs-fallback.js`, which loads the vendored copies
    if the CDN did not deliver (`fallback` carries their URLs).
    """
    needed = CHART_SCRIPTS if annotation else CHART_SCRIPTS[:1]
    vendored = [static(script.static) for script in needed]
    if settings.CHARTJS_SOURCE != "cdn":
        return {"scripts": [{"src": src} for src in vendored], "fallback": None, "lazy": lazy}
    return {
        "lazy": lazy,
        "scripts": [
            {"src": script.cdn_url(settings.CHARTJS_CDN_BASE_URL), "integrity": script.integrity}
            for script in needed
        ],
        "fallback": {"chart": vendored[0], "annotation": vendored[1] if annotation else ""},
    }
