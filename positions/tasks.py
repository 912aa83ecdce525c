"""Celery tasks for positions: thin wrappers that send notifications."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Amendment, ParagraphComment, Position

TEMPLATES = {"amendment_decided", "comment_resolved", "signatures_ended", "editor_added"}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send(*, user_id: int, template: str, position_id: int, context: dict) -> None:
    """Email one person about a position, in their language; ids in, nothing sensitive queued."""
    if template not in TEMPLATES:
        return
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    position = Position.objects.select_related("consultation").filter(pk=position_id).first()
    if user is None or position is None or user.is_former_participant:
        return
    full_context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "user": user,
        "position": position,
    }
    if "amendment_id" in context:
        full_context["amendment"] = Amendment.objects.filter(pk=context["amendment_id"]).first()
    if "comment_id" in context:
        full_context["comment"] = ParagraphComment.objects.filter(pk=context["comment_id"]).first()
    language = user.interface_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"positions/email/{template}_subject.txt", full_context)
        body = render_to_string(f"positions/email/{template}_message.txt", full_context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
