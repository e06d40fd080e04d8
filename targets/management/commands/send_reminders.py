"""E-mail each section's members the reports they still owe for the reporting quarter.

Meant for cron, e.g. daily from the first day after a quarter ends:
    0 9 * * *  cd /srv/kpitracker && .venv/bin/python manage.py send_reminders
Mail settings come from the environment (see README); development uses the console.
"""

from django.core.mail import EmailMessage, mailers
from django.core.management import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User

from ... import clock
from ...models import Plan
from ...models.worklist import missing_reports


class Command(BaseCommand):
    help = "E-mail each section's members the list of their missing reports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            help="Plan year (default: every active plan whose reporting quarter has ended).",
        )
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--dry-run", action="store_true", help="List, do not send.")

    def handle(self, *, year, quarter, dry_run, **options):
        today = clock.today()
        if year:
            plan = Plan.objects.filter(year=year).first()
            if plan is None:
                raise CommandError("No such plan.")
            if not plan.is_active:
                raise CommandError(f"The {year} plan is {plan.state}: it takes no reports.")
            plans = [plan]
        else:
            # Last year's plan may still be open for its Q4 while this year's Q1 runs:
            # each active plan whose reporting quarter has ended gets its reminders.
            plans = [
                p
                for p in Plan.objects.filter(state=Plan.State.ACTIVE).order_by("year")
                if quarter or p.has_ended(p.reporting_quarter(today), today)
            ]
            if not plans:
                self.stdout.write("No active plan has reports due.")
                return
        for plan in plans:
            self._remind(plan, quarter or plan.reporting_quarter(today), today, dry_run)

    def _remind(self, plan, quarter, today, dry_run):
        messages = []
        with translation.override("zh-hans"):
            for group in missing_reports(plan, quarter, today):
                if not group.sections:
                    continue  # nobody to remind: the indicators have no lead section yet
                # Every lead section may submit, so each is reminded.
                recipients = [
                    m.email
                    for m in User.objects.filter(
                        section__in=group.sections, is_active=True
                    ).order_by("section__code", "pk")
                    if m.email
                ]
                if not recipients:
                    codes = "+".join(s.code for s in group.sections)
                    self.stderr.write(f"{codes}: no member with an e-mail address")
                    continue
                context = {"plan": plan, "quarter": quarter, "group": group}
                messages.append(
                    EmailMessage(
                        subject=render_to_string("targets/email/reminder_subject.txt", context)
                        .strip()
                        .replace("\n", " "),
                        body=render_to_string("targets/email/reminder_body.txt", context),
                        to=recipients,
                    )
                )
        if dry_run:
            for message in messages:
                self.stdout.write(f"{', '.join(message.to)}: {message.subject}")
        elif messages:
            mailers.default.send_messages(messages)
        self.stdout.write(f"{len(messages)} reminder(s) for {plan.year} Q{quarter}.")
