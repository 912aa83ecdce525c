"""Celery tasks for accounts: thin wrappers over the email sending."""

from celery import shared_task

from .emails import email_deliver
from .models import Organisation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(*, template: str, to: str, context: dict, language: str) -> None:
    """Send one account email; ``context["organisation_id"]`` becomes its masked name."""
    context = dict(context)
    organisation_id = context.pop("organisation_id", None)
    if organisation_id is not None:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            return
        context["organisation"] = organisation
    email_deliver(template=template, to=to, context=context, language=language)
