from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day whose working status differs from the built-in Chinese calendar, e.g. next year's
    holidays entered by staff before the library knows them."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, help_text=_("例如：2027年元旦、春节调休上班"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
