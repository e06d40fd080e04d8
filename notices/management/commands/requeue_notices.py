from django.core.management.base import BaseCommand

from notices.tasks import requeue_stale


class Command(BaseCommand):
    help = "Queue again the notices whose worker died while sending them (cron: every 5 min)."

    def handle(self, *args, **options):
        self.stdout.write(f"{requeue_stale()} notice(s) queued again.")
