"""A model change without its migration fails the suite."""

from io import StringIO

from django.core.management import call_command


def test_no_missing_migrations(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exc:
        raise AssertionError(f"Missing migrations:\n{out.getvalue()}") from exc
