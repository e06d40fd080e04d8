"""Where the plans' fixtures live."""

from pathlib import Path

from django.conf import settings


def fixture_path(year):
    return Path(settings.BASE_DIR) / "fixtures" / f"plan_{year}.json"
