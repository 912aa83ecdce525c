"""Declared filters of the recommendation endpoints; nothing else is accepted."""

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from .models import Recommendation, Session, Theme
from .selectors import recommendation_search

SEARCH_MAX_LENGTH = 200


class RecommendationFilter(django_filters.FilterSet):
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.all(),
        to_field_name="slug",
        help_text=_("A session's slug."),
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        help_text=_("A theme's slug."),
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words to search for in the title, text and examples; best matches first."),
    )

    class Meta:
        model = Recommendation
        fields = ["session", "theme", "q"]

    def search(self, queryset, name, value):
        results = recommendation_search(query=value)
        ids = [result.recommendation.pk for result in results]
        if not ids:
            return queryset.none()
        rank = Case(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
            output_field=IntegerField(),
        )
        return queryset.filter(pk__in=ids).order_by(rank)
