"""The briefing's words, in Chinese and in English, written from the numbers.

Deterministic: the same standings give the same sentences, word for word; no
language model, no template engine. Each language has its own phrasebook because
the two are not translations of one pattern: Chinese puts the measure word with
the number (29项, 3家, 10次), joins lists with 、, uses full-width punctuation and
quotes “…”, and names quarters 第三季度; English writes "3 at risk, 2 behind and 1
not reported" and leaves the Chinese unit out (the indicator's name says what is
counted). Status words, milestone states and names are the dashboard's own
(gettext labels and `name` fields), so a leader reads the same words on paper.

Every number comes in ready from the overview or a `Standing` (content.py) and is
formatted with the dashboard's filters (templatetags/kpi.py): the text never
computes a figure of its own.
"""

from django.utils import translation

from ..templatetags.kpi import figure, percent, points

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99), for （一） and 第三季度."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[units] if units else "")


def phrasebook():
    """The phrasebook of the active language: Chinese for zh-*, English otherwise."""
    language = translation.get_language() or ""
    return CHINESE if language.startswith("zh") else ENGLISH


class Phrasebook:
    """What both languages share: quoting the bureau's own words."""

    quote_open, quote_close = "“", "”"

    def quote(self, text):
        return f"{self.quote_open}{text}{self.quote_close}"


class Chinese(Phrasebook):
    language = "zh-Hans"

    # -- Parts ---------------------------------------------------------------

    def quarter(self, quarter):
        return f"第{chinese_number(quarter)}季度"

    def join(self, items):
        return "、".join(items)

    def counts(self, status_counts):
        """ "达成7项、正常8项" from [(Status, n)]: only the statuses that occur."""
        return self.join(f"{status.label}{n}项" for status, n in status_counts if n)

    def pillar_heading(self, number, pillar):
        return f"（{chinese_number(number)}）{pillar.code} {pillar.short_name}"

    def numbered(self, number, text):
        return f"{number}.{text}"

    # -- The document's frame --------------------------------------------------

    def title(self, plan):
        return f"{plan.name}推进情况汇报"

    def as_of(self, plan, quarter):
        return f"（截至{plan.year}年{self.quarter(quarter)}末）"

    def made_on(self, date):
        return f"制表日期：{date.year}年{date.month}月{date.day}日"

    def scope(self, filters):
        if not filters:
            return "汇报范围：全部指标"
        return "汇报范围：" + "；".join(f"{label}：{value}" for label, value in filters)

    headings = {
        "overview": "一、总体情况",
        "pillars": "二、各支柱推进情况",
        "met": "三、已达成指标",
        "outstanding": "四、报告报送情况",
        "appendix": "附表：指标推进情况一览表",
        "definitions": "附表：指标口径说明",
    }

    def figure_caption(self, number, what):
        return f"图{number}　{what}"

    def table_caption(self, number, what):
        return f"表{number}　{what}"

    chart_titles = {
        "progress": "各支柱完成率与时序进度",
        "status": "各支柱指标状态分布",
        "lagging": "{pillar}预警、滞后指标累计完成与时序进度",
        "pillar_table": "各支柱指标状态与完成情况",
    }

    # -- Sentences -------------------------------------------------------------

    def overview(self, o):
        """The overview paragraph; `o` holds the overview's numbers (content.Numbers)."""
        subject = f"{o.plan.name}" if not o.filtered else "本次汇报范围内"
        when = f"{o.plan.year}年{self.quarter(o.quarter)}末"
        parts = [f"截至{when}，全年时间进度为{percent(o.elapsed)}。"]
        rated = sum(n for _status, n in o.status_counts)
        sentence = f"{subject}共有指标{o.total}项"
        if rated:
            sentence += f"，其中评定状态的{rated}项：{self.counts(o.status_counts)}"
        if o.unrated:
            sentence += f"；{self._unrated(o.unrated)}不评定状态"
        parts.append(sentence + "。")
        parts.append(self._progress(o.progress, measured_word="计量指标"))
        parts.append(self._milestones(o.progress, o.milestones_overdue))
        if o.outstanding:
            parts.append(f"{self.quarter(o.quarter)}报告尚有{o.outstanding}项未报送。")
        else:
            parts.append(f"{self.quarter(o.quarter)}报告已全部报送。")
        return "".join(p for p in parts if p)

    def pillar(self, p):
        """One pillar's paragraph: its counts and its completion against pace."""
        rated = sum(n for _status, n in p.status_counts)
        sentence = f"该支柱共有指标{p.total}项"
        if rated:
            sentence += f"，{self.counts(p.status_counts)}"
        if p.unrated:
            sentence += f"，另有{self._unrated(p.unrated)}"
        parts = [sentence + "。", self._progress(p.progress, measured_word="计量指标")]
        parts.append(self._milestones(p.progress, p.milestones_overdue))
        parts.append("预警、滞后指标情况如下：" if p.lagging else "该支柱无预警、滞后指标。")
        return "".join(x for x in parts if x)

    def _unrated(self, unrated):
        return self.join(f"{label}{n}项" for label, n in unrated)

    def _progress(self, progress, *, measured_word):
        if progress.completion is None:
            return ""
        sentence = (
            f"{measured_word}{progress.measured}项平均完成率为{percent(progress.completion)}，"
            f"时序进度为{percent(progress.expected)}，"
        )
        if progress.gap < 0:
            sentence += f"落后时序进度{points(progress.gap)}个百分点。"
        elif progress.gap > 0:
            sentence += f"超过时序进度{points(progress.gap)}个百分点。"
        else:
            sentence += "与时序进度持平。"
        return sentence

    def _milestones(self, progress, overdue):
        if not progress.milestones_total:
            return ""
        sentence = f"节点任务{progress.milestones_total}项，已完成{progress.milestones_met}项"
        return sentence + (f"，到期未完成{overdue}项。" if overdue else "。")

    def lagging(self, s):
        """(lead, text) of one lagging indicator: "【滞后】P1-02 名称" and what follows."""
        indicator = s.indicator
        lead = f"【{s.status_label}】{indicator.code} {indicator.name}"
        units = self.units(indicator)
        text = f"（{units}）：" if units else "："
        text += self._gap(s)
        return lead, text + self._narrative(s)

    def _gap(self, s):
        indicator = s.indicator
        q = self.quarter(s.quarter)
        if indicator.is_milestone:
            return (
                f"计划于{self.quarter(indicator.due_quarter)}末前完成，"
                f"截至{q}末尚未完成（当前状态：{s.milestone_state_label}）。"
            )
        actual = self._measured(s, s.actual or 0)
        done = f"累计完成{actual}" if indicator.measure == "flow" else f"为{actual}"
        if s.not_yet_due:
            return f"{self._target(s, '年度目标')}，{self._not_due(indicator)}。"
        if indicator.higher_is_better:
            target = self._target(s, "年度目标")
            sentence = f"{target}，截至{q}末{done}"
            if s.completion is not None:
                sentence += f"，完成率{percent(s.completion)}"
            if s.paced:
                sentence += "，" + self._pace(s, behind="落后")
            elif indicator.kind == indicator.Kind.LEVEL:
                sentence += "，无基数，不计时序进度，仅与目标比较"
            if s.shortfall:
                sentence += f"，距年度目标尚差{self._amount(s, s.shortfall)}"
            return sentence + "。"
        if indicator.measure == "flow":
            target = self._target(s, "年度上限")
            sentence = f"{target}，截至{q}末{done}，已用上限的{percent(s.completion)}，"
            sentence += self._pace(s, behind="超过")
            if s.overrun:
                sentence += f"，已超出上限{self._amount(s, s.overrun)}"
            return sentence + "。"
        sentence = f"{self._target(s, '目标')}，截至{q}末{done}"
        if s.overrun:
            sentence += f"，超出{self._amount(s, s.overrun)}"
        elif indicator.comparison == "=" and s.actual is not None and s.actual != s.target:
            sentence += f"，相差{self._amount(s, abs(s.actual - s.target))}"
        return sentence + "。"

    def _measured(self, s, value):
        """A figure as compared with the target: "45个"; a growth "增长12.5%"."""
        if s.indicator.kind == "growth":
            return f"增长{figure(value)}%"
        return f"{figure(value)}{s.indicator.unit}"

    def _amount(self, s, value):
        """A difference: "3个"; of percentages "0.77个百分点"."""
        if s.indicator.measured_in_percent:
            return f"{figure(value)}个百分点"
        return f"{figure(value)}{s.indicator.unit}"

    def _not_due(self, indicator):
        return {"half": "半年数据，未到报送期", "annual": "年度数据，未到报送期"}.get(
            indicator.frequency, "未到报送期"
        )

    def _target(self, s, word):
        """ "年度目标≥16项", or for a revised target "调整后年度目标≥14项（原目标≥16项，
        2024年7月1日起调整：……）": the target in force as of the briefing's quarter."""
        unit = s.indicator.unit
        target = f"{word}{s.target_display.replace(' ', '')}{unit}"
        revision = s.revision
        if revision is None:
            return target
        original = f"{s.indicator.target_display.replace(' ', '')}{unit}"
        day = revision.effective_from
        return (
            f"调整后{target}（原目标{original}，{day.year}年{day.month}月{day.day}日起调整："
            f"{revision.reason}）"
        )

    def _pace(self, s, *, behind):
        if s.pace_gap is None or s.pace_gap >= 0:
            return f"时序进度{percent(s.expected)}"
        return f"{behind}时序进度（{percent(s.expected)}）{points(s.pace_gap)}个百分点"

    def _narrative(self, s):
        problems, next_steps = narrative(s)
        if not problems and not next_steps:
            return "报告未说明存在问题和下步计划。"
        text = ""
        if problems:
            text += f"存在问题：{self.quote(problems)}"
        if next_steps:
            text += f"下步计划：{self.quote(next_steps)}"
        return text

    def met(self, quarter, standings):
        if not standings:
            return f"截至{self.quarter(quarter)}末，尚无指标达成年度目标。"
        names = self.join(f"{s.indicator.code} {s.indicator.name}" for s in standings)
        return f"截至{self.quarter(quarter)}末，已达成年度目标的指标{len(standings)}项：{names}。"

    def appendix_in_workbook(self, count):
        return f"本次汇报范围共有指标{count}项，逐项推进情况见同期的汇总表（Excel）。"

    def outstanding(self, quarter, date, items):
        when = f"截至{date.year}年{date.month}月{date.day}日"
        if not items:
            return f"{when}，{self.quarter(quarter)}报告已全部报送。"
        listed = self.join(
            f"{item.indicator.code} {item.indicator.name}（{self._who_and_state(item)}）"
            for item in items
        )
        return f"{when}，{self.quarter(quarter)}报告尚未报送的指标{len(items)}项：{listed}。"

    def _who_and_state(self, item):
        state = {"draft": "草稿未提交", "returned": "已退回待修改"}.get(
            item.report.state if item.report else "", "未填报"
        )
        leads = "、".join(s.name for s in item.indicator.leads)
        return f"{leads}，{state}" if leads else state

    def units(self, indicator):
        """ "牵头单位：甲、乙；配合单位：丙", or "" without any unit."""
        parts = []
        if leads := indicator.leads:
            parts.append("牵头单位：" + "、".join(s.name for s in leads))
        if cooperating := indicator.cooperating:
            parts.append("配合单位：" + "、".join(s.name for s in cooperating))
        return "；".join(parts)

    def units_cell(self, indicator):
        """The appendix's cell: the lead units, then the cooperating ones under them."""
        leads = "、".join(s.name for s in indicator.leads)
        if cooperating := indicator.cooperating:
            return f"{leads}；配合：" + "、".join(s.name for s in cooperating)
        return leads

    # -- Tables and charts -------------------------------------------------------

    unrated_labels = {"qualitative": "定性指标", "monitor": "监测指标"}
    table_headers = {
        "pillar": [
            *("支柱", "指标", "达成", "正常", "预警", "滞后", "未报送"),
            *("不评定", "完成率", "时序进度"),
        ],
        "appendix": [
            *("编号", "指标", "年度目标", "累计完成"),
            *("完成率", "时序进度", "状态", "牵头单位"),
        ],
        "definitions": [
            *("编号", "指标", "统计口径", "计算方法"),
            *("数据来源", "发布频次及时间", "数据责任人"),
        ],
    }
    # Relative column widths (they sum to 100) of each table, for this language's headers.
    table_widths = {
        "pillar": [20, 7, 7, 7, 7, 7, 9, 9, 13, 13],
        "appendix": [8, 27, 11, 11, 9, 11, 9, 14],
    }
    definition_separator = "，"
    total = "合计"
    chart_words = {
        "completion": "完成率",
        "expected": "时序进度",
        "behind_by": "落后{gap}个百分点",
        "ahead_by": "超过{gap}个百分点",
        "on_pace": "与时序进度持平",
        "indicators": "指标（项）",
        "percent": "完成率（%）",
    }

    def target_cell(self, standing):
        indicator = standing.indicator
        if not indicator.has_target:
            return "—"
        cell = f"{standing.target_display.replace(' ', '')}{indicator.unit}"
        if standing.revision is not None:
            original = f"{indicator.target_display.replace(' ', '')}{indicator.unit}"
            cell += f"（调整后，原{original}）"
        return cell

    def figure_cell(self, standing):
        return f"{figure(standing.actual)}{standing.indicator.unit}"

    def milestone_cell(self, standing):
        done_on = standing.done_on
        if done_on:
            return f"{standing.milestone_state_label}（{done_on.month}月{done_on.day}日）"
        return str(standing.milestone_state_label)

    def bar_label(self, s):
        """The words at the end of a lagging indicator's bar: status, completion, figures."""
        indicator = s.indicator
        figures = f"{figure(s.actual or 0)}/{figure(s.target)}{indicator.unit}"
        return f"{s.status_label} {percent(s.completion)}（{figures}）"


class English(Phrasebook):
    language = "en"

    def quarter(self, quarter):
        return f"Q{quarter}"

    def join(self, items, conjunction="and"):
        items = list(items)
        if len(items) < 3:
            return f" {conjunction} ".join(items)
        return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]

    def counts(self, status_counts):
        return self.join(f"{n} {str(status.label).lower()}" for status, n in status_counts if n)

    def pillar_heading(self, number, pillar):
        return f"2.{number} {pillar.code} {pillar.short_name}"

    def numbered(self, number, text):
        return f"{number}. {text}"

    def title(self, plan):
        return f"{plan.name}: progress report"

    def as_of(self, plan, quarter):
        return f"As of the end of Q{quarter} {plan.year}"

    def made_on(self, date):
        return f"Prepared on {date.isoformat()}"

    def scope(self, filters):
        if not filters:
            return "Scope: every indicator"
        return "Scope: " + "; ".join(f"{label}: {value}" for label, value in filters)

    headings = {
        "overview": "1. Overview",
        "pillars": "2. Pillar by pillar",
        "met": "3. Targets met",
        "outstanding": "4. Reports outstanding",
        "appendix": "Appendix: every indicator",
        "definitions": "Appendix: definitions and sources",
    }

    def figure_caption(self, number, what):
        return f"Figure {number}. {what}"

    def table_caption(self, number, what):
        return f"Table {number}. {what}"

    chart_titles = {
        "progress": "Completion against the expected pace, by pillar",
        "status": "Indicators by status, by pillar",
        "lagging": "{pillar}: indicators at risk or behind, year to date against pace",
        "pillar_table": "Status and completion by pillar",
    }

    def overview(self, o):
        subject = o.plan.name if not o.filtered else "The scope of this report"
        when = f"Q{o.quarter} {o.plan.year}"
        parts = [f"As of the end of {when}, {percent(o.elapsed)} of the year has elapsed."]
        rated = sum(n for _status, n in o.status_counts)
        sentence = f"{subject} has {_count(o.total, 'indicator')}"
        if rated:
            sentence += f"; of the {rated} with a status, {self.counts(o.status_counts)}"
        if o.unrated:
            sentence += f"; {self._unrated(o.unrated)} {_have(o.unrated)} no status"
        parts.append(sentence + ".")
        parts.append(self._progress(o.progress, measured_word="measured"))
        parts.append(self._milestones(o.progress, o.milestones_overdue))
        if o.outstanding:
            verb = "is" if o.outstanding == 1 else "are"
            reports = _count(o.outstanding, "report")
            parts.append(f"{reports} for Q{o.quarter} {verb} still outstanding.")
        else:
            parts.append(f"Every report for Q{o.quarter} is in.")
        return " ".join(p for p in parts if p)

    def pillar(self, p):
        rated = sum(n for _status, n in p.status_counts)
        sentence = f"This pillar has {_count(p.total, 'indicator')}"
        if rated:
            sentence += f": {self.counts(p.status_counts)}"
        if p.unrated:
            sentence += f"; {self._unrated(p.unrated)} {_have(p.unrated)} no status"
        parts = [sentence + ".", self._progress(p.progress, measured_word="measured")]
        parts.append(self._milestones(p.progress, p.milestones_overdue))
        if p.lagging:
            parts.append("The indicators at risk or behind:")
        else:
            parts.append("No indicator is at risk or behind.")
        return " ".join(x for x in parts if x)

    def _unrated(self, unrated):
        return self.join(f"{n} {label}" for label, n in unrated)

    def _progress(self, progress, *, measured_word):
        if progress.completion is None:
            return ""
        sentence = (
            f"The {progress.measured} {measured_word} indicators are on average "
            f"{percent(progress.completion)} complete against {percent(progress.expected)} "
            "expected by now"
        )
        if progress.gap < 0:
            return sentence + f", {points(progress.gap)} points behind the expected pace."
        if progress.gap > 0:
            return sentence + f", {points(progress.gap)} points ahead of the expected pace."
        return sentence + ", exactly on pace."

    def _milestones(self, progress, overdue):
        if not progress.milestones_total:
            return ""
        return (
            f"Of {_count(progress.milestones_total, 'milestone')}, "
            f"{progress.milestones_met} done and {overdue} overdue."
        )

    def lagging(self, s):
        indicator = s.indicator
        lead = f"[{s.status_label}] {indicator.code} {indicator.name}"
        units = self.units(indicator)
        text = f" ({units}): " if units else ": "
        return lead, text + self._gap(s) + " " + self._narrative(s)

    def _gap(self, s):
        indicator = s.indicator
        q = f"Q{s.quarter}"
        if indicator.is_milestone:
            return (
                f"due by the end of Q{indicator.due_quarter}, not done by the end of {q} "
                f"({str(s.milestone_state_label).lower()})."
            )
        actual = self._measured(s, s.actual or 0)
        target = self._target_words(s) + self._revised(s)
        if s.not_yet_due:
            word = {"half": "half-yearly", "annual": "once a year"}.get(s.indicator.frequency, "")
            return f"target {target}; not yet due (published {word})."
        if indicator.higher_is_better:
            so_far = "so far" if indicator.measure == "flow" else "at the end of " + q
            annual = "a revised annual target" if s.revision else "an annual target"
            sentence = f"{actual} {so_far} against {annual} of {target}"
            if s.completion is not None:
                sentence += f", {percent(s.completion)} done"
            if s.paced:
                sentence += ", " + self._pace(s, behind="behind")
            elif indicator.kind == indicator.Kind.LEVEL:
                sentence += ", no baseline, so no pace: judged against the target alone"
            if s.shortfall:
                sentence += f"; {self._amount(s, s.shortfall)} short of the target"
            return sentence + "."
        if indicator.measure == "flow":
            sentence = (
                f"{actual} so far against a ceiling of {target}, "
                f"{percent(s.completion)} of it used, "
            )
            sentence += self._pace(s, behind="ahead of")
            if s.overrun:
                sentence += f"; {self._amount(s, s.overrun)} over the ceiling"
            return sentence + "."
        sentence = f"{actual} at the end of {q} against a target of {target}"
        if s.overrun:
            sentence += f", {self._amount(s, s.overrun)} beyond it"
        elif indicator.comparison == "=" and s.actual is not None and s.actual != s.target:
            sentence += f", {self._amount(s, abs(s.actual - s.target))} off"
        return sentence + "."

    def _target_words(self, s):
        if s.indicator.kind == "growth":
            return f"growth {s.target_display}%"
        return s.target_display

    def _measured(self, s, value):
        if s.indicator.kind == "growth":
            return f"growth of {figure(value)}%"
        return figure(value)

    def _amount(self, s, value):
        if s.indicator.measured_in_percent:
            return f"{figure(value)} percentage points"
        return figure(value)

    def _pace(self, s, *, behind):
        if s.pace_gap is None or s.pace_gap >= 0:
            return f"{percent(s.expected)} expected by now"
        return f"{points(s.pace_gap)} points {behind} the expected {percent(s.expected)}"

    def _narrative(self, s):
        problems, next_steps = narrative(s)
        if not problems and not next_steps:
            return "The report names no problems and no next steps."
        text = []
        if problems:
            text.append(f"Problems: {self.quote(problems)}")
        if next_steps:
            text.append(f"Next steps: {self.quote(next_steps)}")
        return " ".join(text)

    def met(self, quarter, standings):
        if not standings:
            return f"No indicator has met its annual target by the end of Q{quarter}."
        names = "; ".join(f"{s.indicator.code} {s.indicator.name}" for s in standings)
        what = _count(len(standings), "indicator")
        verb = "has" if len(standings) == 1 else "have"
        return f"{what} {verb} met the annual target by the end of Q{quarter}: {names}."

    def appendix_in_workbook(self, count):
        return (
            f"The scope has {count} indicators: the summary workbook (Excel) for the same "
            "quarter gives each of them."
        )

    def outstanding(self, quarter, date, items):
        when = f"As of {date.isoformat()}"
        if not items:
            return f"{when}, every report for Q{quarter} is in."
        listed = "; ".join(
            f"{item.indicator.code} {item.indicator.name} ({self._who_and_state(item)})"
            for item in items
        )
        verb = "has" if len(items) == 1 else "have"
        what = _count(len(items), "indicator")
        return f"{when}, {what} {verb} no report for Q{quarter}: {listed}."

    def _who_and_state(self, item):
        state = {"draft": "a draft, not submitted", "returned": "returned for changes"}.get(
            item.report.state if item.report else "", "nothing entered"
        )
        leads = ", ".join(s.name for s in item.indicator.leads)
        return f"{leads}; {state}" if leads else state

    def units(self, indicator):
        """ "lead: A, B; cooperating: C", or "" without any unit."""
        parts = []
        if leads := indicator.leads:
            parts.append("lead: " + ", ".join(s.name for s in leads))
        if cooperating := indicator.cooperating:
            parts.append("cooperating: " + ", ".join(s.name for s in cooperating))
        return "; ".join(parts)

    def units_cell(self, indicator):
        """The appendix's cell: the lead units, then the cooperating ones under them."""
        leads = ", ".join(s.name for s in indicator.leads)
        if cooperating := indicator.cooperating:
            return f"{leads}; cooperating: " + ", ".join(s.name for s in cooperating)
        return leads

    unrated_labels = {"qualitative": "qualitative", "monitor": "monitored"}
    table_headers = {
        "pillar": [
            "Pillar",
            "Indicators",
            "Met",
            "On track",
            "At risk",
            "Behind",
            "Not reported",
            "No status",
            "Completion",
            "Expected",
        ],
        "appendix": [
            "Code",
            "Indicator",
            "Annual target",
            "Year to date",
            "Completion",
            "Expected",
            "Status",
            "Lead units",
        ],
        "definitions": [
            "Code",
            "Indicator",
            "Definition",
            "Method",
            "Data source",
            "Published",
            "Responsible for the data",
        ],
    }
    # English headers are single words up to "Completion" (17.5 mm in 9 pt Arial bold)
    # that cannot wrap: each column is as wide as its longest word, the text columns
    # give up the room (tests/test_briefing_tables.py prints and reads them back).
    table_widths = {
        "pillar": [19.5, 11.5, 5.5, 7, 5.5, 9, 10.5, 8, 13, 10.5],
        "appendix": [8, 24.5, 9, 11, 12.5, 10.5, 10.5, 14],
    }
    definition_separator = ", "
    total = "Total"
    chart_words = {
        "completion": "Completion",
        "expected": "Expected by now",
        "behind_by": "{gap} points behind",
        "ahead_by": "{gap} points ahead",
        "on_pace": "on pace",
        "indicators": "Indicators",
        "percent": "Completion (%)",
    }

    def _revised(self, s):
        """ " (originally ≥ 16; revised from 2024-07-01: reason)" for a revised target."""
        if s.revision is None:
            return ""
        return (
            f" (originally {s.indicator.target_display}; revised from "
            f"{s.revision.effective_from.isoformat()}: {s.revision.reason})"
        )

    def target_cell(self, standing):
        indicator = standing.indicator
        if not indicator.has_target:
            return "—"
        if standing.revision is not None:
            return f"{standing.target_display} (revised; originally {indicator.target_display})"
        return standing.target_display

    def figure_cell(self, standing):
        return figure(standing.actual)

    def milestone_cell(self, standing):
        if standing.done_on:
            return f"{standing.milestone_state_label} ({standing.done_on.isoformat()})"
        return str(standing.milestone_state_label)

    def bar_label(self, s):
        figures = f"{figure(s.actual or 0)} of {figure(s.target)}"
        return f"{s.status_label} {percent(s.completion)} ({figures})"


def _have(counts):
    """ "has" after one (1 qualitative has), else "have"."""
    return "has" if sum(n for _label, n in counts) == 1 else "have"


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def narrative(standing):
    """The as-of quarter's 存在问题 and 下步计划, stripped, if its report counts (a draft
    or a returned report is not shown to the meeting, as in the summary)."""
    report = standing.report
    if report is None or not report.counts:
        return "", ""
    return report.problems.strip(), report.next_steps.strip()


CHINESE = Chinese()
ENGLISH = English()
