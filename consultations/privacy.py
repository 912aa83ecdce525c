"""A person's consultation data, for the JSON download and for account deletion.

Called by accounts.services (user_data_export, user_delete). Comments and
stances are public contributions: they stay, read as "a former participant";
what only concerned the person (follows, open flags, participation rows for
the gender figures) goes.
"""

from .models import Comment, EndorsementChange, Flag, Follow, PersonParticipation


def export_user_data(user) -> dict:
    return {
        "comments": [
            {
                "id": comment.pk,
                "consultation": comment.consultation_id,
                "recommendation": comment.recommendation.citation,
                "organisation": comment.organisation.name if comment.organisation else None,
                "body": comment.body,
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
                "deleted": comment.deleted_at is not None,
                "hidden_reason": comment.hidden_reason or None,
            }
            for comment in Comment.objects.filter(author=user).select_related(
                "recommendation", "organisation"
            )
        ],
        "stances_recorded": [
            {
                "organisation": change.endorsement.organisation.name,
                "recommendation": change.endorsement.recommendation.citation,
                "consultation": change.endorsement.consultation_id,
                "stance": change.stance,
                "statement": change.statement,
                "withdrawn": change.withdrawn,
                "at": change.created_at.isoformat(),
            }
            for change in EndorsementChange.objects.filter(by=user).select_related(
                "endorsement__organisation", "endorsement__recommendation"
            )
        ],
        "follows": [
            {"consultation": follow.consultation_id, "recommendation": follow.recommendation_id}
            for follow in Follow.objects.filter(user=user)
        ],
        "flags": [
            {"comment": flag.comment_id, "reason": flag.reason, "details": flag.details}
            for flag in Flag.objects.filter(user=user)
        ],
    }


def erase_user_data(user) -> None:
    Follow.objects.filter(user=user).delete()
    Flag.objects.filter(user=user, resolved_at__isnull=True).delete()
    PersonParticipation.objects.filter(user=user).delete()
