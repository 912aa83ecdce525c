from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from accounts.decorators import moderator_required
from accounts.models import Organisation, VerificationStatus
from consultations.models import Flag


def home(request):
    from consultations.selectors import consultation_list
    from exports.selectors import delegate_download_links

    current = [c for c in consultation_list() if c.status in ("open", "upcoming")]
    return render(
        request,
        "portal/home.html",
        {
            "delegate_downloads": delegate_download_links(user=request.user),
            "open_consultations": [c for c in current if c.status == "open"],
            "upcoming_consultations": [c for c in current if c.status == "upcoming"],
        },
    )


def code_of_conduct(request):
    return render(request, "portal/code_of_conduct.html")


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@moderator_required
def moderation_home(request):
    """The moderators' starting point: what waits for a decision, and every tool."""
    context = {
        "pending_organisations": Organisation.objects.filter(
            status=VerificationStatus.PENDING
        ).count(),
        "open_flags": Flag.objects.filter(resolved_at__isnull=True).count(),
    }
    return render(request, "portal/moderation_home.html", context)
