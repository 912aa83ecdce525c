from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import search_terms

SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the recommendations"),
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "required": _("Enter a word or a phrase to search for."),
            "max_length": _("Your search is too long: use at most %(limit_value)d characters."),
        },
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not search_terms(query=query):
            raise forms.ValidationError(
                _("Enter a word or a phrase to search for."), code="no_words"
            )
        return query
