"""Shared fixtures: the real 2024 plan, the demo data and the personas.

Every view is tried by each persona: an admin, a leader, a reviewer, a staff
member of the leading section, a staff member of another section and an
anonymous visitor.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User
from targets.demo import DEMO_PASSWORD, setup_demo
from targets.models import Plan


@pytest.fixture
def plan(db):
    """The 2024 plan exactly as the fixture carries it (no lead sections, no reports)."""
    call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    return Plan.objects.get(year=2024)


@pytest.fixture
def demo(plan):
    """The plan with the demo sections, accounts and Q1–Q3 reports."""
    with override_settings(DEBUG=True):
        setup_demo()
    return plan


def _client_for(username):
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def personas(demo):
    """Logged-in clients by persona name; `anonymous` is not logged in."""
    return {
        "anonymous": Client(),
        "admin": _client_for("admin"),
        "leader": _client_for("leader"),
        "reviewer": _client_for("reviewer"),
        "staff": _client_for("staff"),  # leads P3 and P6
        "staff2": _client_for("staff2"),  # leads P5
    }


@pytest.fixture
def leader_client(demo):
    return _client_for("leader")


@pytest.fixture
def users(demo):
    return {u.username: u for u in User.objects.all()}
