"""collab's training notes ship in Russian too: one parallel file per category, saying the
same things about the same numbers, read by tasks and the API the same way."""

import re

import pytest

from collab.training import library
from collab.training.filled_notes import api_note
from collab.work.routing import CATEGORIES

PLACEHOLDER = re.compile(r"\{\w+\}")


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_each_category_has_a_russian_note_parallel_to_the_english_one(category):
    english = library.shipped_note(category)
    russian = library.shipped_note(category, "ru")
    assert (english.language, russian.language) == ("en", "ru")
    assert russian.kpis == english.kpis  # the same numbers, whatever the language
    assert russian.title != english.title
    assert set(PLACEHOLDER.findall(russian.body_md)) == set(PLACEHOLDER.findall(english.body_md))
    for heading in library.SECTIONS:
        assert library.section(russian.body_md, heading), heading
    assert re.search("[а-яё]", russian.body_md)


def test_a_language_without_a_text_gets_the_english_note_and_says_so():
    note = library.shipped_note("page_speed", "de")
    assert note.language == "en"
    assert note == library.shipped_note("page_speed")


def test_the_api_reads_a_russian_notes_sections_by_their_russian_headings():
    note = library.shipped_note("page_speed", "ru")
    answer = api_note(note, library.TaskFacts())
    assert answer["why"].startswith("Largest Contentful Paint показывает")
    assert answer["how_measured"].startswith("Мы сравниваем три показателя")
