import pytest

from consultations import services
from consultations.models import Stance
from consultations.selectors import endorsement_page, suppress_gender_counts

from .factories import ConsultationFactory, MembershipFactory, RecommendationFactory


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"woman": 4, "man": 5}, []),  # fewer than ten people in all
        ({"woman": 10}, []),  # a single group would tell everyone's gender
        ({"woman": 9, "man": 1}, []),  # the only other group is one person
        (  # one agender person alone would be too small a cell: men are folded in
            {"Woman": 6, "male": 5, "agender": 1},
            [("Women", 6), ("Other self-description or not stated", 6)],
        ),
        (
            {"woman": 6, "man": 5, "non-binary": 2, "": 3},
            [("Women", 6), ("Men", 5), ("Other self-description or not stated", 5)],
        ),
        (
            {"woman": 6, "man": 5, "non-binary": 5},
            [("Women", 6), ("Men", 5), ("Non-binary people", 5)],
        ),
    ],
)
def test_gender_suppression(counts, expected):
    assert suppress_gender_counts(counts_by_value=counts) == expected


@pytest.mark.django_db
def test_pages_of_statements_follow_the_stances_taken_and_withdrawn():
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    stances = []
    for _n in range(5):
        representative = MembershipFactory().user
        stances.append(
            services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=representative.memberships.get().organisation,
                stance=Stance.SUPPORT,
                statement="",
                by=representative,
            )
        )

    def pages():
        page = endorsement_page(
            consultation=consultation, recommendation=recommendation, page_number=1, per_page=2
        )
        return page.paginator.count, page.paginator.num_pages

    assert pages() == (5, 3)
    services.endorsement_withdraw(
        endorsement=stances[0], by=stances[0].organisation.memberships.get().user
    )
    assert pages() == (4, 2)
    last = endorsement_page(
        consultation=consultation, recommendation=recommendation, page_number=2, per_page=2
    )
    assert len(last.object_list) == 2 and not last.has_next()


@pytest.mark.django_db
def test_comment_list_keeps_a_deleted_comment_only_while_it_is_answered():
    from django.utils import timezone

    from consultations.selectors import comment_list

    from .factories import CommentFactory

    consultation = ConsultationFactory()
    live = CommentFactory(consultation=consultation)
    answered = CommentFactory(consultation=consultation, deleted_at=timezone.now(), reply_count=1)
    CommentFactory(
        consultation=consultation,
        recommendation=answered.recommendation,
        root=answered,
        parent=answered,
    )
    gone = CommentFactory(consultation=consultation, deleted_at=timezone.now())
    deleted_reply = CommentFactory(
        consultation=consultation, root=live, parent=live, deleted_at=timezone.now()
    )
    CommentFactory(consultation=ConsultationFactory())  # another consultation's
    shown = set(comment_list(consultation=consultation).values_list("pk", flat=True))
    assert live.pk in shown and answered.pk in shown
    assert gone.pk not in shown and deleted_reply.pk not in shown
    assert len(shown) == 3
