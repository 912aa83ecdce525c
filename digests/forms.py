from django import forms

from .models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = [
            "comment_reply",
            "amendment_decided",
            "organisation_decided",
            "signed_position_changed",
        ]
