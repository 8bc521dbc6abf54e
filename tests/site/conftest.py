"""Site tests use the API test clients (the site is the API's HTML)."""

from tests.api.conftest import client, corpus_client, corpus_engine, corpus_statements, seeded

__all__ = ["client", "corpus_client", "corpus_engine", "corpus_statements", "seeded"]
