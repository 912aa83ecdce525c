"""The steps in order, in one transaction, then fresh planner statistics."""

import time

from django.core.management import call_command
from django.db import connection, transaction

from consultations.models import Consultation
from recommendations.models import Recommendation

from .debate import DebateSteps
from .follows import FollowSteps
from .people import PeopleSteps
from .summary import recount_consultation


class Generator(PeopleSteps, DebateSteps, FollowSteps):
    """One load consultation for a scale and a seed; the same seed gives the same rows."""

    # --- steps ------------------------------------------------------------------

    def run(self) -> Consultation:
        started = time.monotonic()
        if not Recommendation.objects.exists():
            self.say("No recommendations yet: importing the report first.")
            call_command("import_report", stdout=self.out)
        self.recommendations = list(Recommendation.objects.order_by("session__number", "number"))
        # Which recommendations are hot is part of the seed, not the report's order.
        self.hot_order = self.recommendations[:]
        self.rng.shuffle(self.hot_order)
        with transaction.atomic():
            self.consultation = self.make_consultation()
            self.make_organisations()
            self.make_people()
            self.make_comments()
            self.make_endorsements()
            self.make_follows_and_activities()
            self.make_positions()
            self.recount()
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner takes 50,000 rows for a handful; the
            # visibility map lets counts over the partial indexes skip the table.
            # VACUUM cannot run inside a transaction (a test's, for instance).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.say(f"Load data at scale {self.scale} written in {time.monotonic() - started:.1f} s.")
        return self.consultation

    def recount(self) -> None:
        """Set every counter the services keep from the rows themselves."""
        recount_consultation(self.consultation)
