"""Every file a plan can be downloaded as: one exporter per file (pretix's model),
served by one view (targets/views/exports.py) at plans/<year>/export/<name>.

- base.py: the `Exporter` base (scope, permission, file name, CSV or XLSX), the
  registry (the item names an export asks of the ledger: targets/ledgers.py).
- table.py: the shape of an export — columns and typed rows.
- cells.py: the cell rules every writer shares — formula neutralising, plain numbers.
- csvfile.py: UTF-8 with BOM, CRLF, streamed in chunks (the one CSV writer).
- xlsx.py: openpyxl workbooks — a table as one sheet, and the meeting workbook.
- summary.py: summary.csv (and the rows of the print view and the meeting workbook).
- meeting.py: summary.xlsx, the meeting workbook.
- reports.py: reports.csv; history.py: history.csv.
- briefing.py: briefing.docx and briefing.pdf.
The ledger's exports (ledger.csv, ledger.xlsx) are in ledger/exporters.py. Each
exporter module registers its classes when loaded: TargetsConfig.ready loads every
app's `exporters` module (`autodiscover_modules`; targets/exporters.py lists these).
"""
