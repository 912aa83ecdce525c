"""A large, realistic consultation for load benchmarks (bench/run), never for production.

At scale 1: 3,000 organisations of every kind and region, 10,000 people, the
report's 72 recommendations, 50,000 threaded comments, 20,000 endorsements,
100 positions with 20 revisions each (when the positions app has its tables),
200,000 activity rows; scale N multiplies every figure by N. A few hot
recommendations draw most of the debate (Zipf-like), deterministic with the seed.

Rows are written with bulk inserts; the counters the services keep
(RecommendationStats, Consultation, Comment.reply_count, participation rows)
are computed in SQL at the end, so they equal the real counts. The steps are in
portal/load_data/, one module per part of the data.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consultations.models import Consultation
from portal.load_data import LOAD_TITLE, Generator, load_summary


class Command(BaseCommand):
    help = "Write a large consultation for load benchmarks (bench/run)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2007)
        parser.add_argument(
            "--describe",
            action="store_true",
            help="Print what the benchmark needs as JSON (generating the data if absent).",
        )

    def handle(self, *args, scale, seed, describe: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not getattr(settings, "BENCH_MODE", False):
            raise CommandError("Load data is for benchmark databases, never for production.")
        if scale <= 0:
            raise CommandError("The scale must be positive.")
        existing = Consultation.objects.filter(title=LOAD_TITLE).order_by("pk").first()
        if existing is None:
            out = self.stderr if describe else self.stdout
            existing = Generator(scale=scale, seed=seed, out=out).run()
        elif not describe:
            self.stdout.write("Load data already present; nothing written.")
        if describe:
            existing.refresh_from_db()
            self.stdout.write(json.dumps(load_summary(existing)))
