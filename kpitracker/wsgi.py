"""WSGI entry point (gunicorn kpitracker.wsgi).

The briefing's matplotlib and WeasyPrint are not loaded here: a worker loads them with
its first briefing (`drawing()` in targets/exports/briefing.py, one to two seconds
once), and a worker that makes none stays about 50 MB smaller (docs/decisions.md, "A
worker's memory at 20,000 indicators").
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")

application = get_wsgi_application()
