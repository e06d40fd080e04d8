"""A quarter's reports from a spreadsheet: the template out, the filled sheet back in.

- columns.py: the sheets and columns (bilingual headers, as in plan_sheet/columns.py);
- template.py: the prefilled template to download, as XLSX and as CSV (UTF-8 with BOM);
- files.py: what the upload is (XLSX, CSV, or a refusal: macros, a password, an old
  .xls, a zip bomb, over the size limit), checked before any parser opens it;
- reader.py: the rows of the upload as text (openpyxl read-only, capped; CSV decoded);
- rows.py: each row bound to the report form of its indicator (targets/forms.py
  `ReportForm`) and checked as the form's page checks it; the preview; applying it
  all in one transaction through `QuarterlyReport.record_entry`.

There is no second set of checks: a row is what a form post would be.
"""
