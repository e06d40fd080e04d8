"""WSGI entry point (gunicorn kpitracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")

application = get_wsgi_application()

# Load the briefing's writers now, while the server starts, rather than in the first
# briefing request (WeasyPrint and matplotlib take one to two seconds to import).
from targets.briefing import charts, content, pdf  # noqa: E402, F401

charts.configure()
