from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    label = "evaluations"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from evaluations.events import register_review_events
        from evaluations.receivers import connect

        register_review_events()
        connect()
