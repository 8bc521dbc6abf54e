"""Bounds of the page loader: page size, field length, wrong encodings. Each failure is one line."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from app.ingest.ojs_page import PageLimits, decode_page, parse_page, read_page
from app.ingest.records import PageError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_TEXT = (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")


def _one_line(error: pytest.ExceptionInfo[PageError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_page_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)
    with pytest.raises(PageError, match="over the 4 KiB limit") as error:
        read_page(path, max_bytes=4096)
    assert "LOAD_MAX_PAGE_BYTES" in _one_line(error)


def test_a_utf7_resave_of_a_cyrillic_page_is_refused():
    data = SEED_TEXT.encode("utf-7")
    assert data.decode("utf-8")  # it decodes as UTF-8: only its content gives it away
    with pytest.raises(PageError, match="UTF-7") as error:
        decode_page(data)
    _one_line(error)


def test_a_page_declaring_utf7_is_refused():
    with pytest.raises(PageError, match="UTF-7"):
        decode_page(b'<html><head><meta charset="utf-7"></head><body>x</body></html>')


@pytest.mark.parametrize("wrong", ["cp1251", "latin-1"])
def test_mojibake_is_refused(wrong):
    mojibake = SEED_TEXT.encode("utf-8").decode(wrong, errors="replace").replace("\ufffd", "?")
    with pytest.raises(PageError, match="mojibake") as error:
        decode_page(mojibake.encode("utf-8"))
    _one_line(error)


def test_real_text_in_many_scripts_is_not_taken_for_mojibake():
    text = SEED_TEXT + "\nSão Paulo — “citação”, Łódź, İstanbul, Ağrı; Київ, Тошкент; Ñandú.\n"
    assert decode_page(text.encode("utf-8")) == text
    assert decode_page(codecs.BOM_UTF8 + text.encode("utf-8")) == text


def test_a_field_over_the_length_limit_is_refused_with_its_name():
    title = "The importance of lymphocyte-immunotherapy"
    long_reference = "Smith J. " + "word " * 400 + "2019. doi:10.1/x"
    text = SEED_TEXT.replace("Wang WJ (2014)", long_reference + "\n\nWang WJ (2014)")
    with pytest.raises(PageError, match=r"reference \d+ is [\d,]+ characters") as error:
        parse_page(text, limits=PageLimits(max_field_chars=1000))
    assert "LOAD_MAX_FIELD_CHARS" in _one_line(error)
    assert parse_page(text).titles["en"].startswith(title)
