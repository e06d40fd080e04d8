"""The site exactly as gunicorn serves it (kpitracker.wsgi), plus one URL for the
bench's anchor: a signed-in trivial view behind the same middleware (session, user,
CSRF, CSP, lockout), so pages are compared with what any signed-in request costs.

    gunicorn anchor:application ...     (bench/deployment.py starts it)
    python bench/anchor.py collectstatic
    python bench/anchor.py passwords     # the demo accounts' password, hashed as here
"""

import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import clear_url_caches, path


@login_required
def trivial(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


if __name__ == "__main__":
    import os

    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")
    django.setup()
    if sys.argv[1] == "passwords":
        # The bench's databases are built under the test settings' fast hasher, which
        # the production settings do not read: the demo password hashed again here.
        from accounts.models import User
        from targets.demo import DEMO_PASSWORD

        for user in User.objects.all():
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
        call_command("axes_reset", verbosity=0)
    else:
        call_command(sys.argv[1], interactive=False, verbosity=0)
else:
    from kpitracker.wsgi import application  # noqa: F401, I001  (first: sets Django up)
    from kpitracker import urls

    urls.urlpatterns.insert(0, path("bench/trivial/", trivial))
    clear_url_caches()
