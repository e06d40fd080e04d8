"""A plan from a spreadsheet: the XLSX template, reading an upload, and building the plan.

- columns.py: the template's sheets and columns (bilingual headers, one place);
- template.py: the template to download (empty, or filled with an existing plan);
- reader.py: reading an upload in read-only mode, with caps on size, rows and cells;
- build.py: the rows turned into unsaved model objects and checked by the models' own
  validation (`full_clean`: fields and the database's constraints, whose messages say
  what is wrong), every problem by sheet, row and column; then saved all at once.

The plan it makes is a draft: an administrator looks at it and opens it.
"""
