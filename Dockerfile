# The production image of the portal. One image, three roles (see docker-compose.yml):
# gunicorn serves the site, `celery worker` runs tasks, `celery beat` schedules them.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz, Chinese PDFs a CJK font, compilemessages gettext.
# Same list as scripts/install-system-packages.sh (tests/core/test_deployment.py keeps them in step).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Every package from the lock file (versions and hashes of the transitive dependencies too, the
# same set CI tested), copied alone so that this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock \
 && rm requirements.lock

COPY . .

# Hashed, compressed static files served by WhiteNoise; translations compiled from the .po
# sources. The settings refuse to load without a SECRET_KEY when DEBUG is off: these two
# commands get a throw-away one that never reaches the running containers.
ENV STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage \
    STATIC_ROOT=/app/staticfiles \
    PRIVATE_MEDIA_ROOT=/app/var/private \
    WEB_CONCURRENCY=3
# (compilemessages refuses to run when no locale/ folder exists at all, hence the mkdir.)
# (The settings refuse placeholder keys, so the throw-away key is a random one.)
RUN mkdir -p locale \
 && export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
 && python manage.py compilemessages --ignore=.venv -v 0 \
 && python manage.py collectstatic --noinput -v 0

# Run as an unprivileged user; only var/ (private uploads, generated PDFs) is writable.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/portal portal \
 && mkdir -p /app/var/private \
 && chown -R portal:portal /app/var
USER portal

EXPOSE 8000
# gunicorn takes its worker count from WEB_CONCURRENCY.
# Access log without query strings and with phones masked (portal/gunicorn_conf.py).
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi:application"]
