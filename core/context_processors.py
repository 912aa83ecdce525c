from django.conf import settings


def portal(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    marker = getattr(request, "page_cache_csrf_marker", None)
    if marker:
        # Where a page kept by core.page_cache holds the visitor's token: it
        # records these positions and puts each visitor's own token there.
        context["csrf_token"] = marker
    return context
