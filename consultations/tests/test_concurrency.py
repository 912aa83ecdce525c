"""Simultaneous stances: one row per organisation, and counters that match the rows."""

import random
import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from consultations import services
from consultations.models import (
    STANCE_COUNTER,
    Endorsement,
    EndorsementChange,
    RecommendationStats,
    Stance,
)
from core.errors import Refusal

from .factories import ConsultationFactory, MembershipFactory, RecommendationFactory

ATTEMPTS = 20


def _retrying(action, on_retry=None):
    """``action()``, tried again while SQLite reports its single writer busy.

    SQLite has one writer per database, and the shared in-memory test database
    reports a lock at once instead of waiting for it: the attempt is retried,
    as a person would. PostgreSQL makes writers wait their turn instead.
    """
    for _retry in range(2000):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            if on_retry is not None:
                on_retry()
            time.sleep(random.uniform(0.001, 0.02))
    raise AssertionError("still locked after 2000 attempts")


def _at_once(count: int, target) -> None:
    """Run ``target(0)`` to ``target(count - 1)`` in threads and wait for them all."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_concurrent_endorsements_leave_exactly_one():
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    membership = MembershipFactory()
    organisation, user = membership.organisation, membership.user
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock_retries: list[int] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        def retried() -> None:
            with lock:
                lock_retries.append(index)

        outcome = "error: never ran"
        try:
            by = _retrying(lambda: type(user).objects.get(pk=user.pk))
            barrier.wait(timeout=60)
            _retrying(
                lambda: services.endorsement_set(
                    consultation=consultation,
                    recommendation=recommendation,
                    organisation=organisation,
                    stance=Stance.SUPPORT if index % 2 else Stance.OPPOSE,
                    statement="" if index % 2 else "Not without safeguards.",
                    by=by,
                ),
                on_retry=retried,
            )
            outcome = "ok"
        except Refusal:
            outcome = "refused"
        except Exception as error:  # anything else would be a 500
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    _at_once(ATTEMPTS, attempt)

    assert len(outcomes) == ATTEMPTS
    assert [o for o in outcomes if o.startswith("error")] == []
    # Every attempt ends as a success (taking or re-taking the stance), never an error.
    assert outcomes.count("ok") == ATTEMPTS
    if connection.vendor == "postgresql":
        # Row locks make each attempt wait its turn: nothing needed a retry.
        assert lock_retries == []
    assert Endorsement.objects.count() == 1
    endorsement = Endorsement.objects.get()
    stats = RecommendationStats.objects.get()
    # Counters agree with the row that won, whatever the interleaving.
    assert stats.endorsement_total == 1
    assert getattr(stats, STANCE_COUNTER[endorsement.stance]) == 1
    assert EndorsementChange.objects.filter(endorsement=endorsement).exists()
    consultation.refresh_from_db()
    assert consultation.endorsement_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_stances_of_many_organisations_keep_the_counters_exact():
    """Ten organisations take, change and withdraw stances at once on one recommendation."""
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    memberships = [MembershipFactory() for _n in range(10)]
    barrier = threading.Barrier(len(memberships))
    errors: list[str] = []

    def act(index: int) -> None:
        membership = memberships[index]
        try:
            by = _retrying(lambda: type(membership.user).objects.get(pk=membership.user_id))
            barrier.wait(timeout=60)
            for stance in (Stance.SUPPORT, Stance.OPPOSE, Stance.RESERVATIONS)[: 1 + index % 3]:
                _retrying(
                    lambda stance=stance: services.endorsement_set(
                        consultation=consultation,
                        recommendation=recommendation,
                        organisation=membership.organisation,
                        stance=stance,
                        statement="" if stance == Stance.SUPPORT else "Our reasons.",
                        by=by,
                    )
                )
            if index % 4 == 0:
                endorsement = _retrying(
                    lambda: Endorsement.objects.get(organisation=membership.organisation)
                )
                _retrying(lambda: services.endorsement_withdraw(endorsement=endorsement, by=by))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    _at_once(len(memberships), act)

    assert errors == []
    stats = RecommendationStats.objects.get()
    active = Endorsement.objects.active()
    for stance, counter in STANCE_COUNTER.items():
        assert getattr(stats, counter) == active.filter(stance=stance).count(), stance
    consultation.refresh_from_db()
    assert consultation.endorsement_count == active.count() == 7


@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_keep_the_counters_exact(settings):
    """Ten people post at once, first comments and replies, on a recommendation never written to.

    The counters are added to by one UPDATE each, without reading them first;
    the first writers race to create the counters row.
    """
    settings.CONSULTATIONS_COMMENT_RATE = None
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    root = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Where it starts.",
        by=MembershipFactory().user,
    )
    RecommendationStats.objects.all().delete()
    people = [MembershipFactory().user for _n in range(10)]
    barrier = threading.Barrier(len(people))
    errors: list[str] = []

    def post(index: int) -> None:
        try:
            by = _retrying(lambda: type(people[index]).objects.get(pk=people[index].pk))
            barrier.wait(timeout=60)
            for number in range(3):
                _retrying(
                    lambda number=number: services.comment_create(
                        consultation=consultation,
                        recommendation=recommendation,
                        body=f"Comment {index}.{number}",
                        parent=root if number % 2 else None,
                        by=by,
                    )
                )
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    _at_once(len(people), post)

    assert errors == []
    # The row was deleted after the first comment: it counts the 30 since.
    assert RecommendationStats.objects.get().comment_count == 30
    consultation.refresh_from_db()
    root.refresh_from_db()
    assert consultation.comment_count == 31
    assert root.reply_count == 10
