from django.core.management import BaseCommand, CommandError

from ...archive import ArchiveError, restore_plan
from ...models import Plan, QuarterlyReport


class Command(BaseCommand):
    help = (
        "Read a file written by backup_plan into an empty, freshly migrated database "
        "(SQLite or PostgreSQL). Users come back without passwords: set new ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *, file, **options):
        try:
            plan = restore_plan(file)
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from None
        others = list(Plan.objects.exclude(pk=plan.pk).values_list("year", flat=True))
        with_others = (
            f" (with the plans of {', '.join(map(str, sorted(others)))})" if others else ""
        )
        self.stdout.write(
            f"Plan {plan.year} restored: {plan.indicators.count()} indicators, "
            f"{QuarterlyReport.objects.filter(indicator__plan=plan).count()} reports"
            f"{with_others}. Users have no password yet: set them in the admin "
            "or with `manage.py changepassword`."
        )
