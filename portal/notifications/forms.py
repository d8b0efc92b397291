from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import SWITCHABLE_CHANNELS, Channel
from portal.notifications.selectors import PreferenceRow


def field_name(code: str, channel: str) -> str:
    return f"{code}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per event kind and switchable channel, laid out as a table by the template."""

    def __init__(self, *args, matrix: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for row in matrix:
            for channel in SWITCHABLE_CHANNELS:
                self.fields[field_name(row.kind.code, channel)] = forms.BooleanField(
                    required=False,
                    initial=row.enabled[channel],
                    # Read by screen readers; the table headers show the same to the eye.
                    label=_("%(event)s：%(channel)s") % {"event": row.kind.label, "channel": Channel(channel).label},
                )

    def table(self) -> list[tuple[PreferenceRow, list[forms.BoundField]]]:
        return [(row, [self[field_name(row.kind.code, c)] for c in SWITCHABLE_CHANNELS]) for row in self.matrix]

    def choices(self) -> dict[str, set[str]]:
        """``{event code: channels switched on}`` for every event in the form."""
        return {
            row.kind.code: {c for c in SWITCHABLE_CHANNELS if self.cleaned_data.get(field_name(row.kind.code, c))}
            for row in self.matrix
        }
