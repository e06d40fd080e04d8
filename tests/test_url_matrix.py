"""Every URL of the project × every role × GET and POST, against one table.

The URLs come from the resolver, not from a list written here: a new URL pattern
(or a new exporter of the one export pattern) without a row in `PROJECT` fails
`test_every_url_pattern_has_a_row`. Each row says
what each persona gets for a GET and for a POST with an empty body. Personas, in
this order: anonymous, staff of the lead section (staff: P6-04's section), staff
of another section (staff2), leader, reviewer, admin.

The admin site's URLs (80 patterns, Django's own views) are enumerated as well,
under one rule instead of one row each: anonymous visitors are sent to the admin
login, every signed-in non-administrator gets 403, whatever the method. What an
administrator does inside the admin is Django's admin (and tests/
test_reporting_permissions.py's read-only checks), not a permission of ours.

State-changing views accept POST only: their GET row is 405.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.urls import URLResolver, get_resolver

from ledger.models import EvidenceFile
from targets.exports.base import exporters

PERSONAS = ("anonymous", "staff", "staff2", "leader", "reviewer", "admin")
LOGIN = 302  # anonymous visitors go to the login page


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif "<export:name>" in route:  # one pattern serves every exporter: a row each
            for name in exporters():
                yield route.replace("<export:name>", name)
        else:
            yield route


ROUTES = sorted(_walk(get_resolver().url_patterns))
PROJECT_ROUTES = [r for r in ROUTES if not r.startswith("admin/")]
ADMIN_ROUTES = [r for r in ROUTES if r.startswith("admin/")]


@dataclass(frozen=True)
class Row:
    path: str
    get: tuple  # status per persona, in PERSONAS order
    post: tuple


def every(status, anonymous=LOGIN):
    """The same status for everyone signed in (anonymous: the login page)."""
    return (anonymous, status, status, status, status, status)


def only(allowed, refused, who, anonymous=LOGIN):
    """`allowed` for the personas named in `who`, `refused` for the other signed-in ones."""
    return (anonymous, *(allowed if name in who else refused for name in PERSONAS[1:]))


PROJECT = {
    "favicon.ico": Row("/favicon.ico", every(302, 302), every(302, 302)),
    "accounts/login/": Row("/accounts/login/", every(200, 200), every(200, 200)),
    "accounts/logout/": Row("/accounts/logout/", every(405, 405), every(302, 302)),
    # A single sign-on account waiting for its section (accounts/views.py); the others
    # are sent on to the first page.
    "accounts/waiting/": Row("/accounts/waiting/", every(302), every(405, 405)),
    # Single sign-on is off in the tests' settings: its pages do not exist (404);
    # tests/test_sso.py signs in through each against its server.
    "accounts/oidc/authenticate/": Row(
        "/accounts/oidc/authenticate/", every(404, 404), every(404, 404)
    ),
    "accounts/oidc/callback/": Row("/accounts/oidc/callback/", every(404, 404), every(404, 404)),
    "accounts/cas/login/": Row("/accounts/cas/login/", every(404, 404), every(404, 404)),
    "accounts/password_change/": Row("/accounts/password_change/", every(200), every(200)),
    "accounts/password_change/done/": Row(
        "/accounts/password_change/done/", every(200), every(405)
    ),
    "i18n/setlang/": Row("/i18n/setlang/", every(302, 302), every(302, 302)),
    "": Row("/", every(302), every(405)),
    # "My reports" is for those who report: section staff and admins.
    "reports/": Row("/reports/", only(200, 403, {"staff", "staff2", "admin"}), every(405)),
    "reviews/": Row("/reviews/", only(200, 403, {"reviewer", "admin"}), every(405)),
    "latest/<slug:page>/": Row("/latest/missing_reports/", every(302), every(405)),
    "plans/": Row("/plans/", every(200), every(405)),
    # Plans are set up by administrators; an empty upload or set-up form is the form
    # again with its errors (400).
    "plans/import/": Row("/plans/import/", only(200, 403, {"admin"}), only(400, 403, {"admin"})),
    "plans/import/template.xlsx": Row(
        "/plans/import/template.xlsx", only(200, 403, {"admin"}), every(405)
    ),
    # A quarter's reports from a spreadsheet: the template for a section's staff and the
    # planning office (reviewers, admins); the import for those who report. An empty
    # upload or confirmation is the form again with its error (400).
    "plans/<int:year>/reports/template.xlsx": Row(
        "/plans/2024/reports/template.xlsx",
        only(200, 403, {"staff", "staff2", "reviewer", "admin"}),
        every(405),
    ),
    "plans/<int:year>/reports/template.csv": Row(
        "/plans/2024/reports/template.csv",
        only(200, 403, {"staff", "staff2", "reviewer", "admin"}),
        every(405),
    ),
    "plans/<int:year>/reports/import/": Row(
        "/plans/2024/reports/import/",
        only(200, 403, {"staff", "staff2", "admin"}),
        only(400, 403, {"staff", "staff2", "admin"}),
    ),
    "plans/<int:year>/reports/import/confirm/": Row(
        "/plans/2024/reports/import/confirm/",
        every(405),
        only(400, 403, {"staff", "staff2", "admin"}),
    ),
    "plans/<int:year>/setup/": Row(
        "/plans/2024/setup/", only(200, 403, {"admin"}), only(400, 403, {"admin"})
    ),
    # The approval chain (targets/views/approval.py): an empty POST lacks the formset's
    # management form, refused with the form again (400).
    "plans/<int:year>/setup/approval/": Row(
        "/plans/2024/setup/approval/", every(405), only(400, 403, {"admin"})
    ),
    # Confirming carried targets: 2024 is no draft, so nothing to confirm (400).
    "plans/<int:year>/setup/targets/": Row(
        "/plans/2024/setup/targets/", every(405), only(400, 403, {"admin"})
    ),
    # The narratives required to submit: an empty POST names no choice (400).
    "plans/<int:year>/setup/narratives/": Row(
        "/plans/2024/setup/narratives/", every(405), only(400, 403, {"admin"})
    ),
    # The demo's 2025 plan was started from 2024 already: a second time is refused (400).
    "plans/<int:year>/next-year/": Row(
        "/plans/2024/next-year/", every(405), only(400, 403, {"admin"})
    ),
    "plans/<int:year>/indicators/<code:code>/revise/": Row(
        "/plans/2024/indicators/P6-04/revise/",
        only(200, 403, {"admin"}),
        only(400, 403, {"admin"}),
    ),
    "plans/<int:year>/": Row("/plans/2024/", every(200), every(405)),
    "plans/<int:year>/pillars/<code:code>/": Row("/plans/2024/pillars/P6/", every(200), every(405)),
    "plans/<int:year>/missing/": Row("/plans/2024/missing/", every(200), every(405)),
    "plans/<int:year>/quarters/": Row(
        "/plans/2024/quarters/", only(200, 403, {"admin"}), every(405)
    ),
    # Approving several reports from the review queue: an empty POST is sent back to
    # the queue saying what to tick (302).
    "plans/<int:year>/reviews/approve/": Row(
        "/plans/2024/reviews/approve/", every(405), only(302, 403, {"reviewer", "admin"})
    ),
    "plans/<int:year>/quarters/<int:quarter>/close/": Row(
        # GET: the checklist; a POST without the confirmation closes nothing (400).
        "/plans/2024/quarters/3/close/",
        only(200, 403, {"admin"}),
        only(400, 403, {"admin"}),
    ),
    # Reopening needs a reason: an empty POST is the form again with its error.
    "plans/<int:year>/quarters/<int:quarter>/reopen/": Row(
        "/plans/2024/quarters/3/reopen/", every(405), only(400, 403, {"admin"})
    ),
    "plans/<int:year>/indicators/<code:code>/": Row(
        "/plans/2024/indicators/P6-04/", every(200), every(405)
    ),
    "plans/<int:year>/indicators/<code:code>/history/": Row(
        "/plans/2024/indicators/P6-04/history/", every(200), every(405)
    ),
    # An empty POST names no version: the editor gets the conflict page (409), the
    # others are refused before anything is read.
    "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/": Row(
        "/plans/2024/indicators/P6-04/report/3/",
        only(200, 403, {"staff", "leader", "reviewer", "admin"}),
        only(409, 403, {"staff", "admin"}),
    ),
    # Only a cooperating unit's staff add a contribution: P6-04 has none in the demo
    # (the cooperating persona is tried below, `test_a_cooperating_sections_staff`).
    "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/contribute/": Row(
        "/plans/2024/indicators/P6-04/report/3/contribute/", every(405), every(403)
    ),
    "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/review/": Row(
        "/plans/2024/indicators/P6-04/report/3/review/",
        every(405),
        only(400, 403, {"reviewer", "admin"}),
    ),
    "plans/<int:year>/export/summary.csv": Row(
        "/plans/2024/export/summary.csv", every(200), every(405)
    ),
    "plans/<int:year>/export/summary.xlsx": Row(
        "/plans/2024/export/summary.xlsx", every(200), every(405)
    ),
    "plans/<int:year>/export/briefing.docx": Row(
        "/plans/2024/export/briefing.docx?quarter=3&pillar=P4", every(200), every(405)
    ),
    "plans/<int:year>/export/briefing.pdf": Row(
        "/plans/2024/export/briefing.pdf?quarter=3&pillar=P4", every(200), every(405)
    ),
    "plans/<int:year>/export/print/": Row("/plans/2024/export/print/", every(200), every(405)),
    "plans/<int:year>/export/reports.csv": Row(
        "/plans/2024/export/reports.csv", every(200), every(405)
    ),
    "plans/<int:year>/export/history.csv": Row(
        "/plans/2024/export/history.csv", every(200), every(405)
    ),
    # The ledger (台账): an evidence file of P3-04's approved Q1 (the demo's first; its
    # id is looked up, `_path`) is read by everyone signed in, as its report; the
    # ledger's exports hold what each reader may read.
    "plans/<int:year>/indicators/<code:code>/evidence/<int:pk>/": Row(
        "/plans/2024/indicators/P3-04/evidence/{evidence}/", every(200), every(405)
    ),
    "plans/<int:year>/export/ledger.csv": Row(
        "/plans/2024/export/ledger.csv", every(200), every(405)
    ),
    "plans/<int:year>/export/ledger.xlsx": Row(
        "/plans/2024/export/ledger.xlsx?pillar=P3", every(200), every(405)
    ),
    # The leaders' instructions (oversight/exporters.py): whoever reads the plan.
    "plans/<int:year>/export/instructions.csv": Row(
        "/plans/2024/export/instructions.csv", every(200), every(405)
    ),
    "plans/<int:year>/export/instructions.xlsx": Row(
        "/plans/2024/export/instructions.xlsx", every(200), every(405)
    ),
    # The read API takes a client's token, never a session: 401 for every persona
    # (tests/test_api_matrix.py is its token × scope matrix). Its schema and Swagger
    # page are for everyone signed in (or holding a token).
    **{
        f"api/v1/{route}": Row(f"/api/v1/{path}", every(401, 401), every(401, 401))
        for route, path in (
            ("plans/", "plans/"),
            ("plans/<int:year>/", "plans/2024/"),
            ("elements/", "elements/"),
            ("indicators/", "indicators/"),
            ("indicators/<int:pk>/", "indicators/1/"),
            ("standings/", "standings/?year=2024"),
            ("reports/", "reports/"),
            ("reports/<int:pk>/", "reports/1/"),
            ("ledger-entries/", "ledger-entries/"),
            ("evidence/<int:pk>/", "evidence/1/"),
            ("history/", "history/"),
        )
    },
    "api/v1/schema/": Row("/api/v1/schema/", every(200, 401), every(405, 401)),
    "api/v1/docs/": Row("/api/v1/docs/", every(200, 401), every(405, 401)),
    # Instructions (批示) and follow-ups (督办): leaders (and admins) instruct; the office
    # (reviewers), leaders and admins assign; the owner section (staff: P6-04's) answers;
    # the office checks. An empty form is the form again with its errors (400). The
    # follow-up is answered, with a file (`_oversight`).
    "plans/<int:year>/instructions/new/": Row(
        "/plans/2024/instructions/new/?on=P6-04",
        only(200, 403, {"leader", "admin"}),
        only(400, 403, {"leader", "admin"}),
    ),
    "follow-ups/": Row("/follow-ups/", every(200), every(405)),
    "plans/<int:year>/follow-ups/new/": Row(
        "/plans/2024/follow-ups/new/?indicator=P6-04",
        only(200, 403, {"leader", "reviewer", "admin"}),
        only(400, 403, {"leader", "reviewer", "admin"}),
    ),
    "follow-ups/<int:pk>/": Row("/follow-ups/{follow_up}/", every(200), every(405)),
    "follow-ups/<int:pk>/answer/": Row(
        "/follow-ups/{follow_up}/answer/", every(405), only(400, 403, {"staff", "admin"})
    ),
    "follow-ups/<int:pk>/decide/": Row(
        "/follow-ups/{follow_up}/decide/", every(405), only(400, 403, {"reviewer", "admin"})
    ),
    # Notices in the app: everyone signed in reads and marks their own.
    "notices/": Row("/notices/", every(200), every(405)),
    "notices/read/": Row("/notices/read/", every(405), every(302)),
    # The menu's counts (static/js/menu_counts.js): everyone's unread notices; the
    # reports waiting for review only for those who review (null for the others).
    "notices/counts.json": Row("/notices/counts.json", every(200), every(405)),
    # Each person's choices of what reaches them: an empty POST is every box unticked.
    "notices/choices/": Row("/notices/choices/", every(200), every(302)),
    # Leaders (and admins) follow an indicator or a pillar; a POST that does not say
    # whether to follow or not is refused (400).
    "notices/follow/<int:year>/indicators/<str:code>/": Row(
        "/notices/follow/2024/indicators/P6-04/", every(405), only(400, 403, {"leader", "admin"})
    ),
    "notices/follow/<int:year>/pillars/<str:code>/": Row(
        "/notices/follow/2024/pillars/P6/", every(405), only(400, 403, {"leader", "admin"})
    ),
    "follow-ups/<int:pk>/files/<int:file_pk>/": Row(
        "/follow-ups/{follow_up}/files/{file}/", every(200), every(405)
    ),
}


def _path(row, oversight=None):
    """The row's path, with the id of the demo's first evidence file of P3-04, or of the
    test's follow-up and its file, filled in."""
    if "{follow_up}" in row.path:
        return row.path.format(**oversight)
    if "{evidence}" not in row.path:
        return row.path
    evidence = EvidenceFile.objects.filter(entry__indicator__code="P3-04", entry__quarter=1)
    return row.path.format(evidence=evidence.order_by("pk").first().pk)


def _oversight():
    """An answered follow-up of P6-04 (staff's section), with one file."""
    from accounts.models import User

    from .oversight_helpers import follow_up

    made = follow_up({u.username: u for u in User.objects.all()}, state="answered")
    return {"follow_up": made.pk, "file": made.files.get().pk}


# Admin routes with regular expressions rather than converters: a path for each.
ADMIN_PATHS = {
    "admin/^(?P<app_label>auth|axes|accounts|targets|ledger|api|django_tasks_database)/$": (
        "/admin/targets/"
    ),
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}
# The admin's login page is its only page for anonymous visitors.
ADMIN_LOGIN = "admin/login/"


def _admin_path(route):
    if route in ADMIN_PATHS:
        return ADMIN_PATHS[route]
    if "^" in route:  # simple-history's page of one version: <id>/history/<version>/
        model = route.split("^", 1)[0]
        return f"/{model}1/history/1/"
    return "/" + re.sub(r"<[^>]+>", "1", route)


def _admin_expected(route, persona):
    if persona == "anonymous":
        return 200 if route == ADMIN_LOGIN else LOGIN
    return 403


def _request(client, method, path):
    return getattr(client, method)(path)


def test_every_url_pattern_has_a_row():
    assert set(PROJECT_ROUTES) == set(PROJECT), (
        "URL patterns without a row (add one to PROJECT): "
        f"{sorted(set(PROJECT_ROUTES) - set(PROJECT))}; rows without a URL: "
        f"{sorted(set(PROJECT) - set(PROJECT_ROUTES))}"
    )
    assert len(ADMIN_ROUTES) > 50  # the admin is enumerated too (test_admin_urls below)
    unmapped = [r for r in ADMIN_ROUTES if "(?P" in r and r not in ADMIN_PATHS]
    assert not unmapped


def test_project_urls(personas):
    """Every row; a failure lists every cell that differs from the table."""
    wrong = []
    clients = {persona: personas[persona] for persona in PERSONAS}  # signed in once, here
    oversight = _oversight()
    # Logging out ends the clients' sessions: that row goes last.
    for route in sorted(
        PROJECT_ROUTES, key=lambda route: PROJECT[route].path == "/accounts/logout/"
    ):
        row = PROJECT[route]
        with transaction.atomic():  # each URL starts from the same data (a POST may close Q3)
            # GET first, then POST; admin last (its POSTs close a quarter, log out…).
            for method in ("get", "post"):
                for persona, expected in zip(PERSONAS, getattr(row, method), strict=True):
                    path = _path(row, oversight)
                    status = _request(clients[persona], method, path).status_code
                    if status != expected:
                        wrong.append(
                            f"{method.upper()} {path} as {persona}: {status}, not {expected}"
                        )
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_admin_urls(personas):
    """One test for the 80 admin patterns (one rule; their cells are listed on failure)."""
    wrong = []
    for route in ADMIN_ROUTES:
        path = _admin_path(route)
        for method in ("get", "post"):
            for persona in PERSONAS[:-1]:
                status = _request(personas[persona], method, path).status_code
                expected = _admin_expected(route, persona)
                if status != expected:
                    wrong.append(f"{method.upper()} {path} as {persona}: {status}, not {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_size():
    """The figure for the issue's closing note: cells tried (persona × method × URL)."""
    cells = len(PROJECT_ROUTES) * len(PERSONAS) * 2 + len(ADMIN_ROUTES) * (len(PERSONAS) - 1) * 2
    print(f"URL x role cells: {cells} ({len(PROJECT_ROUTES)} project, {len(ADMIN_ROUTES)} admin)")
    assert cells > 1000


# staff2's section made a cooperating unit of P6-04 (as `cooperating`), with what it
# then gets on the URLs its role changes; every other cell of its column is as above.
COOPERATING = {
    "/plans/2024/indicators/P6-04/": ("get", 200),
    "/plans/2024/indicators/P6-04/history/": ("get", 200),
    # It reads the report (its drafts too) but enters nothing.
    "/plans/2024/indicators/P6-04/report/3/": ("get", 200),
    "/plans/2024/indicators/P6-04/report/3/?": ("post", 403),
    # An empty contribution is the page again with the error next to the field.
    "/plans/2024/indicators/P6-04/report/3/contribute/": ("post", 400),
}


def test_a_cooperating_sections_staff(personas, users):
    from targets.models import Indicator
    from targets.models.units import set_units

    indicator = Indicator.objects.get(plan__year=2024, code="P6-04")
    set_units(indicator, leads=indicator.leads, cooperating=[users["staff2"].section])
    client = personas["staff2"]
    wrong = []
    for path, (method, expected) in COOPERATING.items():
        status = _request(client, method, path.rstrip("?")).status_code
        if status != expected:
            wrong.append(f"{method.upper()} {path} as cooperating: {status}, not {expected}")
    assert not wrong, "\n".join(wrong)
