from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Renders every form field with the portal's accessible field template: a visible label,
    help text and errors tied to the input by aria-describedby."""

    field_template_name = "components/field.html"
