"""Reads the tables of the structured plan document (docs/source/2024-plan-126.md).

The fixture test compares fixtures/plan_2024.json with what this returns, so the
parser stays deliberately literal: it splits markdown table rows and nothing else.
"""

import re
from decimal import Decimal
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "source" / "2024-plan-126.md"


def _tables(text):
    """Yield (heading, rows) for each markdown table, rows as lists of cells."""
    heading, rows = None, []
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif rows:
            yield heading, rows
            rows = []
    if rows:
        yield heading, rows


def _table(heading_start):
    text = DOCUMENT.read_text(encoding="utf-8")
    for heading, rows in _tables(text):
        if heading and heading.startswith(heading_start):
            header, *body = rows
            return [dict(zip(header, row, strict=True)) for row in body]
    raise LookupError(heading_start)


def structure():
    return _table("Structure")


def indicators():
    """Rows with the target column split into comparison, target and last year's figure."""
    rows = []
    for row in _table("Indicators"):
        target_text = row["2024 target"]
        comparison, target, last_year = "", None, None
        match = re.match(r"(>=|>|<=|<)\s*([\d.]+)", target_text)
        if match:
            comparison, target = match.group(1), Decimal(match.group(2))
        match = re.search(r"\(2023:\s*([\d.]+)\)", target_text)
        if match:
            last_year = Decimal(match.group(1))
        rows.append(
            {
                "code": row["code"],
                "pillar": row["pillar"],
                "name_zh": row["中文"],
                "name_en": row["English"],
                "unit": "" if row["unit"] == "—" else row["unit"],
                "kind": row["kind"],
                "comparison": comparison,
                "target": target,
                "last_year_value": last_year,
            }
        )
    return rows


def baselines():
    return _table("2023 results")
