"""Settings for the test suite: production settings with test-only secrets.

Tests run with DEBUG off (as Django's test runner forces anyway), so the
production checks in settings.py are exercised; only the values they require
are supplied here.
"""

import atexit
import datetime
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_DEBUG", "0")
# The test client speaks plain http: the intranet mode (docs/deploy.md).
os.environ.setdefault("HTTPS", "0")
# Tests serve the vendored Chart.js, whatever the developer's shell says; the CDN
# tests switch to it themselves.
os.environ["CHARTJS_SOURCE"] = "vendored"

# Evidence files go to a directory of this test run, never to the developer's media/.
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kpitracker-test-media-")
os.environ["KPI_FILE_STORAGE"] = "local"

from .settings import *  # noqa: F403
from .settings import STORAGES

atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

# The manifest storage needs collectstatic first; tests of the manifest run it
# themselves (test_charts.py), the rest serve files as they are.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
KPI_TODAY = datetime.date(2024, 10, 8)  # the demo's "today": Q3 2024 reports are due
CHARTS_ANIMATE = False  # charts drawn at once: no bars caught mid-animation
