"""Joint positions drafted by organisations inside a consultation.

A position's text lives only in its revisions, which are never changed once
written; the position keeps the number of its current revision so that a save
can tell whether it was based on the latest text.
"""

import hashlib
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 60000
MESSAGE_MAX_LENGTH = 300
COMMENT_MAX_LENGTH = 5000
PARAGRAPH_MAX_LENGTH = 10000
REASON_MAX_LENGTH = 1000

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_paragraphs(body: str) -> list[str]:
    """The blocks of a Markdown body, split on blank lines, stripped, empty ones dropped."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in _BLANK_LINE.split(text) if block.strip()]


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraph.strip() for paragraph in paragraphs if paragraph.strip())


def paragraph_hash(text: str) -> str:
    """A fingerprint of a paragraph that ignores changes of whitespace only."""
    normalised = " ".join((text or "").split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


class PositionStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    OPEN = "open", _("Open for signature")
    FINAL = "final", _("Final")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Which status may follow which; services refuse anything else.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    PositionStatus.DRAFTING: {PositionStatus.OPEN, PositionStatus.WITHDRAWN},
    PositionStatus.OPEN: {PositionStatus.DRAFTING, PositionStatus.FINAL, PositionStatus.WITHDRAWN},
    PositionStatus.FINAL: set(),
    PositionStatus.WITHDRAWN: {PositionStatus.DRAFTING},
}

# Activity verbs written by this app (plain strings: the digests map them generically).
VERB_POSITION_CREATED = "position_created"
VERB_POSITION_REVISED = "position_revised"
VERB_POSITION_OPENED = "position_opened_for_signature"
VERB_POSITION_REOPENED = "position_back_to_drafting"
VERB_POSITION_FINALISED = "position_finalised"
VERB_POSITION_WITHDRAWN = "position_withdrawn"
VERB_AMENDMENT_PROPOSED = "amendment_proposed"
VERB_AMENDMENT_ACCEPTED = "amendment_accepted"
VERB_AMENDMENT_REJECTED = "amendment_rejected"
VERB_POSITION_SIGNED = "position_signed"
VERB_SIGNATURE_WITHDRAWN = "position_signature_withdrawn"
VERB_PARAGRAPH_COMMENTED = "position_paragraph_commented"
VERB_CONTRIBUTION_RESOLVED = "position_contribution_resolved"
VERB_EDITOR_ADDED = "position_editor_added"

STATUS_VERBS = {
    PositionStatus.OPEN: VERB_POSITION_OPENED,
    PositionStatus.DRAFTING: VERB_POSITION_REOPENED,
    PositionStatus.FINAL: VERB_POSITION_FINALISED,
    PositionStatus.WITHDRAWN: VERB_POSITION_WITHDRAWN,
}


class Decision(models.TextChoices):
    INCORPORATED = "incorporated", _("Incorporated")
    PARTLY = "partly", _("Partly incorporated")
    NOT_TAKEN_UP = "not_taken_up", _("Not taken up")


class Position(models.Model):
    """A joint position drafted by organisations within a consultation."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        verbose_name=_("recommendations it responds to"),
        blank=True,
        related_name="positions",
    )
    lead_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_positions",
    )
    co_editing_organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("co-editing organisations"),
        blank=True,
        related_name="co_edited_positions",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PositionStatus.choices,
        default=PositionStatus.DRAFTING,
        db_index=True,
    )
    # The number of the latest revision; 0 before the first save.
    current_number = models.PositiveIntegerField(default=0)
    signature_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("positions:position-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (PositionStatus.FINAL, PositionStatus.WITHDRAWN)


class PositionEditor(models.Model):
    """A member an organisation designates to edit a position besides its representatives."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="editors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="position_editorships"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("designated editor")
        verbose_name_plural = _("designated editors")
        constraints = [
            models.UniqueConstraint(fields=["position", "user"], name="positions_editor_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} edits {self.position_id}"


class PositionRevision(models.Model):
    """One saved text of a position; never changed after it is written."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    # Credit for an accepted amendment, and the revision a restore copied.
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "number"], name="positions_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="positions_revision_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.position_id} r{self.number}"

    def get_absolute_url(self):
        return reverse("positions:revision-detail", args=[self.position_id, self.number])

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)


class Contribution(models.Model):
    """What a paragraph comment and an amendment share: an anchor and an editors' decision."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    # The revision the contribution was made on, and where in it.
    revision_number = models.PositiveIntegerField()
    paragraph_index = models.PositiveIntegerField()
    paragraph_hash = models.CharField(max_length=32, db_index=True)
    paragraph_text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class ParagraphComment(Contribution):
    """A comment on one paragraph of a position's text."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="paragraph_comments"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("paragraph comment")
        verbose_name_plural = _("paragraph comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("positions:position-detail", args=[self.position_id]) + (
            f"#paragraph-comment-{self.pk}"
        )


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Amendment(Contribution):
    """Replacement text for one paragraph, proposed with a justification."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="amendments")
    proposed_text = models.TextField(_("proposed text"), max_length=PARAGRAPH_MAX_LENGTH)
    justification = models.TextField(_("justification"), max_length=COMMENT_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.OPEN,
        db_index=True,
    )
    # Once accepted: the revision it produced and the hash of the paragraph as incorporated.
    result_revision_number = models.PositiveIntegerField(null=True, blank=True)
    result_hash = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("positions:amendment-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AmendmentStatus.OPEN


class Signature(models.Model):
    """An organisation's signature under a position, given by one of its representatives."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="position_signatures"
    )
    revision_number = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set when the signature ended because the text went back to drafting.
    withdrawn_for_change = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="positions_signature_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} signs {self.position_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
