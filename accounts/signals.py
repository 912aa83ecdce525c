"""What accounts tells the apps above it, which it never imports."""

from django.dispatch import Signal

# A moderator verified or rejected an organisation. Sent inside the deciding
# transaction with ``organisation``, ``verified`` (bool) and ``reason``, so a
# receiver's writes (the digests' outbox) commit or roll back with the decision.
organisation_decided = Signal()
