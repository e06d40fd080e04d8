from django.core.management.base import BaseCommand

from notices.daily import run


class Command(BaseCommand):
    help = (
        "Send the notices of the day: follow-ups overdue, a quarter's reports due and "
        "overdue, statuses worse than last quarter, the weekly digest (cron: once a day; "
        "running it again the same day sends nothing twice)."
    )

    def handle(self, *args, **options):
        for event, count in run().items():
            self.stdout.write(f"{event}: {count} notice(s)")
