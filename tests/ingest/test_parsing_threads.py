"""The parser shared by request threads: its models open once, whoever asks first."""

from __future__ import annotations

import threading

from app.ingest import reference_model
from app.ingest.references import clear_caches, parse_reference


def test_threads_parsing_at_once_in_a_fresh_process_all_succeed() -> None:
    # A fresh server's first requests: every thread asks for the tagger at the same moment.
    reference_model._open_tagger.cache_clear()
    clear_caches()
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def parse(i: int) -> None:
        start.wait()
        try:
            parse_reference(f"Author{i} A. A threaded title number {i}. J Ex. 2020;{i}(2):10-20.")
        except BaseException as exc:  # noqa: BLE001 - any failure is the finding
            failures.append(exc)

    threads = [threading.Thread(target=parse, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
