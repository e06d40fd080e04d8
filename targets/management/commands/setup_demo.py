from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError

from ...demo import DEMO_PASSWORD, setup_demo


class Command(BaseCommand):
    help = (
        "Create the demo sections, accounts, 2024 reports, a target revision and the 2025 "
        "draft started from 2024 (DJANGO_DEBUG only). Safe to repeat."
    )

    def handle(self, **options):
        try:
            created = setup_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Demo data: {created['accounts']} accounts and {created['reports']} reports created "
            f"(existing ones kept). Accounts: admin, leader, reviewer, staff, staff2; "
            f"password {DEMO_PASSWORD}."
        )
