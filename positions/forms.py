"""Forms for positions: they parse and validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, VerificationStatus
from core.converters import LARGEST_ID

from .models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    PARAGRAPH_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Decision,
)


class _OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _OrganisationMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.public_name


class _RecommendationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.citation} {obj.title}"


class PositionDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    recommendations = _RecommendationChoice(
        label=_("Recommendations it responds to"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_editing_organisations = _OrganisationMultipleChoice(
        label=_("Co-editing organisations"),
        queryset=Organisation.objects.filter(status=VerificationStatus.VERIFIED),
        required=False,
        help_text=_("Their representatives, and members they designate, can edit the text."),
    )

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = recommendations


class PositionCreateForm(PositionDetailsForm):
    lead_organisation = _OrganisationChoice(label=_("Lead organisation"), queryset=None)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=BODY_MAX_LENGTH,
        required=False,
        help_text=_("Markdown. Separate paragraphs with a blank line."),
    )
    field_order = ["title", "lead_organisation", "recommendations", "co_editing_organisations"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        )


class RevisionForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Markdown. Separate paragraphs with a blank line."),
    )
    message = forms.CharField(
        label=_("What did you change?"), max_length=MESSAGE_MAX_LENGTH, required=False
    )
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm_reopen = forms.BooleanField(
        label=_(
            "I understand that saving sends this position back to drafting and ends its "
            "signatures; the organisations that signed will be told."
        ),
        required=False,
    )


class RestoreForm(forms.Form):
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm_reopen = forms.BooleanField(
        label=_("Send the position back to drafting and end its signatures."), required=False
    )


class CompareForm(forms.Form):
    old = forms.IntegerField(label=_("From revision"), min_value=1, max_value=LARGEST_ID)
    new = forms.IntegerField(label=_("To revision"), min_value=1, max_value=LARGEST_ID)


class ParagraphCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment on this paragraph"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
    )
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AmendmentForm(forms.Form):
    proposed_text = forms.CharField(
        label=_("Proposed text for this paragraph"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=PARAGRAPH_MAX_LENGTH,
    )
    justification = forms.CharField(
        label=_("Why this change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
    )
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AmendmentAcceptForm(forms.Form):
    text = forms.CharField(
        label=_("Text to incorporate"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=PARAGRAPH_MAX_LENGTH,
        help_text=_("Change it if you take the proposal up only in part, and say why below."),
    )
    reason = forms.CharField(
        label=_("Reason (shown to the proposer)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )
    confirm_reopen = forms.BooleanField(
        label=_("Send the position back to drafting and end its signatures."), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the proposer)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (shown to the author)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )


class SignForm(forms.Form):
    organisation = _OrganisationChoice(
        label=_("Sign on behalf of"), queryset=None, empty_label=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        )


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} ({obj.organisation.name})"


class EditorForm(forms.Form):
    membership = _MemberChoice(label=_("Member to designate as editor"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(organisation__in=[o.pk for o in organisations])
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__display_name")
        )
