"""The portal's allauth adapter: account emails go out in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        if user is None or not getattr(user, "pk", None):
            user = get_user_model().objects.filter(email__iexact=email).first()
        language = (
            getattr(user, "interface_language", "")
            or translation.get_language()
            or settings.LANGUAGE_CODE
        )
        context = {**context, "portal_name": settings.SITE_NAME, "portal_url": settings.SITE_URL}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
