from django.conf import settings


def portal(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    if getattr(request, "page_cache_render", False):
        # A page rendered for the anonymous page cache carries a placeholder that
        # portal.page_cache replaces with each visitor's own token.
        from .page_cache import CSRF_PLACEHOLDER

        context["csrf_token"] = CSRF_PLACEHOLDER
    return context
