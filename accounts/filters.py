"""Declared filters of the organisation directory endpoint."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import rules
from .models import Organisation, OrganisationKind
from .regions import REGIONS


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    region = django_filters.ChoiceFilter(choices=[(name, name) for name in REGIONS])
    country = django_filters.ChoiceFilter(
        choices=lambda: list(countries),
        method="filter_country",
        help_text=_("An ISO 3166 two-letter country code."),
    )

    class Meta:
        model = Organisation
        fields = ["kind", "region", "country"]

    def filter_country(self, queryset, name, value):
        queryset = queryset.filter(country=value)
        # As in the directory: a country would narrow down who an at-risk organisation is.
        if not rules.is_moderator(getattr(self.request, "user", None)):
            queryset = queryset.filter(is_at_risk=False)
        return queryset
