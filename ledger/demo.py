"""The demo's ledgers: P3-04 (new-type R&D institutions) and P3-07 (matchmaking events)
count their figures from items plainly marked as examples (示例), as many in each
quarter as the demo's figures (targets/demo.py: P3-04 2 + 2 + 3, P3-07 3 + 4 + 4), so
every status and figure of the demo is unchanged. The places are Jilin City's real
divisions; the items, dates, document numbers and files are invented."""

import datetime

from django.core.files.base import ContentFile

from targets.models import Indicator

from .divisions import seed_divisions
from .filetypes import check_upload
from .models import Division, LedgerEdit, LedgerEntry, SavedEntry

D = datetime.date
# code -> quarter -> [(name, date, division, document number, with an example file)]
ENTRIES = {
    "P3-04": {
        1: [
            (
                "示例·碳纤维复合材料研究院",
                D(2024, 2, 27),
                "吉林经济技术开发区",
                "示例〔2024〕1号",
                True,
            ),
            (
                "示例·化工新材料研究所",
                D(2024, 3, 19),
                "吉林高新技术产业开发区",
                "示例〔2024〕1号",
                True,
            ),
        ],
        2: [
            (
                "示例·功率半导体研究院",
                D(2024, 5, 14),
                "吉林高新技术产业开发区",
                "示例〔2024〕5号",
                True,
            ),
            (
                "示例·生物发酵技术中心",
                D(2024, 6, 18),
                "吉林中国新加坡食品区",
                "示例〔2024〕5号",
                False,
            ),
        ],
        3: [
            ("示例·新能源装备研究院", D(2024, 7, 23), "船营区", "示例〔2024〕9号", True),
            ("示例·冰雪装备研发中心", D(2024, 8, 20), "丰满区", "示例〔2024〕9号", False),
            ("示例·现代农业技术研究院", D(2024, 9, 12), "舒兰市", "示例〔2024〕9号", True),
        ],
    },
    "P3-07": {
        1: [
            ("示例·碳纤维产业对接会", D(2024, 1, 25), "吉林经济技术开发区", "", False),
            ("示例·化工新材料产学研对接会", D(2024, 3, 7), "龙潭区", "", False),
            ("示例·大学生创业项目路演", D(2024, 3, 28), "昌邑区", "", True),
        ],
        2: [
            ("示例·生物医药成果对接会", D(2024, 4, 17), "吉林高新技术产业开发区", "", False),
            ("示例·新能源企业走进高校", D(2024, 5, 22), "船营区", "", False),
            ("示例·现代农业技术对接会", D(2024, 6, 5), "永吉县", "", False),
            ("示例·食品加工技术对接会", D(2024, 6, 26), "吉林中国新加坡食品区", "", True),
        ],
        3: [
            ("示例·电子信息产业对接会", D(2024, 7, 10), "吉林高新技术产业开发区", "", False),
            ("示例·智能制造供需对接会", D(2024, 8, 7), "昌邑区", "", False),
            ("示例·冰雪经济创新对接会", D(2024, 8, 28), "丰满区", "", False),
            ("示例·县域科技需求对接会", D(2024, 9, 18), "磐石市", "", True),
        ],
    },
}


def prepare(plan):
    """Seed the divisions and make the demo's ledger indicators count from their ledgers
    (only while they have no report yet: switching later needs agreeing figures)."""
    seed_divisions()
    for indicator in plan.indicators.filter(code__in=ENTRIES, ledger=Indicator.Ledger.NONE):
        if not indicator.reports.exists():
            indicator.ledger = Indicator.Ledger.COUNTED
            indicator._change_reason = "演示数据 / demo data"
            indicator.save(update_fields=["ledger", "whole_number"])


def edit_for(indicator, quarter):
    """The demo items of `indicator` in `quarter` as a `LedgerEdit` (None if it has none
    or they are already there)."""
    rows = ENTRIES.get(indicator.code, {}).get(quarter)
    if not rows or not indicator.counts_from_ledger:
        return None
    if LedgerEntry.objects.filter(indicator=indicator, quarter=quarter).exists():
        return None
    divisions = {d.name_zh: d for d in Division.objects.all()}
    edit = LedgerEdit()
    for name, date, division, number, with_file in rows:
        entry = LedgerEntry(
            indicator=indicator,
            name=name,
            date=date,
            division=divisions[division],
            document_number=number,
            note="(示例)演示数据,非真实认定信息。" if indicator.code == "P3-04" else "",
        )
        uploads = []
        if with_file:
            uploads.append(
                check_upload(ContentFile(example_pdf(date), name=f"{name}-证明材料.pdf"))
            )
        edit.saved.append(SavedEntry(entry, uploads))
    return edit


def example_pdf(date):
    """A one-page PDF saying it is an example (Latin text: the built-in PDF fonts have
    no Chinese). Small, valid, made here rather than shipped."""
    lines = [
        "kpitracker demo: EXAMPLE evidence file (not a real document)",
        f"Item dated {date.isoformat()}",
        "This file only shows how evidence is kept and opened.",
    ]
    text = (
        "BT /F1 14 Tf 60 760 Td 20 TL "
        + " ".join(f"({line.replace('(', '[').replace(')', ']')}) '" for line in lines)
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
