"""The portal's own emails about accounts, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def email_render(*, template: str, context: dict, language: str) -> tuple[str, str]:
    """The subject and plain-text body of ``templates/accounts/email/<template>_*.txt``."""
    with translation.override(language):
        full_context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", full_context)
        body = render_to_string(f"accounts/email/{template}_message.txt", full_context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return subject, body


def email_deliver(*, template: str, to: str, context: dict, language: str) -> None:
    subject, body = email_render(template=template, context=context, language=language)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
