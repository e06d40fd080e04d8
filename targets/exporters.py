"""The exports of targets, registered when loaded (TargetsConfig.ready loads every
app's `exporters` module; targets/exports/__init__.py says what each is)."""

from .exports import briefing, history, meeting, reports, summary  # noqa: F401
