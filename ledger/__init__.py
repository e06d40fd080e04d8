"""The ledger (台账): the named items behind a count, with dates, places and evidence files.

- models/: Division (county, district, zone), LedgerEntry (one item), EvidenceFile,
  and LedgerEdit (what a report form changes, applied with the report)
- names.py: how names are normalised to find duplicates, and near matches
- filetypes.py: evidence files recognised from their content
- forms.py: the entries of a quarter on the report form
- views.py, urls.py: evidence downloads (with the report's permission), ledger exports
- exports.py, charts.py: the ledger as a table, and by county/district
"""
