"""WSGI entry point (gunicorn kpitracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")

application = get_wsgi_application()
