from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.core.errors import DomainError
from portal.core.models import CalendarOverride
from portal.core.workdays import WorkCalendar


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


class ReadOnlyAdminMixin:
    """For records the system keeps (logs, queues worked through custom pages): staff look,
    nobody adds, edits or deletes them from the admin forms."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PageCalendarChangeList(ChangeList):
    """After the page's rows are fetched, give every row what its clock needs from one
    working-day calendar (one query for the page, not one per row): ``obj._calendar`` and
    ``obj._today``."""

    def get_results(self, request):
        super().get_results(request)
        calendar, today = WorkCalendar.around(), timezone.localdate()
        for obj in self.result_list:
            obj._calendar, obj._today = calendar, today


class ProcessingPageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A backoffice whose change page is a processing page, not a model form: staff never edit
    the record, they act on it (accept, return, advance, reassign...) through services that
    check the role and the state. Used by the acceptance queue, the work orders, and next the
    HV e-assistant and the licence reviews.

    A subclass declares:

    * ``process_template`` — the page's template; it gets ``obj`` under ``context_object_name``
      plus what ``processing_context`` returns, the admin's usual context, and
      ``action_errors`` (the non-field errors of the forms being re-shown);
    * ``processing_actions`` — ``{"accept": "accept_view", ...}``: each becomes a POST-only URL
      ``<pk>/accept/`` named ``admin:<app>_<model>_accept`` calling that method with ``pk``
      (extra path parameters: ``{"collect": ("documents/<int:doc_pk>/collect/", "collect_view")}``);
    * ``get_processing_queryset(request)`` — what may be opened (select_related for the page);
    * ``processing_context(request, obj, forms)`` — the page's own context.

    An action view calls ``self.run_action(request, pk, form=..., key=..., action=lambda data: ...,
    success=lambda result: (message, url))``: a valid form runs the action; a ``DomainError``
    lands next to its field (or on top), and the page is shown again with what was typed
    (status 400), re-read from the database.
    """

    process_template: str = ""
    context_object_name = "object"
    processing_actions: dict = {}

    def get_processing_queryset(self, request):
        return self.get_queryset(request)

    def processing_context(self, request, obj, forms: dict) -> dict:
        return {}

    def processing_title(self, obj) -> str:
        return str(obj)

    def get_processing_object(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_processing_queryset(request), pk=pk)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        urls = []
        for name, target in self.processing_actions.items():
            route, method = target if isinstance(target, tuple) else (f"{name}/", target)
            view = wrap(require_POST(getattr(self, method)))
            urls.append(path(f"<int:pk>/{route}", view, name=f"{info[0]}_{info[1]}_{name}"))
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self.render_processing(request, self.get_processing_object(request, pk))

    def render_processing(self, request, obj, *, forms=None, status=200):
        forms = forms or {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.processing_title(obj),
            "subtitle": None,
            self.context_object_name: obj,
            "has_view_permission": True,
            **self.processing_context(request, obj, forms),
            "action_errors": [e for f in forms.values() for e in f.non_field_errors()],
        }
        return TemplateResponse(request, self.process_template, context, status=status)

    def run_action(self, request, pk, *, form, key, action, success, fresh_form=None):
        """Run ``action(cleaned_data)`` if ``form`` is valid; ``success(result)`` gives the
        message and the URL to go to. On failure the page is shown again with the form."""
        if form.is_valid():
            try:
                result = action(form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                message, url = success(result)
                messages.success(request, message)
                return HttpResponseRedirect(url)
        obj = self.get_processing_object(request, pk)
        if fresh_form is not None:
            fresh_form(form, obj)
        return self.render_processing(request, obj, forms={key: form}, status=400)
