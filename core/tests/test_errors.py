"""The refusal type's contract: a sentence, a kind from a fixed set, and a status per kind."""

from typing import get_args

import pytest

from core.errors import STATUS_BY_KIND, Kind, Refusal


def test_refusal_is_invalid_by_default_and_keeps_its_sentence():
    refusal = Refusal("This is refused.")
    assert refusal.message == "This is refused."
    assert str(refusal) == "This is refused."
    assert refusal.kind == "invalid"
    assert refusal.field is None


def test_refusal_keeps_its_kind_and_field():
    refusal = Refusal("Give a name.", kind="conflict", field="name")
    assert (refusal.kind, refusal.field) == ("conflict", "name")


def test_refusal_of_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="denied"):
        Refusal("This is refused.", kind="denied")


def test_every_kind_has_a_status_and_no_status_lacks_a_kind():
    assert set(get_args(Kind)) == set(STATUS_BY_KIND)
    assert set(STATUS_BY_KIND) == {"invalid", "forbidden", "conflict", "closed", "throttled"}
