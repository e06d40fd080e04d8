"""Follow-ups built in a test, through the models' own transitions."""

import datetime

from ledger.filetypes import check_upload
from oversight.models import FollowUp
from targets.models import Indicator

from .ledger_helpers import pdf


def follow_up(users, *, code="P6-04", state="open", due=datetime.date(2024, 10, 20)):
    """A follow-up of `code` owned by its lead section (P6-04: staff's), assigned by the
    reviewer, moved to `state`; "answered" and beyond carry one PDF."""
    indicator = Indicator.objects.get(plan__year=2024, code=code)
    made = FollowUp.assign(
        plan=indicator.plan,
        subject=f"示例 督办 {code}",
        detail="",
        indicators=[indicator],
        owner_section=indicator.leads[0],
        due_date=due,
        by=users["reviewer"],
    )
    if state in ("answered", "closed", "returned"):
        made.answer("已完成", [check_upload(pdf())], by=users["staff"])
    if state == "closed":
        made.close("", by=users["reviewer"])
    if state == "returned":
        made.send_back("缺少证明材料", by=users["reviewer"])
    return made
