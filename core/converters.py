"""Path converters shared by every app's URLs."""

from django.urls import register_converter

# The largest id a URL, a form or a query may carry: 18 digits fit any 64-bit integer column.
LARGEST_ID = 10**18 - 1


def parse_id(value: str) -> int | None:
    """A submitted id as a number, or None when it is not one a database can hold."""
    return int(value) if value.isdigit() and int(value) <= LARGEST_ID else None


class IdConverter:
    """A database id in a URL: up to 18 digits, which always fit a 64-bit integer.

    Anything longer, negative or not a number matches no URL, so it is a 404
    rather than an overflow in the database (SQLite refuses integers past
    2**63 - 1 with a server error).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
