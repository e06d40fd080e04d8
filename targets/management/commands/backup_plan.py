from django.core.management import BaseCommand, CommandError

from ...archive import dump_plan
from ...models import Plan


class Command(BaseCommand):
    help = (
        "Write one plan (structure, target revisions, reporting periods, reports, their "
        "history, sections and users without passwords) to one file, with the earlier "
        "plans it continues; `all` writes every plan. Restore it with restore_plan."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", help="the plan's year, or `all` for every plan")
        parser.add_argument("file", help="e.g. plan-2024.json, or plan-2024.json.gz to compress")

    def handle(self, *, year, file, **options):
        every_plan = year == "all"
        plans = Plan.objects.order_by("-year")
        plan = (
            plans.first()
            if every_plan
            else plans.filter(year=int(year) if year.isdigit() else 0).first()
        )
        if plan is None:
            raise CommandError(f"There is no plan for {year}.")
        count = dump_plan(plan, file, every_plan=every_plan)
        self.stdout.write(f"Plan {plan.year}: {count} objects written to {file}.")
