"""The status colours, in one place for every medium that is not a web page.

The XLSX status cells, and any chart drawn on the server, take their colours from
here; the pages' CSS (static/css/app.css, `--met` …) carries the same palette.
Status is never colour alone: every mark also carries its word.
"""

from .models import Status

# status: (fill, text) as hex RGB without "#", for a cell or a bar with a label on it.
STATUS_COLOURS = {
    Status.MET: ("C6EFCE", "006100"),
    Status.ON_TRACK: ("C6EFCE", "006100"),
    Status.AT_RISK: ("FFEB9C", "9C5700"),
    Status.BEHIND: ("FFC7CE", "9C0006"),
    Status.NOT_REPORTED: ("D9D9D9", "3F3F3F"),
}
