# syntax=docker/dockerfile:1
# The remission service's image. Build from the repository root (the build context), e.g.
#   docker build -f deploy/images/remission.Dockerfile -t pas-remission:0.1.0 .
# It holds the shared library and this service only. Migrations are a separate one-shot run of
# the same image, before a new version starts (deploy/README.md):
#   docker run --rm -e PAS_REMISSION_DATABASE_URL=... pas-remission:0.1.0 python /app/migrate.py remission

FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /app
# constraints.txt pins every transitive dependency, as on the developers' machines.
COPY constraints.txt /app/constraints.txt
COPY shared/pyproject.toml /app/shared/pyproject.toml
COPY shared/src /app/shared/src
COPY services/remission/pyproject.toml services/remission/alembic.ini /app/services/remission/
COPY services/remission/src /app/services/remission/src
COPY services/remission/migrations /app/services/remission/migrations
COPY deploy/images/migrate.py /app/migrate.py
# Editable installs keep the source layout the service expects (alembic.ini and migrations/
# beside src/, found from the package's own path) at the same place in the runtime stage.
RUN /opt/venv/bin/pip install --no-cache-dir -c /app/constraints.txt -e /app/shared -e /app/services/remission \
    && /opt/venv/bin/python -m compileall -q /app/shared/src /app/services/remission/src /app/services/remission/migrations

FROM python:3.11.14-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PAS_REMISSION_HOST=0.0.0.0 \
    PAS_REMISSION_PORT=8003 \
    PAS_REMISSION_MIGRATE_ON_START=false
RUN groupadd --system --gid 10001 pas \
    && useradd --system --uid 10001 --gid pas --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pas
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8003
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8003/healthz', timeout=2).status == 200 else 1)"]
CMD ["uvicorn", "pas_remission.main:create", "--factory", "--host", "0.0.0.0", "--port", "8003"]
