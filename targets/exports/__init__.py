"""Exports for the quarterly scheduling meeting (季度调度会): CSV and XLSX.

- rows.py: what an export is (columns, typed rows) and the meeting summary, whose
  figures and statuses come only from `Standing` (the status rule); the print
  view can reuse its rows.
- raw.py: all reports and their change history, one query each, streamed.
- cells.py: the cell rules every writer shares — formula neutralising, plain numbers.
- csvfile.py: UTF-8 with BOM, CRLF, streamed in chunks.
- xlsx.py: an openpyxl workbook with typed cells, a frozen header and status colours.

The views (targets/views/exports.py) only pick the plan, the quarter and the
filters, and hand a `Table` to a writer.
"""
