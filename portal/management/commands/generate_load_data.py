"""A large, realistic consultation for load benchmarks (bench/run), never for production.

At scale 1: 3,000 organisations of every kind and region, 10,000 people, the
report's 72 recommendations, 50,000 threaded comments, 20,000 endorsements,
100 positions with 20 revisions each (when the positions app has its tables),
200,000 activity rows; scale N multiplies every figure by N. A few hot
recommendations draw most of the debate (Zipf-like), deterministic with the seed.

Rows are written with bulk inserts; the counters the services keep
(RecommendationStats, Consultation, Comment.reply_count, participation rows)
are computed in SQL at the end, so they equal the real counts.
"""

import json
import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from accounts.regions import country_regions
from activity.models import Activity
from consultations.models import (
    Comment,
    Consultation,
    ConsultationScope,
    Endorsement,
    EndorsementChange,
    Follow,
    Forum,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
)
from recommendations.models import Recommendation

LOAD_FORUM_NAME = "Load test Forum meeting"
LOAD_TITLE = "Load test consultation"
LOAD_DOMAIN = "load.example"
LOAD_PASSWORD = "load-portal-2026"  # noqa: S105 - benchmark accounts, refused in production
# Organisations 0..SIGNED_IN_POOL-1 are always verified and their person{i}
# is their representative: the benchmark signs in as them.
SIGNED_IN_POOL = 200
BATCH = 5000

PER_SCALE = {
    "organisations": 3000,
    "people": 10000,
    "comments": 50000,
    "endorsements": 20000,
    "positions": 100,
    "activities": 200000,
}
REVISIONS_PER_POSITION = 20

KIND_WEIGHTS = {
    OrganisationKind.NGO: 30,
    OrganisationKind.DIASPORA: 18,
    OrganisationKind.TRADE_UNION: 10,
    OrganisationKind.PRIVATE_SECTOR: 8,
    OrganisationKind.ACADEMIA: 12,
    OrganisationKind.FAITH_BASED: 9,
    OrganisationKind.GOVERNMENT: 6,
    OrganisationKind.INTERGOVERNMENTAL: 3,
    OrganisationKind.OTHER: 4,
}
GENDERS = [("woman", 46), ("man", 44), ("non-binary", 2), ("", 8)]
WORDS = [
    "migration",
    "development",
    "remittances",
    "diaspora",
    "rights",
    "workers",
    "recruitment",
    "fees",
    "labour",
    "mobility",
    "return",
    "integration",
    "protection",
    "women",
    "children",
    "health",
    "education",
    "skills",
    "recognition",
    "governments",
    "civil",
    "society",
    "partnership",
    "dialogue",
    "policy",
    "coherence",
    "data",
    "research",
    "circular",
    "temporary",
    "permanent",
    "regular",
    "irregular",
    "trafficking",
    "smuggling",
    "asylum",
    "refugees",
    "communities",
    "investment",
    "banks",
    "transfer",
    "costs",
    "access",
    "services",
    "employers",
    "unions",
    "ethics",
    "standards",
    "monitoring",
    "implementation",
    "accountability",
    "funding",
]


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def allocate(total: int, weights: list[float], cap: int | None = None) -> list[int]:
    """Split ``total`` by ``weights``, no share above ``cap``; the overflow goes down the tail."""
    scale = sum(weights)
    shares = [int(total * w / scale) for w in weights]
    shares[0] += total - sum(shares)
    if cap is not None:
        overflow = 0
        for index, share in enumerate(shares):
            share += overflow
            shares[index], overflow = min(share, cap), max(0, share - cap)
    return shares


class Generator:
    def __init__(self, *, scale: float, seed: int, out):
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - seeded load data, not secrets
        self.out = out
        self.now = timezone.now()
        self.counts = {name: max(1, round(n * scale)) for name, n in PER_SCALE.items()}
        self.counts["organisations"] = max(self.counts["organisations"], 12)
        self.counts["people"] = max(self.counts["people"], self.counts["organisations"] + 10)

    def say(self, message: str) -> None:
        self.out.write(message)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))

    def markdown(self, low: int, high: int) -> str:
        text = self.words(low, high).capitalize() + "."
        if self.rng.random() < 0.3:
            text += "\n\n- " + self.words(3, 8) + "\n- " + self.words(3, 8)
        if self.rng.random() < 0.2:
            text += "\n\n**" + self.words(2, 5) + "**"
        return text

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

    def make_consultation(self) -> Consultation:
        forum = Forum.objects.create(
            name=LOAD_FORUM_NAME,
            city="Geneva",
            country="CH",
            starts_on=(self.now + timedelta(days=400)).date(),
            ends_on=(self.now + timedelta(days=402)).date(),
        )
        self.opens_at = self.now - timedelta(days=20)
        return Consultation.objects.create(
            forum=forum,
            title=LOAD_TITLE,
            description=self.markdown(40, 80),
            opens_at=self.opens_at,
            # Open for a year, so that a benchmark run later can still write.
            closes_at=self.now + timedelta(days=365),
            scope=ConsultationScope.ALL,
        )

    def make_organisations(self) -> None:
        countries = sorted(code for code, region in country_regions().items() if region)
        # Every region first, then countries at random.
        by_region: dict[str, list[str]] = {}
        for code in countries:
            by_region.setdefault(country_regions()[code], []).append(code)
        first = [codes[0] for _region, codes in sorted(by_region.items())]
        kinds = list(KIND_WEIGHTS)
        rows = []
        for index in range(self.counts["organisations"]):
            country = first[index] if index < len(first) else self.rng.choice(countries)
            kind = kinds[index] if index < len(kinds) else None
            kind = kind or self.rng.choices(kinds, weights=list(KIND_WEIGHTS.values()))[0]
            roll = self.rng.random()
            status = VerificationStatus.VERIFIED
            if index >= SIGNED_IN_POOL and roll < 0.07:
                status = VerificationStatus.PENDING
            elif index >= SIGNED_IN_POOL and roll < 0.1:
                status = VerificationStatus.REJECTED
            rows.append(
                Organisation(
                    name=f"{kind.label} {index:06d} {self.words(1, 2).title()}",
                    kind=kind,
                    country=country,
                    region=country_regions()[country],
                    status=status,
                    is_at_risk=index >= SIGNED_IN_POOL and self.rng.random() < 0.02,
                    description=self.words(10, 30),
                    decided_at=self.now if status != VerificationStatus.PENDING else None,
                    created_at=self.opens_at - timedelta(days=self.rng.randint(1, 400)),
                )
            )
        self.organisations = Organisation.objects.bulk_create(rows, batch_size=BATCH)
        self.verified = [o for o in self.organisations if o.status == VerificationStatus.VERIFIED]
        self.say(f"{len(self.organisations)} organisations.")

    def make_people(self) -> None:
        password = make_password(LOAD_PASSWORD)
        genders = [g for g, _w in GENDERS]
        weights = [w for _g, w in GENDERS]
        rows = [
            User(
                email=f"person{index}@{LOAD_DOMAIN}",
                display_name=f"{self.words(1, 1).title()} {index}",
                password=password,
                gender=self.rng.choices(genders, weights=weights)[0],
                country=self.rng.choice(self.organisations).country,
                date_joined=self.opens_at - timedelta(days=self.rng.randint(0, 300)),
            )
            for index in range(self.counts["people"])
        ]
        self.people = User.objects.bulk_create(rows, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in self.people
            ],
            batch_size=BATCH,
        )
        # person{i} represents organisation i; most others are members of one.
        memberships = []
        self.organisation_of: dict[int, Organisation] = {}
        self.representative_of: dict[int, User] = {}
        for index, user in enumerate(self.people):
            if index < len(self.organisations):
                organisation = self.organisations[index]
                role = MembershipRole.REPRESENTATIVE
                self.representative_of[organisation.pk] = user
            elif self.rng.random() < 0.7:
                organisation = self.rng.choice(self.organisations)
                role = MembershipRole.MEMBER
            else:
                continue
            self.organisation_of[user.pk] = organisation
            memberships.append(Membership(user=user, organisation=organisation, role=role))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        self.say(f"{len(self.people)} people, {len(memberships)} memberships.")

    def _moment_after(self, start) -> object:
        span = max(1.0, (self.now - start).total_seconds())
        # Most replies come soon after what they answer.
        return start + timedelta(seconds=min(span, self.rng.expovariate(1 / (span / 8 + 1))))

    def make_comments(self) -> None:
        total = self.counts["comments"]
        roots_total = max(1, int(total * 0.4))
        per_rec = allocate(roots_total, zipf_weights(len(self.hot_order), 1.0))
        author_weights = zipf_weights(len(self.people), 0.8)
        authors = self.rng.choices(self.people, weights=author_weights, k=total)
        self.comment_authors = authors
        window = (self.now - self.opens_at).total_seconds()
        rows = []
        for recommendation, count in zip(self.hot_order, per_rec, strict=True):
            for _n in range(count):
                rows.append(self._comment(recommendation.pk, authors[len(rows)], None, None))
                rows[-1].created_at = self.opens_at + timedelta(seconds=self.rng.uniform(0, window))
        roots = self._insert_comments(rows)
        self.say(f"{len(roots)} threads.")
        # Replies: to a thread's first comment, or to an earlier reply in it.
        threads = roots[:]
        replies_left = total - len(roots)
        earlier: list[Comment] = []
        written = 0
        while replies_left > 0:
            chunk = min(replies_left, BATCH * 2)
            rows = []
            for _n in range(chunk):
                if earlier and self.rng.random() < 0.35:
                    parent = self.rng.choice(earlier)
                    root_id = parent.root_id
                else:
                    parent = self.rng.choice(threads)
                    root_id = parent.pk
                reply = self._comment(
                    parent.recommendation_id, authors[len(roots) + written], parent, root_id
                )
                reply.created_at = self._moment_after(parent.created_at)
                rows.append(reply)
                written += 1
            earlier.extend(self._insert_comments(rows))
            replies_left -= chunk
        self.say(f"{written} replies.")

    def _comment(self, recommendation_id, author, parent, root_id) -> Comment:
        organisation = self.organisation_of.get(author.pk)
        speaks_for = (
            organisation
            if organisation is not None
            and organisation.status == VerificationStatus.VERIFIED
            and self.rng.random() < 0.35
            else None
        )
        comment = Comment(
            consultation=self.consultation,
            recommendation_id=recommendation_id,
            parent=parent,
            root_id=root_id,
            author=author,
            organisation=speaks_for,
            body=self.markdown(8, 90),
        )
        roll = self.rng.random()
        if roll < 0.005:
            comment.hidden_at = self.now
            comment.hidden_reason = "Breaks the code of conduct."
        elif roll < 0.01:
            comment.deleted_at = self.now
            comment.body = ""
        return comment

    def _insert_comments(self, rows: list[Comment]) -> list[Comment]:
        for row in rows:
            row.created_at = min(row.created_at, self.now)
            if row.deleted_at or row.hidden_at:
                row.deleted_at = row.deleted_at and row.created_at
                row.hidden_at = row.hidden_at and row.created_at
        return Comment.objects.bulk_create(rows, batch_size=BATCH)

    def make_endorsements(self) -> None:
        cap = int(len(self.verified) * 0.9)
        per_rec = allocate(
            self.counts["endorsements"], zipf_weights(len(self.hot_order), 0.9), cap=cap
        )
        stances = [Stance.SUPPORT, Stance.RESERVATIONS, Stance.OPPOSE]
        rows = []
        for recommendation, count in zip(self.hot_order, per_rec, strict=True):
            for organisation in self.rng.sample(self.verified, min(count, len(self.verified))):
                stance = self.rng.choices(stances, weights=[65, 20, 15])[0]
                moment = self.opens_at + timedelta(
                    seconds=self.rng.uniform(0, (self.now - self.opens_at).total_seconds())
                )
                withdrawn = moment if self.rng.random() < 0.04 else None
                rows.append(
                    Endorsement(
                        consultation=self.consultation,
                        recommendation_id=recommendation.pk,
                        organisation=organisation,
                        stance=stance,
                        statement="" if stance == Stance.SUPPORT else self.markdown(10, 60),
                        created_by=self.representative_of[organisation.pk],
                        created_at=moment,
                        updated_at=moment,
                        withdrawn_at=withdrawn,
                    )
                )
        self.endorsements = Endorsement.objects.bulk_create(rows, batch_size=BATCH)
        changes = []
        for endorsement in self.endorsements:
            changes.append(
                EndorsementChange(
                    endorsement=endorsement,
                    stance=endorsement.stance,
                    statement=endorsement.statement,
                    by=endorsement.created_by,
                    created_at=endorsement.created_at,
                )
            )
            if endorsement.withdrawn_at:
                changes.append(
                    EndorsementChange(
                        endorsement=endorsement,
                        withdrawn=True,
                        by=endorsement.created_by,
                        created_at=endorsement.withdrawn_at,
                    )
                )
        EndorsementChange.objects.bulk_create(changes, batch_size=BATCH)
        self.say(f"{len(self.endorsements)} endorsements.")

    def make_follows_and_activities(self) -> None:
        comment_type = ContentType.objects.get_for_model(Comment)
        endorsement_type = ContentType.objects.get_for_model(Endorsement)
        recommendation_type = ContentType.objects.get_for_model(Recommendation)
        consultation_type = ContentType.objects.get_for_model(Consultation)
        target = self.counts["activities"]
        rows: list[Activity] = []
        written = 0

        def flush(force=False):
            nonlocal rows, written
            if rows and (force or len(rows) >= BATCH):
                Activity.objects.bulk_create(rows, batch_size=BATCH)
                written += len(rows)
                rows = []

        comments = Comment.objects.filter(consultation=self.consultation).values_list(
            "pk", "recommendation_id", "author_id", "organisation_id", "parent_id", "created_at"
        )
        for pk, rec_id, author_id, org_id, parent_id, created_at in comments.iterator(
            chunk_size=BATCH
        ):
            if written + len(rows) >= target:
                break
            rows.append(
                Activity(
                    verb=Activity.Verb.COMMENT_REPLIED
                    if parent_id
                    else Activity.Verb.COMMENT_POSTED,
                    actor_id=author_id,
                    organisation_id=org_id,
                    consultation=self.consultation,
                    recommendation_id=rec_id,
                    target_type=comment_type,
                    target_id=pk,
                    created_at=created_at,
                )
            )
            flush()
        for endorsement in self.endorsements:
            if written + len(rows) >= target:
                break
            rows.append(
                Activity(
                    verb=Activity.Verb.ENDORSEMENT_SET,
                    actor_id=endorsement.created_by_id,
                    organisation_id=endorsement.organisation_id,
                    consultation=self.consultation,
                    recommendation_id=endorsement.recommendation_id,
                    target_type=endorsement_type,
                    target_id=endorsement.pk,
                    data={"stance": endorsement.stance, "previous_stance": ""},
                    created_at=endorsement.created_at,
                )
            )
            flush()
        # The rest: people following recommendations (hot ones most) and the consultation.
        follows: list[Follow] = []
        seen: set[tuple[int, int]] = set()
        weights = zipf_weights(len(self.hot_order), 0.7)
        attempts = 0
        while written + len(rows) + len(follows) < target and attempts < target * 5:
            attempts += 1
            user = self.rng.choice(self.people)
            if self.rng.random() < 0.1:
                key = (user.pk, 0)
                follow = Follow(user=user, consultation=self.consultation)
            else:
                recommendation = self.rng.choices(self.hot_order, weights=weights)[0]
                key = (user.pk, recommendation.pk)
                follow = Follow(user=user, recommendation=recommendation)
            if key in seen:
                continue
            seen.add(key)
            follow.created_at = self.opens_at + timedelta(
                seconds=self.rng.uniform(0, (self.now - self.opens_at).total_seconds())
            )
            follows.append(follow)
        for follow in Follow.objects.bulk_create(follows, batch_size=BATCH):
            rows.append(
                Activity(
                    verb=Activity.Verb.FOLLOWED,
                    actor_id=follow.user_id,
                    consultation_id=follow.consultation_id,
                    recommendation_id=follow.recommendation_id,
                    target_type=consultation_type
                    if follow.consultation_id
                    else recommendation_type,
                    target_id=follow.consultation_id or follow.recommendation_id,
                    created_at=follow.created_at,
                )
            )
            flush()
        flush(force=True)
        self.say(f"{len(follows)} follows, {written} activity rows.")

    def make_positions(self) -> None:
        try:
            from positions.models import Position, PositionRevision
        except ImportError:
            self.say("Positions skipped: the positions app has no models yet.")
            return
        tables = connection.introspection.table_names()
        if Position._meta.db_table not in tables or PositionRevision._meta.db_table not in tables:
            self.say("Positions skipped: the positions tables do not exist yet (migrate first).")
            return
        positions = []
        for index in range(self.counts["positions"]):
            lead = self.verified[index % len(self.verified)]
            positions.append(
                Position(
                    consultation=self.consultation,
                    title=f"Joint position {index + 1}: {self.words(3, 7)}",
                    lead_organisation=lead,
                    created_by=self.representative_of[lead.pk],
                    current_number=REVISIONS_PER_POSITION,
                )
            )
        positions = Position.objects.bulk_create(positions, batch_size=BATCH)
        through = Position.recommendations.through
        links, revisions = [], []
        for position in positions:
            for recommendation in self.rng.sample(self.hot_order[:20], 2):
                links.append(through(position_id=position.pk, recommendation_id=recommendation.pk))
            paragraphs = [self.markdown(20, 60) for _n in range(self.rng.randint(4, 12))]
            for number in range(1, REVISIONS_PER_POSITION + 1):
                paragraphs[self.rng.randrange(len(paragraphs))] = self.markdown(20, 60)
                revisions.append(
                    PositionRevision(
                        position=position,
                        number=number,
                        body="\n\n".join(paragraphs),
                        author=position.created_by,
                        message=self.words(2, 6),
                        created_at=self.opens_at + timedelta(hours=number),
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        PositionRevision.objects.bulk_create(revisions, batch_size=BATCH)
        self.say(f"{len(positions)} positions with {len(revisions)} revisions.")

    def recount(self) -> None:
        """Set every counter the services keep from the rows themselves."""
        recount_consultation(self.consultation)


def recount_consultation(consultation: Consultation) -> None:
    """Counters and participation rows of one consultation, computed from its rows in SQL."""
    comments = Comment.objects.filter(consultation=consultation)
    counted = comments.filter(deleted_at__isnull=True, hidden_at__isnull=True)
    active = Endorsement.objects.active().filter(consultation=consultation)
    stats: dict[int, RecommendationStats] = {}

    def row(recommendation_id):
        return stats.setdefault(
            recommendation_id,
            RecommendationStats(consultation=consultation, recommendation_id=recommendation_id),
        )

    for item in counted.values("recommendation_id").annotate(n=Count("id")).order_by():
        row(item["recommendation_id"]).comment_count = item["n"]
    for item in (
        active.values("recommendation_id")
        .annotate(
            support=Count("id", filter=Q(stance=Stance.SUPPORT)),
            reservations=Count("id", filter=Q(stance=Stance.RESERVATIONS)),
            oppose=Count("id", filter=Q(stance=Stance.OPPOSE)),
        )
        .order_by()
    ):
        entry = row(item["recommendation_id"])
        entry.support_count = item["support"]
        entry.reservations_count = item["reservations"]
        entry.oppose_count = item["oppose"]
    RecommendationStats.objects.filter(consultation=consultation).delete()
    RecommendationStats.objects.bulk_create(stats.values(), batch_size=BATCH)
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_count=counted.count(), endorsement_count=active.count()
    )
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        # A reply counts on its thread until it is deleted (hiding keeps it counted).
        cursor.execute(
            f"UPDATE {table} SET reply_count = (SELECT COUNT(*) FROM {table} AS r"  # noqa: S608
            f" WHERE r.root_id = {table}.id AND r.deleted_at IS NULL)"
            " WHERE consultation_id = %s AND root_id IS NULL",
            [consultation.pk],
        )
    people = set(comments.values_list("author_id", flat=True).distinct())
    people |= set(
        Endorsement.objects.filter(consultation=consultation)
        .values_list("created_by_id", flat=True)
        .distinct()
    )
    people.discard(None)
    organisations = set(
        comments.exclude(organisation=None).values_list("organisation_id", flat=True).distinct()
    )
    organisations |= set(
        Endorsement.objects.filter(consultation=consultation)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    PersonParticipation.objects.filter(consultation=consultation).delete()
    OrganisationParticipation.objects.filter(consultation=consultation).delete()
    PersonParticipation.objects.bulk_create(
        [PersonParticipation(consultation=consultation, user_id=pk) for pk in sorted(people)],
        batch_size=BATCH,
    )
    OrganisationParticipation.objects.bulk_create(
        [
            OrganisationParticipation(consultation=consultation, organisation_id=pk)
            for pk in sorted(organisations)
        ],
        batch_size=BATCH,
    )


def load_summary(consultation: Consultation) -> dict:
    """What the benchmark needs to know about the load consultation."""
    stats = list(
        RecommendationStats.objects.filter(consultation=consultation)
        .select_related("recommendation")
        .order_by("-comment_count", "recommendation_id")
    )
    people = [f"person{index}@{LOAD_DOMAIN}" for index in range(SIGNED_IN_POOL)]
    represented = dict(
        Membership.objects.filter(
            user__email__in=people, role=MembershipRole.REPRESENTATIVE
        ).values_list("user__email", "organisation_id")
    )
    people = [email for email in people if email in represented]
    return {
        "consultation": consultation.pk,
        "hot": [s.recommendation.slug for s in stats[:5]],
        "recommendations": [s.recommendation.slug for s in stats],
        "password": LOAD_PASSWORD,
        "people": people,
        "organisations": [represented[email] for email in people],
        "comments": consultation.comment_count,
        "endorsements": consultation.endorsement_count,
    }


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
