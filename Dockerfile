# The keywork API, for docker-compose.yml: it uses the `postgres` service, not the embedded one.

# GOV.UK Frontend for the pages, from the npm registry as package-lock.json pins it.
FROM node:20-slim AS frontend
WORKDIR /frontend
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY store ./store
COPY services ./services
COPY projections ./projections
COPY api ./api
COPY consumers ./consumers
COPY demo ./demo
RUN pip install .
COPY --from=frontend /frontend/node_modules/govuk-frontend/dist/govuk /app/govuk-frontend

RUN useradd --system --create-home --home-dir /home/keywork keywork \
    && mkdir -p /var/lib/keywork-erasures && chown keywork /var/lib/keywork-erasures
USER keywork
WORKDIR /home/keywork

# Reachable from outside the container; the port is the one docker-compose.yml publishes.
ENV KEYWORK_HOST=0.0.0.0 \
    KEYWORK_PORT=8000 \
    KEYWORK_DATA_DIR=/home/keywork/.keywork \
    KEYWORK_FRONTEND_DIR=/app/govuk-frontend
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]

# Exec form: keywork is PID 1 and gets the SIGTERM of `docker stop` itself.
CMD ["keywork", "run"]
