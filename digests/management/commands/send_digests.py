"""Send the digests of everyone with a given frequency now, without beat (for cron)."""

from django.core.management.base import BaseCommand

from digests.models import DigestFrequencyChoice, DigestRun
from digests.services import digest_run_for_everyone


class Command(BaseCommand):
    help = (
        "Send the daily or weekly digests of everyone who chose that frequency and has "
        "something new, whatever their local hour. Safe to run again: nobody gets a "
        "second digest for the same day (daily) or ISO week (weekly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=DigestFrequencyChoice.values)
        parser.add_argument(
            "--dry-run", action="store_true", help="Build the digests and count them; send nothing."
        )

    def handle(self, *args, frequency, dry_run, **options):
        run = digest_run_for_everyone(frequency=frequency, dry_run=dry_run)
        run = DigestRun.objects.get(pk=run.pk)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{run.people_count} people in {run.batch_count} batches: "
            f"{run.sent_count} {verb}, {run.skipped_count} skipped, {run.failed_count} failed"
            + ("" if run.finished_at else " (batches queued to the workers)")
            + "."
        )
