"""Parsing cost per string is bounded: every step is linear, and the API caps length and words.

The strings of issue 10 (exponential initials, quadratic runs of spaces and digits) are regression
cases; a property test tries random and adversarial strings within the limits. Times are CPU
seconds of this process, so a busy machine does not make them flaky; the bound is generous
(a real reference takes about a millisecond) and catches anything super-linear.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest.identifiers import DOI_SPAN
from app.ingest.reference_limits import (
    MAX_REFERENCE_CHARS,
    MAX_REFERENCE_WORDS,
    reference_size_problem,
)
from app.ingest.references import parse_reference, warm_up

BOUND_SECONDS = 0.5


@pytest.fixture(scope="module", autouse=True)
def _models_loaded() -> None:
    """The bound is per string: the models' one-time load (half a second of CPU, a second on a
    busy machine; the server does it at start-up) must not land on whichever string is first."""
    warm_up()


class TooSlow(Exception):
    pass


@contextmanager
def wall_clock_alarm(seconds: float) -> Iterator[None]:
    """A regression must fail the test, not hang the suite for hours (the old backtracking)."""

    def expire(*_args: object) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cpu_seconds(raw: str) -> float:
    start = time.process_time()
    try:
        with wall_clock_alarm(20 * BOUND_SECONDS):
            parse_reference(raw)
    except TooSlow:
        return float("inf")
    return time.process_time() - start


ISSUE_STRINGS = {
    "initials backtracking": "Title / A." + "Q" * 34 + "1 // J. 2019.",
    "initials of many dotted pairs": "Smith J. " + "ab." * 1600 + "!",
    "spaces after Published": "Published" + " " * 9985 + "x",
    "tabs after Published": "Published" + "\t" * 4000 + "1 // J. 2019.",
    "digits": "1" * 10_000,
    "digit ranges": "1-" * 2500,
}


@pytest.mark.parametrize("raw", ISSUE_STRINGS.values(), ids=ISSUE_STRINGS.keys())
def test_the_strings_that_stalled_the_server_parse_quickly(raw: str) -> None:
    assert cpu_seconds(raw) < BOUND_SECONDS


def test_runs_of_doi_prefixes_are_scanned_once() -> None:
    # Every "10." of this run used to scan the rest of the string for a "/": 70 ms at 5,000
    # characters, so about 30 s at 105,000; linear, it is a few milliseconds.
    run = "10.1000" * 15_000
    start = time.process_time()
    with wall_clock_alarm(20 * BOUND_SECONDS):
        assert DOI_SPAN.search(run) is None
    assert time.process_time() - start < BOUND_SECONDS


# Units that make backtracking patterns explode when repeated (names, initials, numbers, marks).
UNITS = [
    " ", "1", "Q", "A.", "ab.", "A. ", "Ab, A., ", "1-", "1;", "(1)", "10.1000", "-", "–", ".",
    ",", "/", " / ", "//", "&", "et al ", "и др ", "Published ", "doi ", "http://", "Vol. ",
    "№ ", "С. ", "'", "«", "ə", "Я", "\u200f", "\t",
]
TAILS = ["", "!", "1", "x", "1 // J. 2019.", " 2019;5(1):1-2."]


@st.composite
def adversarial(draw: st.DrawFn) -> str:
    unit = draw(st.sampled_from(UNITS))
    head = draw(st.sampled_from(["", "Title / A.", "Smith J. ", "Ivanov I.I. Title // J. "]))
    tail = draw(st.sampled_from(TAILS))
    room = MAX_REFERENCE_CHARS - len(head) - len(tail)
    times = draw(st.integers(min_value=1, max_value=room // len(unit)))
    raw = head + unit * times + tail
    while reference_size_problem(raw):  # keep within the words limit too
        raw = raw[: len(raw) // 2]
    return raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(adversarial(), st.text(min_size=1, max_size=MAX_REFERENCE_CHARS)))
def test_any_string_within_the_limits_parses_within_the_bound(raw: str) -> None:
    if reference_size_problem(raw):
        return
    assert cpu_seconds(raw) < BOUND_SECONDS


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("x" * (MAX_REFERENCE_CHARS + 1), "characters"),
        ("a " * (MAX_REFERENCE_WORDS + 1), "words"),
    ],
)
def test_a_string_past_the_limits_is_refused_with_a_reason(raw: str, reason: str) -> None:
    problem = reference_size_problem(raw)
    assert problem is not None and reason in problem


def test_a_long_real_reference_is_within_the_limits() -> None:
    authors = ", ".join(f"Author{i} A" for i in range(100))
    assert reference_size_problem(f"{authors}. A long title. J Ex. 2020;1(2):3-4.") is None
