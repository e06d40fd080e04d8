"""WSGI entry point (gunicorn kpitracker.wsgi).

The briefing's matplotlib and WeasyPrint are not loaded here: a worker loads them with
its first briefing (`drawing()` in targets/exports/briefing.py, one to two seconds
once), and a worker that makes none stays about 50 MB smaller (docs/decisions.md, "A
worker's memory at 20,000 indicators").
"""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")

# A worker's threads share one interpreter lock: while one draws a page (50-80 ms of
# CPU), a kept page asked of the same worker waits for the lock after each of its
# queries, up to the switch interval (5 ms by default) every time. At 1 ms, leaders'
# p95 on the first screen during the rush fell from a median of 137 ms to 79 over
# four paired runs (bench/README.md); the cost is more frequent switching.
sys.setswitchinterval(0.001)

application = get_wsgi_application()
