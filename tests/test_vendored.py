"""The vendored front-end files are exactly the published ones, with their licences.

Bootstrap 5.3.8's published CSS (assets/, the input of `make assets`) is checked
against the Subresource Integrity hash django-bootstrap5 pins for that release; the
trimmed copy served to every page (static/vendor/) in tests/test_page_weight.py.
axe-core (tests/browser/vendor/, for the accessibility tests only) by its banner.
"""

import base64
import hashlib
from pathlib import Path

from django.conf import settings
from django_bootstrap5.core import BOOTSTRAP5_DEFAULTS

BOOTSTRAP = Path(settings.BASE_DIR) / "assets" / "bootstrap-5.3.8"
SERVED = Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap-5.3.8"
AXE = Path(settings.BASE_DIR) / "tests" / "browser" / "vendor"


def sri(path):
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def test_bootstrap_css_is_the_published_5_3_8():
    pinned = BOOTSTRAP5_DEFAULTS["css_url"]
    assert "bootstrap@5.3.8/" in pinned["url"]
    assert sri(BOOTSTRAP / "bootstrap.min.css") == pinned["integrity"]


def test_no_bootstrap_javascript_is_served():
    """static/js/menu.js opens the phone menu, the one thing Bootstrap's bundle did."""
    assert sorted(path.name for path in SERVED.iterdir()) == ["LICENSE", "bootstrap.used.min.css"]


def test_licences_are_kept():
    assert "MIT License" in (BOOTSTRAP / "LICENSE").read_text()
    assert "MIT License" in (SERVED / "LICENSE").read_text()
    # The trimmed file keeps Bootstrap's banner, which names its licence.
    assert "Licensed under MIT" in (SERVED / "bootstrap.used.min.css").read_text()[:300]
    assert "Mozilla Public License" in (AXE / "axe-core-LICENSE").read_text()
    assert (AXE / "axe.min.js").read_text()[:40].startswith("/*! axe v4.14.1")
