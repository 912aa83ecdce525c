"""Lookups shared by the position pages."""

from django.http import Http404

from consultations.services import consultation_closed_message

from .. import selectors
from ..models import Position


def _position(pk: int) -> Position:
    try:
        return selectors.position_get(pk=pk)
    except Position.DoesNotExist:
        raise Http404 from None


def _frozen_message(position: Position) -> str | None:
    if not position.consultation.is_open:
        return consultation_closed_message(consultation=position.consultation)
    return None
