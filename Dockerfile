# The portal's image: web (gunicorn), Celery worker and Celery beat all run it.
# Build: docker-compose build  (or: docker build -t gfmd-portal .)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/app/var \
    DJANGO_ENV=production

# Every dependency ships a wheel for this platform (ReportLab, not WeasyPrint,
# so no system libraries); translations are compiled .mo files in the tree.
RUN groupadd --system --gid 1000 portal \
    && useradd --system --uid 1000 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image, compressed and fingerprinted.
# The secret key and host below exist only for this build step; the running
# container refuses to start without real ones from its environment.
ARG BUILD_SECRET_KEY=collectstatic-only-not-a-real-secret-key-0000000000000000
ARG BUILD_ALLOWED_HOSTS=build.invalid
RUN SECRET_KEY="$BUILD_SECRET_KEY" ALLOWED_HOSTS="$BUILD_ALLOWED_HOSTS" \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R portal:portal /app/var/media /app/var/beat

# The code and the static files stay owned by root: the app cannot rewrite them.
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "portal/gunicorn.conf.py", "portal.wsgi"]
