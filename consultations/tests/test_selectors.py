import pytest

from consultations.selectors import suppress_gender_counts


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
    assert suppress_gender_counts(counts) == expected
