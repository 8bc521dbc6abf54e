"""Language tags (BCP 47) of short texts in OJS locales: titles, keywords, abstracts.

The UI language of the page is a hint; without it (an English UI over Indonesian or Czech
content is common) letters and a wider detector decide.
"""

from __future__ import annotations

import pytest

from app.ingest.ojs_page.labels import language_of

# (tag, text, decided without the UI's hint)
SAMPLES = [
    ("id", "Analisis kinerja keuangan perusahaan daerah air minum", True),
    ("id", "Pengaruh pupuk organik cair terhadap pertumbuhan tanaman cabai rawit", False),
    ("ms", "Kajian ini bertujuan untuk mengenal pasti tahap kesediaan guru", True),
    ("vi", "Ảnh hưởng của phân bón hữu cơ đến năng suất lúa", True),
    ("hr", "Utjecaj gnojidbe dušikom na prinos ozime pšenice", True),
    ("cs", "Vliv hnojení dusíkem na výnos ozimé pšenice", True),
    ("ro", "Influența fertilizării cu azot asupra producției de grâu de toamnă", True),
    ("hu", "A nitrogéntrágyázás hatása az őszi búza termésére", True),
    ("ca", "L'avaluació formativa a l'educació secundària rural", True),
    ("uz", "Maktab o‘quvchilarining kasbiy yo‘nalishini aniqlash", True),
    ("uz", "O'zbekistonda qishloq xo'jaligi mahsulotlari eksporti", True),
    ("uz", "Ўзбекистонда қишлоқ хўжалиги маҳсулотлари экспорти", True),
    ("uz", "Bolalarda temir tanqisligi anemiyasining tarqalishi va profilaktikasi", False),
    ("kk", "Қазақстандағы жоғары білім беру жүйесінің дамуы", True),
    ("az", "Ümumtəhsil məktəblərində inklüziv təhsilin tətbiqi problemləri", True),
    ("tr", "Uzaktan eğitim sürecinde üniversite öğrencilerinin akademik motivasyonu", True),
    ("pt", "Adesão ao tratamento da hipertensão arterial em unidades básicas de saúde", True),
    ("es", "Prácticas de lectura académica de estudiantes universitarios", True),
    ("en", "Groundwater recharge estimates from soil moisture monitoring", True),
    ("en", "soil moisture; groundwater recharge", True),
]


@pytest.mark.parametrize(("tag", "text", "alone"), SAMPLES, ids=[s[1][:30] for s in SAMPLES])
def test_with_the_pages_ui_language(tag: str, text: str, alone: bool) -> None:
    assert language_of(text, tag) == tag


@pytest.mark.parametrize(
    ("tag", "text"), [(t, x) for t, x, alone in SAMPLES if alone], ids=lambda v: str(v)[:30]
)
@pytest.mark.parametrize("ui", [None, "en"])
def test_without_a_matching_ui_language(tag: str, text: str, ui: str | None) -> None:
    assert language_of(text, ui) == tag


def test_indonesian_and_malay_follow_the_ui_when_it_is_one_of_them() -> None:
    text = "Pengaruh pupuk organik cair terhadap pertumbuhan tanaman cabai rawit"
    assert language_of(text, "id") == "id"
    assert language_of(text, "ms") == "ms"
