"""Shared fixtures: the real 2024 plan, the demo data and the personas.

Every view is tried by each persona: an admin, a leader, a reviewer, a staff
member of the leading section, a staff member of another section and an
anonymous visitor.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation
from pytest_django.plugin import pytest_collection_modifyitems as _django_order

from accounts.models import Section, User
from ledger.models import EvidenceFile, LedgerEntry
from targets.demo import DEMO_YEAR, setup_demo
from targets.models import Indicator, IndicatorUnit, Plan, QuarterlyReport, ReportingPeriod
from targets.views import fragments

from . import snapshot


def _build_demo():
    """Load the 2024 plan and the demo data (about 700 queries)."""
    call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    with override_settings(DEBUG=True):
        setup_demo()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the plan and the demo data once per test session.

    Tests that use the database run inside a transaction rolled back at their end
    (pytest-django's `db`), so each one starts from this state without rebuilding
    it. Tests that need real commits (`transactional_db`, the live server) run
    after all the others (pytest-django orders them last) and empty the database
    when they end; `demo` puts the data back for them (a copy taken here).
    """
    with django_db_blocker.unblock():
        _build_demo()
        snapshot.take_demo()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests in a transaction first, then those that commit (live server,
    `transactional_db`), then those without a database: pytest-django's order, put
    back after pytest has regrouped the tests by their session-scoped parameters
    (pytest-playwright's `browser_name`), which moved the browser tests into the
    middle. Each test that commits empties the database when it ends, and a test in a
    transaction cannot put the demo back from the session's copy (`demo`): every one
    after them built the demo again (0.5–0.8 s each, for some 380 tests)."""
    _django_order(items)


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Each test starts with no kept dashboard body or standings (targets/views/
    fragments.py). They are keyed by the data's generation, and a test rolled back
    leaves the next one the same generation with other data, which a running site
    never does."""
    cache.clear()
    fragments.forget()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a test that activates another (a
    request through the test client leaves its language active in the thread) must
    not change the words the next test in the same worker computes its expectations
    in (test_briefing.py's written-up indicators failed after such a test)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _strip_demo():
    """Back to the plan exactly as its fixture loads it: no sections, accounts,
    reports or history. Inside the test's transaction, so it costs a few queries
    and is rolled back with the test. Without history while it deletes: a history
    row for each deleted object was most of the cost (0.3 s a test) and is none of
    the fixture's plan."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        LedgerEntry.objects.all().delete()  # and their evidence files
        QuarterlyReport.objects.all().delete()
        ReportingPeriod.objects.all().delete()
        IndicatorUnit.objects.all().delete()
        Indicator.objects.update(ledger=Indicator.Ledger.NONE)
        User.objects.all().delete()
        Section.objects.all().delete()
    LedgerEntry.history.all().delete()
    EvidenceFile.history.all().delete()
    QuarterlyReport.history.all().delete()
    ReportingPeriod.history.all().delete()
    Indicator.history.all().delete()


@pytest.fixture
def plan(db):
    """The 2024 plan exactly as the fixture carries it (no lead sections, no reports)."""
    if not Plan.objects.filter(year=DEMO_YEAR).exists():  # emptied by a transactional test
        call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    else:
        _strip_demo()
    return Plan.objects.get(year=DEMO_YEAR)


@pytest.fixture
def demo(db):
    """The plan with the demo sections, accounts and Q1–Q3 reports (built once per
    session; put back after a transactional test has emptied the database)."""
    if not User.objects.filter(username="admin").exists():
        if (demo := snapshot.demo()) and demo.can_restore():
            demo.restore()
        else:
            _build_demo()
    return Plan.objects.get(year=DEMO_YEAR)


class _Q3Briefings(dict):
    """language -> (briefing, PDF bytes, DOCX bytes) of the demo's Q3, made when first
    asked for (the briefing modules are imported only then)."""

    def __init__(self, django_db_blocker):
        super().__init__()
        self.django_db_blocker = django_db_blocker

    def __missing__(self, language):
        from targets import clock
        from targets.briefing.content import build_briefing
        from targets.briefing.docx import docx_bytes
        from targets.briefing.pdf import pdf_bytes

        with self.django_db_blocker.unblock(), translation.override(language):
            plan = Plan.objects.get(year=DEMO_YEAR)
            briefing = build_briefing(plan, plan.overview(3), today=clock.today())
            self[language] = briefing, pdf_bytes(briefing), docx_bytes(briefing)
        return self[language]


@pytest.fixture(scope="session")
def q3_briefings(django_db_setup, django_db_blocker):
    """The demo's Q3 briefing and its two files in each language, made once per test
    session: tests/test_briefing.py and tests/test_briefing_tables.py read the same
    ones (made once for each module, they were about 2 s of each worker that ran both).
    Only reads the session's demo data; the tests are marked `django_db` so that they
    run before the transactional ones empty the database (pytest-django's order)."""
    return _Q3Briefings(django_db_blocker)


def _client_for(username):
    """Signed in without the password check: django-axes (the login lockout) needs the
    request that `Client.login` does not pass; tests/test_logins.py logs in through
    the login page itself."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# staff leads P3 and P6, staff2 leads P5.
PERSONAS = ("anonymous", "admin", "leader", "reviewer", "staff", "staff2")


class Personas(dict):
    """Logged-in clients by persona name; `anonymous` is not logged in.

    Each is signed in when a test first asks for it: a sign-in is about twenty queries,
    and most tests ask for one persona of the six.
    """

    def __missing__(self, name):
        if name not in PERSONAS:
            raise KeyError(name)
        client = Client() if name == "anonymous" else _client_for(name)
        self[name] = client
        return client


@pytest.fixture
def personas(demo):
    return Personas()


@pytest.fixture
def leader_client(demo):
    return _client_for("leader")


@pytest.fixture
def users(demo):
    return {u.username: u for u in User.objects.all()}
