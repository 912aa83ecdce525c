from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import MembershipRole, Organisation, OrganisationKind, User


def _time_zone_choices():
    return [(name, name) for name in sorted(available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.TypedChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    interface_language = forms.ChoiceField(
        label=_("Interface language"),
        required=False,
        choices=[("", _("Same as the browser"))] + list(settings.LANGUAGES),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "country",
            "languages",
            "interface_language",
            "time_zone",
            "digest_frequency",
            "digest_weekday",
            "gender",
        ]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Organisation._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    at_risk_requested = forms.BooleanField(
        label=_("Ask to take part without public attribution (at-risk organisation)"),
        required=False,
        help_text=_(
            "If granted by a moderator, the organisation is shown everywhere as "
            '"an organisation from" its region, and only moderators know its name.'
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the representatives (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject; sent to the requester)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AtRiskForm(forms.Form):
    at_risk = forms.TypedChoiceField(
        label=_("At-risk status"),
        choices=[("1", _("Grant")), ("0", _("Revoke"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label=_("Reason (for the audit log)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
