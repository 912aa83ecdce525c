"""Two editors saving on the same base revision at once: one revision, one conflict."""

import random
import threading
import time

import pytest
from django.db import OperationalError, connections

from positions import services
from positions.models import PositionRevision
from positions.services import RevisionConflict

from .factories import BODY, ConsultationFactory, MembershipFactory

ATTEMPTS = 2
ROUNDS = 3


def _save_at_once(position, users) -> list[str]:
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()
    base = position.current_number

    def attempt(index: int, user) -> None:
        outcome = "error: never ran"
        try:
            mine = type(position).objects.get(pk=position.pk)
            by = type(user).objects.get(pk=user.pk)
            barrier.wait(timeout=10)
            for _retry in range(200):
                try:
                    services.position_revise(
                        position=mine,
                        body=f"{BODY}\n\nEdit {base} by editor {index}.",
                        base_number=base,
                        by=by,
                    )
                    outcome = "saved"
                except RevisionConflict:
                    outcome = "conflict"
                except OperationalError as error:
                    # SQLite allows one writer and the shared test database reports
                    # a lock at once instead of waiting: retry, as the person would.
                    if "locked" not in str(error):
                        outcome = f"error: {error!r}"
                    else:
                        time.sleep(random.uniform(0.001, 0.02))
                        continue
                break
        except Exception as error:  # anything else would be a 500 or a lost update
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i, user)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_one_base_give_one_revision_and_one_conflict():
    consultation = ConsultationFactory()
    first = MembershipFactory()
    second = MembershipFactory()
    position = services.position_create(
        consultation=consultation,
        title="Together",
        lead_organisation=first.organisation,
        co_editing_organisations=[second.organisation],
        body=BODY,
        by=first.user,
    )
    for round_number in range(ROUNDS):
        position.refresh_from_db()
        outcomes = _save_at_once(position, [first.user, second.user])
        assert sorted(outcomes) == ["conflict", "saved"], outcomes
        assert PositionRevision.objects.filter(position=position).count() == round_number + 2
    numbers = list(
        PositionRevision.objects.filter(position=position)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, ROUNDS + 2))
    position.refresh_from_db()
    assert position.current_number == ROUNDS + 1
