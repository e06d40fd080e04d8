"""Settings of the two app servers of bench/two_servers.py: the test settings (production
settings, DEBUG off, test-only secrets) with the evidence files in one directory that
both servers share, as a production site shares MEDIA_ROOT (or one S3 bucket).

Why not the test settings alone: they give every process that imports them its own
temporary MEDIA_ROOT (right for a test run, which must never touch a developer's
media/), and gunicorn imports the settings in each worker, so even the two workers of
one server would not find each other's files.
"""

import os
from pathlib import Path

from kpitracker.test_settings import *  # noqa: F403
from kpitracker.test_settings import STORAGES

MEDIA_ROOT = Path(os.environ["KPI_SHARED_MEDIA_ROOT"])
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
}
