"""Benchmark of the consolidated document: build time, size and peak memory per format.

Run with ``.venv/bin/python bench/exports.py``; it uses whatever DATABASE_URL
says (SQLite under var/ by default), creates a throwaway large consultation
(72 recommendations, 1,000 organisations, 10,000 endorsements, 50 positions
with 20 revisions each), prints the figures, and deletes what it created.

The last step times publishing a version: the 15 files (5 formats in
English, French and Spanish) built one after the other from one snapshot, as
the worker does them, without memory tracing.
"""

import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from accounts.models import Organisation, OrganisationKind, VerificationStatus  # noqa: E402
from consultations.models import (  # noqa: E402
    Consultation,
    Endorsement,
    Forum,
    OrganisationParticipation,
    RecommendationStats,
    Stance,
    Synthesis,
)
from exports.builders import BUILDERS, Edition, localise, write_csv, write_xlsx  # noqa: E402
from exports.models import EXPORT_LANGUAGES  # noqa: E402
from exports.selectors import consolidated_content  # noqa: E402
from recommendations.models import Recommendation, Report, Session  # noqa: E402

RECOMMENDATIONS = 72
ORGANISATIONS = 1000
ENDORSEMENTS = 10_000
POSITIONS = 50
REVISIONS = 20
TAG = "bench-exports"
REGIONS = ["Western Europe", "Eastern Africa", "South America", "Southern Asia", "Western Asia"]
WORDS = [
    "migration",
    "development",
    "remittances",
    "diaspora",
    "rights",
    "workers",
    "families",
    "recruitment",
    "integration",
    "return",
    "circular",
    "mobility",
    "partnership",
    "protection",
    "labour",
    "skills",
]


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def create(rng):
    now = timezone.now()
    forum = Forum.objects.create(
        name=f"{TAG} Forum",
        city="Manila",
        country="PH",
        starts_on=date(2008, 10, 27),
        ends_on=date(2008, 10, 30),
    )
    consultation = Consultation.objects.create(
        forum=forum,
        title=f"{TAG} consultation",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=14),
        scope="recommendations",
    )
    recs = list(Recommendation.objects.order_by("session__number", "number")[:RECOMMENDATIONS])
    if len(recs) < RECOMMENDATIONS:
        report = Report.objects.first() or Report.objects.create(
            title=f"{TAG} report", publisher="GFMD", year=2007, isbn=TAG, source_sha256="0" * 64
        )
        sessions = []
        for number in range(1, 9):
            session = Session.objects.filter(number=number).first()
            if session is None:
                session = Session.objects.create(
                    report=report, number=number, title=f"Session {number}", slug=f"{TAG}-s{number}"
                )
            sessions.append(session)
        have = len(recs)
        for index in range(have, RECOMMENDATIONS):
            recs.append(
                Recommendation.objects.create(
                    session=sessions[index % 8],
                    number=100 + index,
                    title=words(rng, 8),
                    slug=f"{TAG}-r{index}",
                    citation=f"B{index}",
                    body=words(rng, 40),
                )
            )
    consultation.recommendations.set(recs)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{TAG} organisation {i}",
                kind=rng.choice(OrganisationKind.values),
                country="FR",
                region=rng.choice(REGIONS),
                status=VerificationStatus.VERIFIED,
                is_at_risk=(i % 50 == 0),
            )
            for i in range(ORGANISATIONS)
        ]
    )
    pairs = set()
    while len(pairs) < ENDORSEMENTS:
        pairs.add((rng.randrange(RECOMMENDATIONS), rng.randrange(ORGANISATIONS)))
    rows = []
    for rec_index, org_index in pairs:
        stance = rng.choices(Stance.values, weights=[6, 2, 2])[0]
        has_statement = stance != Stance.SUPPORT or rng.random() < 0.2
        rows.append(
            Endorsement(
                consultation=consultation,
                recommendation=recs[rec_index],
                organisation=orgs[org_index],
                stance=stance,
                statement=words(rng, rng.randint(15, 60)) if has_statement else "",
            )
        )
    Endorsement.objects.bulk_create(rows, batch_size=2000)
    stats = {}
    for row in rows:
        entry = stats.setdefault(
            row.recommendation_id, {"support": 0, "reservations": 0, "oppose": 0}
        )
        entry[row.stance] += 1
    RecommendationStats.objects.bulk_create(
        [
            RecommendationStats(
                consultation=consultation,
                recommendation_id=rec_id,
                comment_count=rng.randint(0, 300),
                support_count=c["support"],
                reservations_count=c["reservations"],
                oppose_count=c["oppose"],
            )
            for rec_id, c in stats.items()
        ]
    )
    OrganisationParticipation.objects.bulk_create(
        [OrganisationParticipation(consultation=consultation, organisation=o) for o in orgs]
    )
    Synthesis.objects.bulk_create(
        [Synthesis(consultation=consultation, recommendation=r, body=words(rng, 120)) for r in recs]
    )
    positions = 0
    try:
        from positions.models import Position, PositionRevision, Signature

        for index in range(POSITIONS):
            position = Position.objects.create(
                consultation=consultation,
                title=f"{TAG} position {index}",
                lead_organisation=orgs[index],
                status="final" if index % 2 else "open",
                current_number=REVISIONS,
            )
            position.recommendations.set(rng.sample(recs, 3))
            PositionRevision.objects.bulk_create(
                [
                    PositionRevision(
                        position=position,
                        number=n,
                        body="\n\n".join(words(rng, 60) for _ in range(8)),
                    )
                    for n in range(1, REVISIONS + 1)
                ]
            )
            Signature.objects.bulk_create(
                [
                    Signature(position=position, organisation=o, revision_number=REVISIONS)
                    for o in rng.sample(orgs, 30)
                ]
            )
            positions += 1
    except ImportError:
        pass
    return consultation, orgs, positions


def measure(label, function):
    """Time without tracing (tracemalloc slows Python code several times), then peak memory."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = 0
    if os.environ.get("BENCH_MEMORY", "1") == "1":
        tracemalloc.start()
        function()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, elapsed, cpu, peak


def remove(consultation=None):
    """Delete what a run created, including what an interrupted run left behind."""
    with transaction.atomic():
        consultations = Consultation.objects.filter(title=f"{TAG} consultation")
        try:
            from positions.models import Position

            Position.objects.filter(consultation__in=consultations).delete()
        except ImportError:
            pass
        consultations.delete()
        Forum.objects.filter(name=f"{TAG} Forum").delete()
        Organisation.objects.filter(name__startswith=TAG).delete()
        Recommendation.objects.filter(slug__startswith=TAG).delete()
        Session.objects.filter(slug__startswith=TAG).delete()
        Report.objects.filter(isbn=TAG).delete()


def main():
    rng = random.Random(2007)
    # A fresh database needs the tables and the report before anything else.
    call_command("migrate", interactive=False, verbosity=0)
    if not Recommendation.objects.exists():
        call_command("import_report", verbosity=0)
    remove()
    with transaction.atomic():
        consultation, orgs, positions = create(rng)
    print(f"Database: {django.db.connection.vendor}; positions created: {positions}")
    if os.environ.get("BENCH_DUMP"):
        import json

        with translation.override("en"):
            Path(os.environ["BENCH_DUMP"]).write_text(
                json.dumps(consolidated_content(consultation=consultation))
            )
    try:
        with translation.override("en"):
            content, seconds, cpu, peak = measure(
                "content", lambda: consolidated_content(consultation=consultation)
            )
            print(f"{'step':8} {'wall':>9} {'cpu':>9} {'size':>13} {'peak (tracemalloc)':>22}")
            print(f"{'content':8} {seconds:7.2f} s {cpu:7.2f} s {'':>13} {peak / 2**20:17.1f} MiB")
            edition = Edition(version=1, date="2026-11-28 12:00 UTC")

            def write(fmt, builder, path, content, edition):
                with path.open("wb") as handle:
                    if fmt == "csv":
                        write_csv(content, handle)
                    elif fmt == "xlsx":
                        write_xlsx(content, handle)
                    else:
                        handle.write(builder(content, edition))

            for fmt, builder in BUILDERS.items():
                path = Path("var") / f"bench-export.{fmt}"
                path.parent.mkdir(exist_ok=True)

                def run(fmt=fmt, builder=builder, path=path):
                    write(fmt, builder, path, localise(content), edition)

                _r, seconds, cpu, peak = measure(fmt, run)
                size = path.stat().st_size
                extra = ""
                if fmt == "pdf":
                    from pypdf import PdfReader

                    extra = f" {len(PdfReader(str(path)).pages)} pages"
                megabytes, peak_mb = size / 2**20, peak / 2**20
                print(
                    f"{fmt:8} {seconds:7.2f} s {cpu:7.2f} s {megabytes:9.2f} MiB "
                    f"{peak_mb:17.1f} MiB{extra}"
                )
                path.unlink()
        with translation.override("fr"):
            _r, seconds, cpu, peak = measure("localise", lambda: localise(content))
            print(f"{'localise':8} {seconds:7.2f} s {cpu:7.2f} s {'':>13} {peak / 2**20:17.1f} MiB")

        def publish():
            total = 0
            for language in EXPORT_LANGUAGES:
                with translation.override(language):
                    edition = Edition(version=1, date="2026-11-28 12:00 UTC", language=language)
                    for fmt, builder in BUILDERS.items():
                        path = Path("var") / f"bench-publish-{language}.{fmt}"
                        write(fmt, builder, path, localise(content), edition)
                        total += path.stat().st_size
                        path.unlink()
            return total

        os.environ["BENCH_MEMORY"] = "0"
        total, seconds, cpu, _peak = measure("publish", publish)
        files = len(EXPORT_LANGUAGES) * len(BUILDERS)
        print(
            f"{'publish':8} {seconds:7.2f} s {cpu:7.2f} s {total / 2**20:9.2f} MiB "
            f"({files} files: {len(BUILDERS)} formats x {len(EXPORT_LANGUAGES)} languages)"
        )
        print(f"Load average while running: {os.getloadavg()[0]:.1f} (2 cores)")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Process peak RSS: {rss:.0f} MiB")
    finally:
        remove()


if __name__ == "__main__":
    main()
