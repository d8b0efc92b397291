"""gunicorn settings (``gunicorn -c python:portal.gunicorn_conf``): the access log keeps no
query strings (admin searches carry full phone numbers: ``?q=138…``) and masks any phone or ID
number left in a path or a referrer. Loaded by gunicorn before Django, so it imports no Django."""

import os
import re

from gunicorn.glogging import Logger

from portal.core.masking import mask_text

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
timeout = 60
accesslog = "-"
# %(U)s is the path without the query string; %(f)s (the referrer) is cut at "?" below.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'

_QUERY = re.compile(r"\?[^\s\"]*")


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in list(atoms.items()):
            if isinstance(value, str):
                value = "" if key == "q" else _QUERY.sub("", value) if key in ("r", "f") else value
                atoms[key] = mask_text(value)
        return atoms


logger_class = MaskingLogger
