"""Every exporter, its columns and its file: one class per file, one view and one URL
pattern for all (targets/exports/base.py). A new exporter or column fails here until
it is listed, so a change of a file is a change seen in review."""

import pytest
from django.urls import reverse

from targets.exports.base import Exporter, exporters
from targets.exports.cells import _is_blank, _is_trigger

EXPORTERS = {
    "summary.csv": (
        "no code pillar indicator unit comparison target target_note q1 q2 q3 q4 "
        "year_to_date completion expected status lead_section progress problems "
        "next_steps approval_state"
    ),
    "summary.xlsx": (
        "no code pillar indicator unit comparison target q1 q2 q3 q4 quarter_change "
        "year_to_date completion expected status lead_section progress problems "
        "next_steps approval_state"
    ),
    "reports.csv": (
        "code indicator unit quarter figure milestone_state done_on progress problems "
        "next_steps approval_state review_comment entered_by created_at updated_at"
    ),
    "history.csv": "when who code indicator quarter change field old new reason",
    "ledger.csv": (
        "no code indicator quarter date item division document_number note files approval_state"
    ),
    "ledger.xlsx": (
        "no code indicator quarter date item division document_number note files approval_state"
    ),
    "instructions.csv": "no quarter code on text who when",
    "instructions.xlsx": "no quarter code on text who when",
    "briefing.docx": "",
    "briefing.pdf": "",
}


def test_every_exporter_with_its_columns():
    found = {name: " ".join(c.key for c in cls.columns) for name, cls in exporters().items()}
    assert found == EXPORTERS


def test_each_exporter_is_served_at_its_name():
    for name, exporter in exporters().items():
        assert issubclass(exporter, Exporter)
        assert exporter.permission == "targets.view_plan"  # what one may see, one may export
        assert reverse("targets:export", args=[2024, name]) == f"/plans/2024/export/{name}"


@pytest.mark.parametrize("name", ["nothing.csv", "summary.txt", "ledger.xlsm"])
def test_an_unknown_file_is_an_unknown_page(leader_client, name):
    assert leader_client.get(f"/plans/2024/export/{name}").status_code == 404


def test_the_neutralisers_fast_path_lets_no_trigger_through():
    """`neutralise` returns text starting with a letter or digit (of any script) as it
    is: no character that is a letter or digit may be a trigger or a blank."""
    letters = (chr(code) for code in range(0x110000) if chr(code).isalnum())
    assert not [c for c in letters if _is_trigger(c) or _is_blank(c)]
