"""What the briefing says, as a list of blocks both writers render (docx.py, pdf.py).

`build_briefing` reads one `PlanOverview` (the dashboard's, restricted to the
filters) and nothing else: the counts by status and each group's completion
against pace are the overview's (`status_counts`, `Progress`), each indicator's
figures its `Standing`'s, and the reports outstanding follow the rule of the
missing-reports page (`WorkItem.is_outstanding`). The words are text.py's, in the
active language; the charts charts.py's. Because the Word and the PDF versions
render the same blocks, they say the same thing.

The document:
  title, as-of, date made and scope;
  1 overview: paragraph, chart of completion against pace, chart of status by
    pillar, table of pillars;
  2 each pillar: paragraph, one item per indicator at risk or behind (with its
    gap, lead section, 存在问题 and 下步计划), chart of those indicators;
  3 targets met; 4 reports outstanding; appendix: every indicator (up to
    `APPENDIX_MAX_ROWS`; beyond, a pointer to the meeting workbook), then the
    definition and source (口径说明) of those that have one.
"""

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from ..models import Status
from ..models.worklist import standing_work_item
from ..templatetags.kpi import percent
from . import charts
from .blocks import ADDENDA, Heading, Item, Paragraph, Row, Table
from .text import phrasebook

LAGGING = (Status.BEHIND, Status.AT_RISK)
# The appendix lists every indicator of the scope, up to this many. Beyond, no one
# reads it in a meeting (200 rows are some ten pages), and the meeting workbook
# (summary.xlsx, same quarter and filters) holds every one with more detail: the
# briefing says so instead of printing tens of pages (and takes half the time).
APPENDIX_MAX_ROWS = 200
UNRATED_KINDS = ("qualitative", "monitor")


# -- The chart block (the others: blocks.py) -------------------------------------


@dataclass
class Figure:
    """A chart, drawn when a writer first asks for it (the text alone needs none)."""

    draw: Callable  # () -> a matplotlib figure (charts.py)
    caption: str
    kind: str = "figure"

    @cached_property
    def png(self):
        return charts.png(self.draw())

    @property
    def data_uri(self):
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


# -- The briefing -----------------------------------------------------------------


@dataclass
class Numbers:
    """What an overview or pillar paragraph counts (text.py writes it)."""

    plan: object
    quarter: int
    total: int
    status_counts: list  # [(Status, n)], the overview's
    unrated: list  # [(label, n)]: qualitative and monitored indicators, no status
    progress: object  # `Progress`
    milestones_overdue: int
    lagging: list
    outstanding: int = 0
    elapsed: object = None
    filtered: bool = False


@dataclass
class Briefing:
    language: str  # the HTML/DOCX language tag: "zh-Hans" or "en"
    title: str
    as_of: str
    made_on: str
    scope: str
    blocks: list
    # The paragraphs again, by what they are about, for anyone checking the text.
    overview_text: str = ""
    pillar_texts: dict = field(default_factory=dict)  # pillar code → paragraph
    lagging_texts: dict = field(default_factory=dict)  # indicator code → lead + text
    met_text: str = ""
    outstanding_text: str = ""

    @property
    def is_chinese(self):
        return self.language.startswith("zh")


def build_briefing(plan, overview, *, today, filters=()):
    """The briefing of `overview` (a `PlanOverview`, possibly `subset` by filters).

    `filters`: the filters in force as (label, value) pairs (`IndicatorFilter.applied`),
    named in the scope line. Reads no database beyond what the overview holds.
    """
    book = phrasebook()
    quarter = overview.quarter
    standings = overview.standings
    outstanding = [
        item for s in standings if (item := standing_work_item(plan, s, today)).is_outstanding
    ]
    briefing = Briefing(
        language=book.language,
        title=book.title(plan),
        as_of=book.as_of(plan, quarter),
        made_on=book.made_on(today),
        scope=book.scope(list(filters)),
        blocks=[],
    )
    blocks = briefing.blocks
    counter = Counter()

    def figure(draw, caption):
        counter["figure"] += 1
        blocks.append(Figure(draw, book.figure_caption(counter["figure"], caption)))

    # 1 Overview
    numbers = _numbers(plan, quarter, standings, overview.status_counts, overview.progress, book)
    numbers.outstanding = len(outstanding)
    numbers.elapsed = overview.elapsed_share
    numbers.filtered = bool(filters)
    briefing.overview_text = book.overview(numbers)
    blocks += [Heading(1, book.headings["overview"]), Paragraph(briefing.overview_text)]
    labelled = [(f"{p.pillar.code} {p.pillar.short_name}", p) for p in overview.pillars]
    progress = [(label, p.progress) for label, p in labelled]
    if any(p.completion is not None for _label, p in progress):
        figure(partial(charts.progress_by_pillar, progress, book), book.chart_titles["progress"])
    if labelled:
        counts = [(label, p.status_counts) for label, p in labelled]
        figure(partial(charts.status_by_pillar, counts, book), book.chart_titles["status"])
    blocks.append(_pillar_table(book, labelled, overview))

    # 2 Pillar by pillar
    blocks.append(Heading(1, book.headings["pillars"]))
    for number, pillar in enumerate(overview.pillars, start=1):
        lagging = _lagging(pillar.standings)
        numbers = _numbers(
            plan, quarter, pillar.standings, pillar.status_counts, pillar.progress, book
        )
        numbers.lagging = lagging
        text = book.pillar(numbers)
        briefing.pillar_texts[pillar.pillar.code] = text
        blocks += [Heading(2, book.pillar_heading(number, pillar.pillar)), Paragraph(text)]
        for item_number, s in enumerate(lagging, start=1):
            lead, rest = book.lagging(s)
            briefing.lagging_texts[s.indicator.code] = lead + rest
            blocks.append(Item(book.numbered(item_number, lead), rest, s.status))
        label = f"{pillar.pillar.code} {pillar.pillar.short_name}"
        for bars in charts.lagging_groups(lagging):
            caption = book.chart_titles["lagging"].format(pillar=label)
            figure(partial(charts.lagging, bars, book), caption)

    # 3 Met, 4 outstanding
    met = [s for s in standings if s.status == Status.MET]
    briefing.met_text = book.met(quarter, met)
    briefing.outstanding_text = book.outstanding(quarter, today, outstanding)
    blocks += [
        Heading(1, book.headings["met"]),
        Paragraph(briefing.met_text),
        Heading(1, book.headings["outstanding"]),
        Paragraph(briefing.outstanding_text),
    ]

    for addendum in ADDENDA:
        blocks += addendum(plan, overview, today)

    # Appendix: every indicator, unless there are more than a meeting reads
    if len(standings) <= APPENDIX_MAX_ROWS:
        blocks.append(_appendix(book, standings))
        defined = [s.indicator for s in standings if s.indicator.definition_rows]
        if defined:  # none given: no empty table
            blocks.append(_definitions(book, defined))
    else:
        blocks.append(Paragraph(book.appendix_in_workbook(len(standings))))
    return briefing


def _numbers(plan, quarter, standings, status_counts, progress, book):
    unrated = Counter(s.indicator.kind for s in standings if not s.status)
    return Numbers(
        plan=plan,
        quarter=quarter,
        total=len(standings),
        status_counts=status_counts,
        unrated=[(book.unrated_labels[k], unrated[k]) for k in UNRATED_KINDS if unrated[k]],
        progress=progress,
        milestones_overdue=sum(
            1 for s in standings if s.indicator.is_milestone and s.status == Status.BEHIND
        ),
        lagging=[],
    )


def _lagging(standings):
    """Behind first, then at risk; in plan order within each."""
    return sorted((s for s in standings if s.status in LAGGING), key=lambda s: s.severity)


def _pillar_table(book, labelled, overview):
    """Table 1: each pillar's counts by status and completion against pace, and the
    scope's total: the same figures as the pillar cards and the plan summary."""

    def row(label, standings, status_counts, progress, total=False):
        rated = sum(n for _status, n in status_counts)
        return Row(
            [
                label,
                str(len(standings)),
                *(str(n) for _status, n in status_counts),
                str(len(standings) - rated),
                percent(progress.completion) or "—",
                percent(progress.expected) or "—",
            ],
            total=total,
        )

    rows = [row(label, p.standings, p.status_counts, p.progress) for label, p in labelled]
    rows.append(
        row(book.total, overview.standings, overview.status_counts, overview.progress, True)
    )
    return Table(
        caption=book.table_caption(1, book.chart_titles["pillar_table"]),
        headers=book.table_headers["pillar"],
        rows=rows,
        widths=book.table_widths["pillar"],
        numeric=frozenset(range(1, 10)),
    )


def _appendix(book, standings):
    rows = []
    for s in standings:
        indicator = s.indicator
        if indicator.is_milestone:
            to_date = book.milestone_cell(s)
        elif indicator.has_figure and s.actual is not None:
            to_date = book.figure_cell(s)
        else:
            to_date = "—"
        rows.append(
            Row(
                [
                    indicator.code,
                    indicator.name,
                    book.target_cell(s),
                    to_date,
                    percent(s.completion) or "—",
                    percent(s.expected) or "—",
                    str(s.status_label) or "—",
                    book.units_cell(indicator),
                ],
                status=s.status or "",
            )
        )
    return Table(
        caption=book.headings["appendix"],
        headers=book.table_headers["appendix"],
        rows=rows,
        widths=book.table_widths["appendix"],
        numeric=frozenset({2, 3, 4, 5}),
        status_column=6,
        page_break_before=True,
    )


def _definitions(book, indicators):
    """The second appendix: each indicator's definition and source, where given."""
    separator = book.definition_separator
    rows = [
        Row(
            [
                i.code,
                i.name,
                i.definition,
                i.method,
                i.data_source,
                separator.join(t for t in (i.get_frequency_display(), i.published_on) if t),
                i.data_contact,
            ]
        )
        for i in indicators
    ]
    return Table(
        caption=book.headings["definitions"],
        headers=book.table_headers["definitions"],
        rows=rows,
        widths=[8, 16, 22, 18, 12, 12, 12],
        page_break_before=True,
    )
