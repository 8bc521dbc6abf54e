"""RIS is read back with rispy and compared tag by tag."""

from __future__ import annotations

import rispy

from app.exporters import get_exporter
from tests.exporters.conftest import ARTICLE_DOI, TITLE_EN, TITLE_RU


def parse(body: bytes) -> list[dict]:
    return rispy.loads(body.decode("utf-8"))


def test_article_round_trips(article) -> None:
    body = get_exporter("ris").render("article", article)
    (record,) = parse(body)
    assert record["type_of_reference"] == "JOUR"
    assert record["title"] == TITLE_RU
    assert record["translated_title"] == TITLE_EN
    assert record["authors"] == ["Иванова, Анна Петровна", "Məmmədov, Rəşad"]
    assert record["secondary_title"] == "Вестник клинической иммунологии"
    assert (record["year"], record["date"]) == ("2023", "2023/09/15/")
    assert (record["volume"], record["number"]) == ("12", "3")
    assert (record["start_page"], record["end_page"]) == ("45", "52")
    assert record["doi"] == ARTICLE_DOI
    assert record["language"] == "ru"
    assert record["keywords"] == [k for words in article.keywords.values() for k in words]
    assert record["file_attachments1"].endswith("/download/42/99")


def test_lines_end_with_crlf_and_have_no_counter_lines(article) -> None:
    text = get_exporter("ris").render("article", article).decode()
    assert text.startswith("TY  - JOUR\r\n")
    assert "\r\nER  - " in text
    assert not any(line.rstrip().rstrip(".").isdigit() for line in text.splitlines())


def test_reference_list_is_one_file(references) -> None:
    records = parse(get_exporter("ris").render("references", references))
    assert [r["type_of_reference"] for r in records] == ["JOUR", "JOUR", "CHAP", "BOOK", "GEN"]
    assert records[0]["doi"] == "10.1000/jcir.2019.0152"
    assert records[0]["authors"] == ["Smith, J", "Brown, K", "Lee, H"]
    assert records[2]["secondary_authors"] == ["Green, B"]
    assert records[2]["secondary_title"] == "Pediatric Immunology"
    assert (records[2]["start_page"], records[2]["end_page"]) == ("210", "225")
    assert records[3]["publisher"] == "Медицина"
    assert records[4]["title"].startswith("Annual report")


def test_single_reference(references) -> None:
    (record,) = parse(get_exporter("ris").render("reference", references[1]))
    assert record["title"] == "Иммунный ответ при ангине"


def test_multiline_values_are_flattened(article) -> None:
    changed = article.model_copy(update={"abstract": {"ru": "first line\nsecond line"}})
    (record,) = parse(get_exporter("ris").render("article", changed))
    assert record["abstract"] == "first line second line"
