"""Which events reach a person, on which of their channels, and the weekly digest."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from .models import DIGEST_COVERS, PERSONAL, Notice, Preference

DIGEST = Notice.Event.WEEKLY_DIGEST


def channels():
    """The personal channels the site sends on (settings.KPI_NOTICE_CHANNELS)."""
    return [c for c in PERSONAL if c in settings.KPI_NOTICE_CHANNELS]


def events():
    return [e for e in Notice.Event if e != DIGEST]


def _name(event, channel):
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    """A checkbox per event and channel, then the digest's; filled with the person's
    choices or the defaults."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        chosen = Preference.objects.choices_of([user.pk])
        for event in [*events(), DIGEST]:
            for channel in channels():
                wanted = chosen.get((user.pk, event, channel), Preference.default(event))
                self.fields[_name(event, channel)] = forms.BooleanField(
                    required=False,
                    initial=wanted,
                    label=_("%(event)s: %(channel)s")
                    % {
                        "event": Notice.Event(event).label,
                        "channel": Notice.Channel(channel).label,
                    },
                )

    def rows(self):
        """[(event label, covered by the digest, [bound field per channel])]."""
        return [
            (Notice.Event(e).label, e in DIGEST_COVERS, [self[_name(e, c)] for c in channels()])
            for e in events()
        ]

    def digest(self):
        return [self[_name(DIGEST, c)] for c in channels()]

    def columns(self):
        return [Notice.Channel(c).label for c in channels()]

    def covered(self):
        return [Notice.Event(e).label for e in DIGEST_COVERS]

    def save(self):
        Preference.objects.choose(
            self.user,
            {
                (event, channel): self.cleaned_data[_name(event, channel)]
                for event in [*events(), DIGEST]
                for channel in channels()
            },
        )
