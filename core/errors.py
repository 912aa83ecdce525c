"""The one exception a service raises when the portal's rules refuse an action.

Pages show its ``message``; the API answers with the status ``STATUS_BY_KIND`` gives its
``kind``, in the portal's error shape. This module imports no app of the portal.
"""

from http import HTTPStatus
from typing import Literal

Kind = Literal["invalid", "forbidden", "conflict", "closed", "throttled"]

STATUS_BY_KIND: dict[str, HTTPStatus] = {
    "invalid": HTTPStatus.BAD_REQUEST,
    "forbidden": HTTPStatus.FORBIDDEN,
    "conflict": HTTPStatus.CONFLICT,
    # The same request succeeds while the consultation is open: a state, not bad input.
    "closed": HTTPStatus.CONFLICT,
    "throttled": HTTPStatus.TOO_MANY_REQUESTS,
}


class Refusal(Exception):
    """A write the rules refuse; ``message`` is a translated, whole sentence for the person.

    ``kind`` says why, and so the API's status (``STATUS_BY_KIND``): "invalid" (the request
    itself, the default), "forbidden" (this person may not), "conflict" (the current state of
    things does not allow it), "closed" (the consultation is outside its window) or
    "throttled" (too many tries). ``field`` names the form or request field at fault, if one
    is. A refusal that hands its caller more (the revision that won a race) subclasses this
    one, so every page and the API still catch it and map its kind through the same table.
    """

    def __init__(self, message: str, *, kind: Kind = "invalid", field: str | None = None):
        if kind not in STATUS_BY_KIND:
            raise ValueError(f"Not a kind of refusal: {kind!r}")
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.field = field
