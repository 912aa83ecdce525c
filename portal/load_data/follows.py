"""Follows, and the activity rows: one per comment and stance, then one per follow."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from activity.models import Activity
from consultations.models import Comment, Consultation, Endorsement, Follow
from recommendations.models import Recommendation

from ._common import BATCH, GeneratorBase, zipf_weights


class FollowSteps(GeneratorBase):
    """Activity rows up to the target count, follows making up the rest."""

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
