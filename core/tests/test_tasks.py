import pytest
from django.core.cache import cache
from django.db import transaction

from core.tasks import enqueue_on_commit
from portal.tasks import heartbeat


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(heartbeat, "after-commit")
        assert cache.get("portal:heartbeat:after-commit") is None
    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get("portal:heartbeat:after-commit") == "ok"


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_is_dropped_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(heartbeat, "rolled-back")
        raise RuntimeError("the write failed")
    assert cache.get("portal:heartbeat:rolled-back") is None


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_does_not_fail_the_write(monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(heartbeat, "apply_async", broker_down)
    with transaction.atomic():
        enqueue_on_commit(heartbeat, "outage")
    assert "Could not queue portal.tasks.heartbeat" in caplog.text
