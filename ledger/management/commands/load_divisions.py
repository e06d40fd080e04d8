from django.core.management import BaseCommand

from ...divisions import JILIN_CITY, seed_divisions


class Command(BaseCommand):
    help = (
        "Add Jilin City's counties, districts and development zones to the list ledger "
        "items choose from (those already there are left as they are)."
    )

    def handle(self, **options):
        added = seed_divisions()
        self.stdout.write(f"{added} of {len(JILIN_CITY)} divisions added.")
