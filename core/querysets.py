"""Querysets whose bulk writes are signalled row by row, as ``save()`` signals one row.

Django sends ``post_save`` for ``save()`` and ``post_delete`` for every row a
queryset deletes, but nothing for ``update()`` or ``bulk_create()``: code that
keeps something in step with the rows (the cache versions in
portal.invalidation) would have to be called by hand after each. On models
whose manager is built from ``SignallingQuerySet`` both send ``rows_written``
with each row, and receivers connect to it as to ``post_save``.

Which rows ``update()`` wrote: those named with ``of(row, ...)`` (which also
filters on their ids) or ``written_as(row, ...)`` (which only names them),
at no cost; otherwise, when anyone listens, the rows the filter matches, read
before the update (one query). Naming rows only saves that query: forgetting
it never loses a signal. A named row needs only the fields receivers read
(its id and foreign keys), so an unsaved stand-in will do.
"""

from django.db import models
from django.dispatch import Signal

# Sent with sender=<model>, instance=<row>, update_fields=<names or None>, created=<bool>.
rows_written = Signal()


class SignallingQuerySet(models.QuerySet):
    _named_rows: tuple | None = None

    def of(self, *rows):
        """These rows, known in memory: ``update()`` signals them without reading them again."""
        return self.filter(pk__in=[row.pk for row in rows]).written_as(*rows)

    def written_as(self, *rows):
        """What ``update()`` writes is these rows (stand-ins for the filter's): signal them."""
        clone = self._chain()
        clone._named_rows = rows
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._named_rows = self._named_rows
        return clone

    def update(self, **kwargs):
        listening = rows_written.has_listeners(self.model)
        rows = self._named_rows
        if listening and rows is None:
            rows = list(self)
        count = super().update(**kwargs)
        if listening and count:
            for row in rows:
                rows_written.send(
                    sender=self.model, instance=row, update_fields=frozenset(kwargs), created=False
                )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if rows_written.has_listeners(self.model):
            for row in created:
                rows_written.send(sender=self.model, instance=row, update_fields=None, created=True)
        return created


SignallingManager = models.Manager.from_queryset(SignallingQuerySet)
