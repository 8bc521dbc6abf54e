# Locked install, run as an unprivileged user; on start: migrate, seed when empty, serve.
# Build: docker build -t journal-api .   Run with PostgreSQL: docker compose up (compose.yaml).
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    LOG_FORMAT=json \
    RATE_LIMITS=1 \
    DATABASE_URL=sqlite:////data/journal.db

WORKDIR /app
RUN python -m pip install --no-cache-dir --root-user-action=ignore uv==0.13.8

COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python "$(command -v python)"

COPY alembic.ini ./
COPY migrations ./migrations
COPY seed ./seed
COPY app ./app

RUN useradd --system --uid 10001 --home /app journal && mkdir -p /data && chown journal /data
USER journal
VOLUME /data
EXPOSE 8000

# /health answers 200 only when the database answers too; no curl in the slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/.venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health\", timeout=4)"]

CMD ["sh", "-c", ".venv/bin/python -m app migrate && .venv/bin/python -m app seed --if-empty && exec .venv/bin/python -m app serve"]
