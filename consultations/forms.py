from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from activity.models import ModerationAction
from core.converters import LARGEST_ID
from recommendations.models import Recommendation, Session

from .models import (
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    SYNTHESIS_MAX_LENGTH,
    Consultation,
    ConsultationScope,
    FlagReason,
    Forum,
    Stance,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = ["name", "city", "country", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A Forum meeting cannot end before it starts."))
        return cleaned


class ClosingFieldsMixin(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("In your time zone."),
    )
    closes_anywhere_on_earth = forms.BooleanField(
        label=_("Close at the end of a day anywhere on Earth instead"),
        required=False,
        help_text=_(
            "The consultation then stays open until 23:59 on the chosen date in the last time "
            "zone on Earth (UTC−12), so that no region loses hours to the organisers' time zone."
        ),
    )
    closes_on = forms.DateField(label=_("Closing date"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("closes_anywhere_on_earth"):
            if not cleaned.get("closes_on"):
                self.add_error("closes_on", _("Choose the closing date."))
        elif not cleaned.get("closes_at"):
            self.add_error("closes_at", _("Choose the closing time."))
        return cleaned


class ConsultationForm(ClosingFieldsMixin, forms.Form):
    forum = forms.ModelChoiceField(label=_("Forum meeting"), queryset=Forum.objects.all())
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        help_text=_("Markdown: *emphasis*, **strong**, lists and links."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"), widget=DateTimeInput(), help_text=_("In your time zone.")
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ConsultationScope.choices,
        widget=forms.RadioSelect,
        initial=ConsultationScope.ALL,
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions"),
        required=False,
        queryset=Session.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple,
    )
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations"),
        required=False,
        queryset=Recommendation.objects.select_related("session").order_by(
            "session__number", "number"
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    moderator_emails = forms.CharField(
        label=_("Moderators of this consultation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Email addresses, one per line. Portal moderators moderate every consultation."
        ),
    )

    field_order = [
        "forum",
        "title",
        "description",
        "opens_at",
        "closes_at",
        "closes_anywhere_on_earth",
        "closes_on",
        "scope",
        "sessions",
        "recommendations",
        "moderator_emails",
    ]

    def __init__(self, *args, can_choose_moderators: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_moderators:
            del self.fields["moderator_emails"]

    def clean_moderator_emails(self):
        emails = [
            line.strip().lower()
            for line in self.cleaned_data.get("moderator_emails", "").splitlines()
            if line.strip()
        ]
        users = list(get_user_model().objects.filter(email__in=emails))
        found = {user.email.lower() for user in users}
        missing = [email for email in emails if email not in found]
        if missing:
            raise forms.ValidationError(
                _("No account uses these addresses: %(emails)s.") % {"emails": ", ".join(missing)}
            )
        return users

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == ConsultationScope.SESSIONS and not cleaned.get("sessions"):
            self.add_error("sessions", _("Choose at least one session."))
        if scope == ConsultationScope.RECOMMENDATIONS and not cleaned.get("recommendations"):
            self.add_error("recommendations", _("Choose at least one recommendation."))
        return cleaned

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict:
        return {
            "forum": consultation.forum_id,
            "title": consultation.title,
            "description": consultation.description,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "closes_anywhere_on_earth": consultation.closes_anywhere_on_earth,
            "closes_on": consultation.closing_date_anywhere_on_earth
            if consultation.closes_anywhere_on_earth
            else None,
            "scope": consultation.scope,
            "sessions": list(consultation.sessions.values_list("pk", flat=True)),
            "recommendations": list(consultation.recommendations.values_list("pk", flat=True)),
            "moderator_emails": "\n".join(consultation.moderators.values_list("email", flat=True)),
        }


class ExtendForm(ClosingFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), required=False, max_length=REASON_MAX_LENGTH
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), required=False, max_length=REASON_MAX_LENGTH
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Markdown: *emphasis*, **strong**, lists and links. At most 5,000 characters."),
    )
    organisation = forms.TypedChoiceField(
        label=_("Post as"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "Only members of a verified organisation can post on its behalf. "
                "You can post as yourself."
            )
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        myself = str(user) if user is not None and user.is_authenticated else _("myself")
        choices = [("", _("Myself (%(name)s)") % {"name": myself})]
        choices += [
            (org.pk, _("On behalf of %(organisation)s") % {"organisation": org.name_for(user)})
            for org in organisations
        ]
        self.fields["organisation"].choices = choices
        self.organisations = {org.pk: org for org in organisations}
        if len(choices) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write something first."))
        return body


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMMENT_MAX_LENGTH}),
    )


class EndorsementForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices, widget=forms.RadioSelect)
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": STATEMENT_MAX_LENGTH}),
        help_text=_("Required when you support with reservations or oppose: give your reasons."),
    )

    def __init__(self, *args, organisations=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (org.pk, org.name_for(user)) for org in organisations
        ]
        self.organisations = {org.pk: org for org in organisations}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("stance") in (Stance.RESERVATIONS, Stance.OPPOSE)
            and not (cleaned.get("statement") or "").strip()
        ):
            self.add_error(
                "statement",
                _("Give your reasons: a statement is required for reservations or opposition."),
            )
        return cleaned


class CosignForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Co-sign as"), coerce=int)
    endorsement = forms.IntegerField(widget=forms.HiddenInput, max_value=LARGEST_ID)

    def __init__(self, *args, organisations=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (org.pk, org.name_for(user)) for org in organisations
        ]
        self.organisations = {org.pk: org for org in organisations}


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details for the moderators (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuspendForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this address."))
        self.user = user
        return email


class SynthesisForm(forms.Form):
    body = forms.CharField(
        label=_("Synthesis"),
        max_length=SYNTHESIS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. A short, fair summary of the debate, as a rapporteur would give."),
    )


class AuditLogFilterForm(forms.Form):
    consultation = forms.TypedChoiceField(
        label=_("Consultation"), required=False, coerce=int, empty_value=None
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.EmailField(label=_("Moderator's email"), required=False)

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [("", _("All"))] + [
            (c.pk, c.title) for c in consultations
        ]
        self.fields["action"].choices = [("", _("All"))] + list(ModerationAction.Action.choices)
