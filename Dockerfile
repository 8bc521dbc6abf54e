# Locked install; on start: migrate, seed when the database is empty, serve.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:////data/journal.db

WORKDIR /app
RUN python -m pip install --no-cache-dir uv==0.13.8

COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY alembic.ini ./
COPY migrations ./migrations
COPY seed ./seed
COPY app ./app

RUN useradd --system --home /app journal && mkdir -p /data && chown journal /data
USER journal
VOLUME /data
EXPOSE 8000

CMD ["sh", "-c", ".venv/bin/python -m app migrate && .venv/bin/python -m app seed --if-empty && exec .venv/bin/python -m app serve"]
