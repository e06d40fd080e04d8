"""Leaders' instructions (批示) and the office's follow-ups (督办事项).

An app beside `targets` and `ledger`, depending on them and never the reverse:
targets' pages show what is here through this app's template tags
(templatetags/oversight.py) and the briefing through the addendum it registers
(`targets.briefing.blocks.ADDENDA`, apps.py). Who may do what is decided in
targets/rules.py, the one permission table.
"""
