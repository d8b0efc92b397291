import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage outside every public URL, rooted at PRIVATE_MEDIA_ROOT (read each time, so
    tests can point it at a temporary folder). Files leave only through the download view."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the document's download view.")
