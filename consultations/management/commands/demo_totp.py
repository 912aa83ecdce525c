"""Print the demo moderator's current two-factor code (never in production)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .load_demo_data import MODERATOR_EMAIL, MODERATOR_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current authenticator code of the demo moderator account."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Demo accounts do not exist in production.")
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        code = format_hotp_value(hotp_value(MODERATOR_TOTP_SECRET, int(time.time()) // 30))
        self.stdout.write(f"{MODERATOR_EMAIL}: {code} (valid for up to 30 seconds)")
