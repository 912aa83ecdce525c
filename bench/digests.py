"""Digest building benchmark: 10,000 people with activity; prints digests per second.

Run with the embedded default or against PostgreSQL:

    .venv/bin/python bench/digests.py [--people 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/digests.py

It creates its own database (a temporary SQLite file, or a throwaway PostgreSQL
database next to the configured one), fills it with bulk inserts, then builds
(and renders) every digest in batches of 500, as the digest task does, without
sending. The figure is printed, not asserted.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--recommendations", type=int, default=72)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8)
    arguments = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        settings.DATABASES["default"]["NAME"] = str(path)
    else:
        settings.DATABASES["default"]["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench"
    from django.db import connections

    connections.close_all()
    from django.test.utils import setup_databases, teardown_databases

    started = time.perf_counter()
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        fill(arguments)
        print(f"data ready in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        run(arguments)
    finally:
        teardown_databases(old, verbosity=0)


def fill(arguments) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from accounts.models import Organisation, User
    from activity.models import Activity
    from consultations.models import Comment, Consultation, Follow, Forum
    from recommendations.models import Recommendation
    from recommendations.tests.factories import SessionFactory

    rng = random.Random(arguments.seed)
    now = timezone.now()
    session = SessionFactory()
    recommendations = Recommendation.objects.bulk_create(
        [
            Recommendation(
                session=session,
                number=n,
                title=f"Recommendation {n} on migration and development",
                slug=f"bench-{n}",
                citation=f"B.{n}",
                body="Body.",
            )
            for n in range(1, arguments.recommendations + 1)
        ]
    )
    forum = Forum.objects.create(
        name="Bench Forum", city="Manila", country="PH", starts_on=now.date(), ends_on=now.date()
    )
    consultation = Consultation.objects.create(
        forum=forum,
        title="Bench consultation",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Organisation {n}",
                kind="ngo",
                country="PH",
                region="South-eastern Asia",
                status="verified",
                is_at_risk=n % 10 == 0,
            )
            for n in range(300)
        ]
    )
    languages = ["en", "fr", "es"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n}@bench.example.org",
                display_name=f"Person {n}",
                digest_frequency="daily",
                interface_language=languages[n % 3],
                password="!",  # noqa: S106 (unusable)
            )
            for n in range(arguments.people)
        ],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=2000,
    )
    # A few hot recommendations, a long tail: each person follows 1 to 8.
    weights = [1 / (rank + 1) for rank in range(len(recommendations))]
    follows = []
    for user in users:
        chosen = set(rng.choices(recommendations, weights=weights, k=rng.randint(1, 8)))
        follows += [Follow(user=user, recommendation=r) for r in chosen]
    Follow.objects.bulk_create(follows, batch_size=5000)
    authors = users[: max(1, len(users) // 5)]
    comment_time = now - timedelta(hours=6)
    comments = Comment.objects.bulk_create(
        [
            Comment(
                consultation=consultation,
                recommendation=rng.choices(recommendations, weights=weights)[0],
                author=rng.choice(authors),
                organisation=rng.choice(organisations) if rng.random() < 0.3 else None,
                body=f"Comment {n}: " + "we think this matters for migrants. " * rng.randint(1, 8),
                created_at=comment_time,
            )
            for n in range(arguments.comments)
        ],
        batch_size=5000,
    )
    comment_type = ContentType.objects.get_for_model(Comment)
    Activity.objects.bulk_create(
        [
            Activity(
                verb="comment_posted",
                actor_id=c.author_id,
                organisation_id=c.organisation_id,
                consultation=consultation,
                recommendation_id=c.recommendation_id,
                target_type=comment_type,
                target_id=c.pk,
                created_at=comment_time,
            )
            for c in comments
        ],
        batch_size=5000,
    )


def run(arguments) -> None:
    from django.db import connection, reset_queries
    from django.utils import timezone

    from accounts.models import User
    from digests.content import DigestBuilder
    from digests.selectors import digest_periods, digest_recipients
    from digests.services import DIGEST_BATCH_SIZE
    from digests.tokens import DIGEST, unsubscribe_url

    end = timezone.now()
    user_ids = list(
        digest_recipients(frequency="daily").order_by("pk").values_list("pk", flat=True)
    )
    built = 0
    queries = 0
    started = time.perf_counter()
    connection.force_debug_cursor = True
    for index in range(0, len(user_ids), DIGEST_BATCH_SIZE):
        reset_queries()
        users = list(User.objects.filter(pk__in=user_ids[index : index + DIGEST_BATCH_SIZE]))
        periods, _done = digest_periods(users=users, frequency="daily", end=end)
        builder = DigestBuilder(frequency="daily")
        builder.load(users, periods)
        for user in users:
            digest = builder.digest_for(
                user,
                unsubscribe_url=unsubscribe_url(user_id=user.pk, what=DIGEST),
            )
            built += digest is not None
        queries += len(connection.queries)
    elapsed = time.perf_counter() - started
    print(f"people: {len(user_ids)}, digests built: {built}")
    print(f"total time: {elapsed:.1f} s, {built / elapsed:.0f} digests per second")
    print(f"SQL queries: {queries} for {-(-len(user_ids) // DIGEST_BATCH_SIZE)} batches")
    print("target: all 10,000 in under 60 s:", "met" if elapsed < 60 else "NOT met")


if __name__ == "__main__":
    main()
