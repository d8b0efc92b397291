"""The one small interface through which matters reach the reviews module.

Any app whose matter completes sends ``portal.core.signals.matter_completed`` (see its
docstring): applications/work orders today, licence applications and the HV e-assistant when
they land. We store the matter by generic relation plus what the signal says about it, and
never import the sender's app.
"""

from portal.core.signals import matter_completed


def on_matter_completed(
    sender, *, matter, user, kind, title, business="", business_label="", staff=None, unit="", **kwargs
) -> None:
    from evaluations.services import open_review_item

    if user is None:
        return
    open_review_item(
        matter=matter,
        user=user,
        kind=kind,
        title=title,
        business=business,
        business_label=business_label,
        staff=staff,
        unit=unit,
    )


def connect() -> None:
    matter_completed.connect(on_matter_completed, dispatch_uid="evaluations.open_review_item")
