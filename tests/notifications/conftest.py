import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _urls_with_placeholders(settings):
    settings.ROOT_URLCONF = "tests.notifications.urls"


@pytest.fixture(autouse=True)
def _form_templates_findable(settings):
    """The portal's TemplatesSetting renderer needs "django.forms" in INSTALLED_APPS to find
    Django's widget templates (the admin's action <select>). Until that settings change is on
    this branch, render widgets with Django's own renderer; once it is, this does nothing."""
    if "django.forms" not in settings.INSTALLED_APPS:
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"


@pytest.fixture
def alice(db):
    """A customer with a phone (as everyone has) and an e-mail address."""
    return UserFactory(name="张丽", phone="13912345678", email="zhangli@example.com")


@pytest.fixture
def bob(db):
    """A customer without an e-mail address."""
    return UserFactory(name="王强", phone="13800001111")
