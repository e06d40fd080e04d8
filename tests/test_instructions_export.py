"""Leaders' instructions (批示) in the exports (issue 25): instructions.csv and .xlsx list
each with what it is on, who wrote it and when, read back from the files; the plan
page's instruction panel links to them."""

import csv
import datetime
import io

import openpyxl
from django.utils import timezone

from oversight.models import Instruction

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _write(demo, users):
    when = timezone.make_aware(datetime.datetime(2024, 10, 9, 9, 30))
    made = []
    for on, text, minutes in (
        ({"indicator": demo.indicators.get(code="P5-04")}, "=抓紧招录，月底前报结果", 0),
        ({"pillar": demo.elements.get(code="P3")}, "（示例）平台建设要提速", 5),
        ({}, "（示例）全年目标不动摇", 10),
    ):
        instruction = Instruction(
            plan=demo,
            quarter=3,
            text=text,
            written_by=users["leader"],
            written_at=when + datetime.timedelta(minutes=minutes),
            **on,
        )
        instruction.save_by(users["leader"], "written")
        made.append(instruction)
    return made


def _csv(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))


def test_the_csv_lists_each_instruction_with_who_and_when(personas, demo, users):
    _write(demo, users)
    response = personas["staff2"].get("/plans/2024/export/instructions.csv", **EN)
    assert response.status_code == 200
    assert "kpi-2024-instructions-" in response["Content-Disposition"]
    rows = _csv(response)
    header = rows.index(
        ["No.", "As of quarter", "Code", "On", "Instruction", "Written by", "Written"]
    )
    body = rows[header + 1 :]
    assert [row[2] for row in body] == ["P5-04", "P3", ""]
    assert body[2][3] == "The whole plan"
    assert body[0][4] == "'=抓紧招录，月底前报结果"  # a formula is neutralised
    assert {row[5] for row in body} == {"leader"}
    assert body[0][6] == "2024-10-09 09:30:00" and body[1][0] == "2"


def test_the_workbook_reads_back_in_chinese(personas, demo, users):
    _write(demo, users)
    response = personas["leader"].get("/plans/2024/export/instructions.xlsx", **ZH)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert ("序号", "截至季度", "编号", "批示对象", "批示内容", "批示人", "批示时间") in values
    texts = [row for row in values if "（示例）平台建设要提速" in row]
    assert len(texts) == 1 and texts[0][5] == "leader"
    assert texts[0][6] == datetime.datetime(2024, 10, 9, 9, 35)
    assert [row[3] for row in values if "（示例）全年目标不动摇" in row] == ["整个计划"]


def test_the_plan_page_links_the_export(leader_client):
    content = leader_client.get("/plans/2024/?quarter=3", **EN).content.decode()
    assert 'href="/plans/2024/export/instructions.xlsx"' in content
    assert 'href="/plans/2024/export/instructions.csv"' in content
