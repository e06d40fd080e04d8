"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "-c", "import kpitracker.settings as s; print(s.DATABASES['default'])"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_without_secret_key_fails_fast():
    result = _load_settings(DJANGO_DEBUG="0", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_fails_fast():
    result = _load_settings(DJANGO_DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_bad_boolean_is_refused():
    result = _load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_sqlite_is_the_default():
    result = _load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


@pytest.mark.parametrize("pool", ["0", "1"])
def test_database_url_selects_postgresql_and_optional_pool(pool):
    result = _load_settings(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/kpi", DB_POOL=pool
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    assert ("'pool'" in result.stdout) == (pool == "1")
