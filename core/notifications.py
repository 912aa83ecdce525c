"""How an app tells a person something at once without importing the app that sends it.

The digests own the outbox of immediate notifications and sit on the top
layer of apps; positions, beside them, may not import them. Such an app sends
``notification_due`` instead, inside its write's transaction, with ``user``,
``kind`` (a notification kind the digests know), ``subject_template``,
``body_template`` and ``objects`` (model instances the message is about); the
digests put the message in their outbox, so it commits with the write.
"""

from django.dispatch import Signal

notification_due = Signal()
