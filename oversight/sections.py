"""The section(s) an indicator belongs to, asked in one place.

Today an indicator has one lead section; when it gets several (and cooperating
ones), only `sections_of` changes: the follow-up form's default owner and "a
section sees its own first" both ask here.
"""


def sections_of(indicator):
    """The ids of the sections that answer for `indicator` (lead first)."""
    return [section.pk for section in indicator.leads]
