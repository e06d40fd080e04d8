from django.core.management import BaseCommand, CommandError, call_command

from ...models import Plan
from ...plans import fixture_path


class Command(BaseCommand):
    help = "Load a year's plan from fixtures/plan_<year>.json. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *, year, **options):
        path = fixture_path(year)
        if not path.exists():
            raise CommandError(f"No plan fixture for {year}: {path.name} is missing.")
        plan = Plan.objects.filter(year=year).first()
        if plan is not None:
            # Reloading would reset what administrators set since (lead sections,
            # pacing), so an existing plan is left alone.
            self.stdout.write(f"Plan {year} is already loaded; nothing changed.")
            return
        call_command("loaddata", str(path), verbosity=0)
        plan = Plan.objects.get(year=year)
        self.stdout.write(
            f"Plan {year}: {plan.elements.count()} elements, {plan.indicators.count()} indicators."
        )
