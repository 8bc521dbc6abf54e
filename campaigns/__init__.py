"""Long campaigns against live servers, outside ``make test``: ``make fuzz`` and ``make chaos``."""
