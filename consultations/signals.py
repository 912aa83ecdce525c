"""What consultations tells the apps above it, which it never imports."""

from django.dispatch import Signal

# Someone replied to a comment. Sent inside the reply's transaction with the
# reply as ``comment``, so a receiver's writes (the digests' outbox) commit with it.
comment_replied = Signal()
