from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .forms import SearchForm


@require_safe
def recommendation_list(request):
    return render(
        request,
        "recommendations/recommendation_list.html",
        {"sessions": selectors.session_list(), "themes": selectors.theme_list()},
    )


@require_safe
def session_detail(request, slug):
    return render(
        request,
        "recommendations/session_detail.html",
        {"session": selectors.session_get(slug=slug)},
    )


@require_safe
def recommendation_detail(request, slug):
    recommendation = selectors.recommendation_get(slug=slug)
    context = {
        "recommendation": recommendation,
        "session": recommendation.session,
        "related": selectors.recommendation_related(recommendation=recommendation),
        "permalink": request.build_absolute_uri(recommendation.get_absolute_url()),
    }
    context.update(
        selectors.recommendation_participation_context(
            recommendation=recommendation, request=request
        )
    )
    return render(request, "recommendations/recommendation_detail.html", context)


@require_safe
def theme_detail(request, slug):
    return render(
        request,
        "recommendations/theme_detail.html",
        {"theme": selectors.theme_get(slug=slug)},
    )


@require_safe
def search(request):
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        results = selectors.recommendation_search(query=form.cleaned_data["q"])
    return render(
        request,
        "recommendations/search.html",
        {"form": form, "results": results, "query": request.GET.get("q", "")},
    )
