"""The consultation and its debate: threaded comments, stances, joint positions."""

from datetime import timedelta

from django.db import connection

from accounts.models import VerificationStatus
from consultations.models import (
    Comment,
    Consultation,
    ConsultationScope,
    Endorsement,
    EndorsementChange,
    Forum,
    Stance,
)

from ._common import (
    BATCH,
    LOAD_FORUM_NAME,
    LOAD_TITLE,
    REVISIONS_PER_POSITION,
    GeneratorBase,
    allocate,
    zipf_weights,
)


class DebateSteps(GeneratorBase):
    """The consultation, then what organisations and people write in it."""

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
