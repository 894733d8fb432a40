# syntax=docker/dockerfile:1
# The gateway service's image. Build from the repository root (the build context), e.g.
#   docker build -f deploy/images/gateway.Dockerfile -t pas-gateway:0.1.0 .
# It holds the shared library and this service only. Migrations are a separate one-shot run of
# the same image, before a new version starts (deploy/README.md):
#   docker run --rm -e PAS_GATEWAY_DATABASE_URL=... pas-gateway:0.1.0 python /app/migrate.py gateway

FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /app
# constraints.txt pins every transitive dependency, as on the developers' machines.
COPY constraints.txt /app/constraints.txt
COPY shared/pyproject.toml /app/shared/pyproject.toml
COPY shared/src /app/shared/src
COPY services/gateway/pyproject.toml services/gateway/alembic.ini /app/services/gateway/
COPY services/gateway/src /app/services/gateway/src
COPY services/gateway/migrations /app/services/gateway/migrations
COPY deploy/images/migrate.py /app/migrate.py
# Editable installs keep the source layout the service expects (alembic.ini and migrations/
# beside src/, found from the package's own path) at the same place in the runtime stage.
RUN /opt/venv/bin/pip install --no-cache-dir -c /app/constraints.txt -e /app/shared -e /app/services/gateway \
    && /opt/venv/bin/python -m compileall -q /app/shared/src /app/services/gateway/src /app/services/gateway/migrations

FROM python:3.11.14-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PAS_GATEWAY_HOST=0.0.0.0 \
    PAS_GATEWAY_PORT=8000 \
    PAS_GATEWAY_MIGRATE_ON_START=false
RUN groupadd --system --gid 10001 pas \
    && useradd --system --uid 10001 --gid pas --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pas
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]
CMD ["uvicorn", "pas_gateway.main:create", "--factory", "--host", "0.0.0.0", "--port", "8000"]
