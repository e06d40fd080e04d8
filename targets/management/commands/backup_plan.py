from django.core.management import BaseCommand, CommandError

from ...archive import dump_plan
from ...models import Plan


class Command(BaseCommand):
    help = (
        "Write one plan (structure, reporting periods, reports, their history, sections "
        "and users without passwords) to one file; restore it with restore_plan."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", help="e.g. plan-2024.json, or plan-2024.json.gz to compress")

    def handle(self, *, year, file, **options):
        plan = Plan.objects.filter(year=year).first()
        if plan is None:
            raise CommandError(f"There is no plan for {year}.")
        count = dump_plan(plan, file)
        self.stdout.write(f"Plan {year}: {count} objects written to {file}.")
