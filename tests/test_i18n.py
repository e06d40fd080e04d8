"""Chinese first, English available: the committed translations are complete and current."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(catalog):
    return {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalog
        if not e.obsolete
    }


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalog_matches_the_po_file():
    """The .mo is committed (no gettext needed to run); it must be compiled from this .po."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    assert _entries(mo) == {k: v for k, v in _entries(po).items() if k[1]}, (
        "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run `make messages`"
    )


@pytest.mark.parametrize(
    ("language", "met", "behind"), [("zh-hans", "达成", "滞后"), ("en", "Met", "Behind")]
)
def test_status_labels_follow_the_language(language, met, behind):
    from targets.models import Status

    with translation.override(language):
        assert str(Status.MET.label) == met
        assert str(Status.BEHIND.label) == behind


def test_pages_are_chinese_by_default_and_english_on_request(leader_client):
    page = leader_client.get("/plans/2024/").content.decode()
    assert "需关注" in page and "完成值" in page and 'lang="zh-hans"' in page
    page = leader_client.get("/plans/2024/", headers={"accept-language": "en"}).content.decode()
    assert "Needs attention" in page and "Figure to date" in page and 'lang="en"' in page


def test_content_names_follow_the_language(demo):
    from targets.models import Indicator

    indicator = Indicator.objects.get(plan__year=2024, code="P6-04")
    with translation.override("en"):
        assert indicator.name == "Bank–enterprise matching events for S&T firms"
    with translation.override("zh-hans"):
        assert indicator.name == "组织科技领域银企对接专场活动"
