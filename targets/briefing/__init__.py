"""The meeting briefing (汇报材料): a Word document and a PDF written from the figures.

It only reads the plan, so it is a package of `targets`, not an app:

- content.py: what the briefing says, as blocks, from one `PlanOverview` (the
  dashboard's, restricted to the filters) — the only place that reads figures;
- text.py: the sentences, in Chinese and in English, deterministic;
- charts.py: the charts, drawn on the server (matplotlib), in the palette's colours
  and with status words; fonts.py: the Chinese font they need, checked at start;
- docx.py and pdf.py: the two writers of the same blocks (python-docx; WeasyPrint
  from templates/targets/briefing/).

The views (targets/views/briefing.py) pick the plan, the quarter and the filters as
the exports do. The modules import their libraries at the top; the exporter
(targets/exports/briefing.py) loads content.py and pdf.py when a briefing is made,
and the web server as it starts (kpitracker/wsgi.py). blocks.py is what other apps
import (oversight's section): it loads neither.
"""
