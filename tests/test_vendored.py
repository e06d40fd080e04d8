"""The vendored front-end files are exactly the published ones, with their licences.

Bootstrap 5.3.8 (static/vendor/, served to every page) is checked against the
Subresource Integrity hashes django-bootstrap5 pins for that release; axe-core
(tests/browser/vendor/, for the accessibility tests only) by its banner.
"""

import base64
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django_bootstrap5.core import BOOTSTRAP5_DEFAULTS

BOOTSTRAP = Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap-5.3.8"
AXE = Path(settings.BASE_DIR) / "tests" / "browser" / "vendor"


def sri(path):
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("name", "setting"),
    [("bootstrap.min.css", "css_url"), ("bootstrap.bundle.min.js", "javascript_url")],
)
def test_bootstrap_is_the_published_5_3_8(name, setting):
    pinned = BOOTSTRAP5_DEFAULTS[setting]
    assert "bootstrap@5.3.8/" in pinned["url"]
    assert sri(BOOTSTRAP / name) == pinned["integrity"]
    # Kept with its map: the manifest storage refuses a sourceMappingURL without one.
    assert (BOOTSTRAP / f"{name}.map").exists()


def test_licences_are_kept():
    assert "MIT License" in (BOOTSTRAP / "LICENSE").read_text()
    assert "Mozilla Public License" in (AXE / "axe-core-LICENSE").read_text()
    assert (AXE / "axe.min.js").read_text()[:40].startswith("/*! axe v4.14.1")
