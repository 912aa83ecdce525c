from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static


def home(request):
    from exports.selectors import delegate_download_links

    return render(
        request,
        "portal/home.html",
        {"delegate_downloads": delegate_download_links(request.user)},
    )


def code_of_conduct(request):
    return render(request, "portal/code_of_conduct.html")


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("favicon.svg"))
