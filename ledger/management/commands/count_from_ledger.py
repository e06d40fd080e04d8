from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from targets.models import Indicator


class Command(BaseCommand):
    help = (
        "Make an indicator count its quarterly figures from its ledger (台账). Refused, "
        "with every quarter that differs, while a report's figure is not the number of "
        "its quarter's entries: nothing would say which one is right."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("code")

    def handle(self, *, year, code, **options):
        indicator = Indicator.objects.filter(plan__year=year, code=code).first()
        if indicator is None:
            raise CommandError(f"There is no indicator {code} in {year}.")
        if indicator.counts_from_ledger:
            self.stdout.write(f"{code} already counts its figures from its ledger.")
            return
        indicator.ledger = Indicator.Ledger.COUNTED
        try:
            indicator.full_clean()  # the kind can be counted, and every figure agrees
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        indicator._change_reason = "manage.py count_from_ledger: every figure agreed"
        indicator.save()
        self.stdout.write(f"{code} now counts its figures from its ledger; every figure agreed.")
