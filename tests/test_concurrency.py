"""Writers at the same moment, on the database the suite runs on.

- Two people creating the same report: exactly one wins, the other gets the
  conflict page with their input, never a 500 (finding 2: on SQLite "database is
  locked" was a 500 in 4 of 14 rounds and the input was gone).
- Saving a report while the quarter closes: the two are serialised, so no report
  carries a save time after its quarter's close (finding 5: 2 of 15 rounds did).
- SQLite only: a lock held past the busy timeout is "try again, your input is kept".

The rounds themselves are in tests/concurrency.py. SQLite runs them on a real
database file in a subprocess (the suite's in-memory database uses shared-cache
locking, which is not what production does); PostgreSQL runs them here, in threads
with their own connections (a transactional test: it commits).
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from . import concurrency, snapshot

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 12


def _summary(outcomes):
    return Counter(json.dumps(o, sort_keys=True) for o in outcomes)


def _check_two_creators(outcomes):
    assert len(outcomes) == ROUNDS
    for outcome in outcomes:
        # One winner; the loser gets the conflict page (409) with their input back.
        assert outcome["statuses"] == ["302", "409"], _summary(outcomes)
        assert outcome["loser_input_kept"] is True, _summary(outcomes)
        assert outcome["reports"] == 1


def _check_close_vs_save(outcomes):
    assert len(outcomes) == ROUNDS
    for outcome in outcomes:
        assert outcome["close"] == 302 and outcome["closed"], _summary(outcomes)
        # Saved before the close, or refused after it with the input kept.
        assert outcome["save"] in (302, 403), _summary(outcomes)
        assert outcome["input_kept"], _summary(outcomes)
        assert not outcome["saved_after_close"], _summary(outcomes)


@pytest.fixture(scope="module")
def sqlite_file_rounds(tmp_path_factory, django_db_setup):
    """Every scenario on a SQLite file database holding the demo (the suite's own copy,
    tests/snapshot.py), in a subprocess (~4 s)."""
    path = tmp_path_factory.mktemp("sqlite") / "kpitracker.sqlite3"
    snapshot.demo().write_sqlite_file(path)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.concurrency", str(ROUNDS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    for name in ("two_creators", "close_vs_save"):
        print(f"SQLite file, {name}:", _summary(outcomes[name]))
    return outcomes


ON_SQLITE = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the SQLite file database is exercised in the SQLite run of the suite",
)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs the same rounds on a real database file (test_sqlite_*)",
)


@ON_SQLITE
def test_sqlite_file_runs_in_wal_mode(sqlite_file_rounds):
    assert sqlite_file_rounds["journal_mode"] == "wal"


@ON_SQLITE
def test_sqlite_two_creators_of_one_report(sqlite_file_rounds):
    _check_two_creators(sqlite_file_rounds["two_creators"])


@ON_SQLITE
def test_sqlite_close_and_save_are_serialised(sqlite_file_rounds):
    _check_close_vs_save(sqlite_file_rounds["close_vs_save"])


@ON_SQLITE
def test_sqlite_lock_past_the_timeout_keeps_the_input(sqlite_file_rounds):
    busy = sqlite_file_rounds["busy"]
    assert busy == {"status": 503, "input_kept": True, "stored": 0}


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_postgresql_two_creators_of_one_report(demo):
    outcomes = concurrency.two_creators(ROUNDS)
    print("PostgreSQL two creators:", _summary(outcomes))
    _check_two_creators(outcomes)


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_postgresql_close_and_save_are_serialised(demo):
    outcomes = concurrency.close_vs_save(ROUNDS)
    print("PostgreSQL close vs save:", _summary(outcomes))
    _check_close_vs_save(outcomes)
