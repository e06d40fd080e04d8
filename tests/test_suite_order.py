"""The suite's own order: every test that commits (the live server,
`transactional_db`) runs after every test rolled back in a transaction.

A test that commits empties the database when it ends, and a test in a transaction
cannot put the demo back from the session's copy: each one after it built the demo
again (tests/conftest.py, `pytest_collection_modifyitems`)."""

from pytest_django.plugin import validate_django_db


def _kind(item):
    """0: in a transaction, 1: commits, 2: no database (pytest-django's order)."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker) and any(validate_django_db(marker)[:2])
    fixtures = item.fixturenames
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def test_tests_that_commit_run_after_those_in_a_transaction(request):
    items = request.session.items
    kinds = [_kind(item) for item in items]
    first_commit = kinds.index(1) if 1 in kinds else len(items)
    late = [item.nodeid for item in items[first_commit:] if _kind(item) == 0]
    assert late == [], f"{len(late)} tests in a transaction run after one that commits"
