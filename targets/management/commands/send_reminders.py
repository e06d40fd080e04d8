"""E-mail each section's members the reports they still owe for the reporting quarter.

Meant for cron, e.g. daily from the first day after a quarter ends:
    0 9 * * *  cd /srv/kpitracker && .venv/bin/python manage.py send_reminders
Mail settings come from the environment (see README); development uses the console.
"""

from django.core.mail import EmailMessage, mailers
from django.core.management import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from ... import clock
from ...models import Plan
from ...models.worklist import missing_reports


class Command(BaseCommand):
    help = "E-mail each section's members the list of their missing reports."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Plan year (default: the newest plan).")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--dry-run", action="store_true", help="List, do not send.")

    def handle(self, *, year, quarter, dry_run, **options):
        plan = Plan.objects.filter(year=year).first() if year else Plan.objects.first()
        if plan is None:
            raise CommandError("No such plan.")
        today = clock.today()
        quarter = quarter or plan.reporting_quarter(today)
        messages = []
        with translation.override("zh-hans"):
            for group in missing_reports(plan, quarter, today):
                if group.section is None:
                    continue  # nobody to remind: the indicators have no lead section yet
                recipients = [
                    m.email for m in group.section.members.filter(is_active=True) if m.email
                ]
                if not recipients:
                    self.stderr.write(f"{group.section.code}: no member with an e-mail address")
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
