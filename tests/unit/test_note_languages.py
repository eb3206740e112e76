"""An organisation's note in each language (issue 12): which text each language's readers
get, when they are told the other language was edited, and whether they have read it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.models.notes import NoteRead, NoteVersion
from collab.platform.errors import ValidationFailed
from collab.training.library import shipped_note
from collab.training.reading import READ_STATES, state_in, state_of
from collab.training.versions import in_languages, note_language

KPIS = ("not_found_count",)


def _version(language: str, version: int, title: str) -> NoteVersion:
    return NoteVersion(
        category="broken_links",
        language=language,
        version=version,
        title=title,
        body_md="## Why it matters\nOurs.\n",
    )


def _texts(**rows: NoteVersion):
    return in_languages("broken_links", rows, KPIS)


def test_without_an_edit_each_language_reads_collabs_own_text_in_it():
    notes = _texts()
    for language in ("en", "ru"):
        shipped = shipped_note("broken_links", language)
        assert notes[language].note.title == shipped.title
        assert (notes[language].version, notes[language].note.language) == (0, language)
        assert notes[language].edited_elsewhere == ()
        assert not notes[language].untranslated
        assert notes[language].note.kpis == KPIS
    assert notes["ru"].note.title != notes["en"].note.title


@pytest.mark.parametrize(
    ("edited", "titles", "told"),
    [
        # Only Russian edited: English readers keep collab's English text and are told.
        ({"ru": 2}, {"en": None, "ru": "ru v2"}, {"en": ("ru",), "ru": ()}),
        # Only English edited: the mirror image.
        ({"en": 1}, {"en": "en v1", "ru": None}, {"en": (), "ru": ("en",)}),
        # Both edited: each reads its own, nobody is pointed elsewhere.
        ({"en": 3, "ru": 1}, {"en": "en v3", "ru": "ru v1"}, {"en": (), "ru": ()}),
    ],
)
def test_an_edit_in_one_language_leaves_the_other_as_it_was(edited, titles, told):
    rows = {lang: _version(lang, number, f"{lang} v{number}") for lang, number in edited.items()}
    notes = _texts(**rows)
    for language in ("en", "ru"):
        current = notes[language]
        expected = titles[language] or shipped_note("broken_links", language).title
        assert current.note.title == expected
        assert current.version == edited.get(language, 0)
        assert current.row is rows.get(language)
        assert current.edited_elsewhere == told[language]
        assert current.edited_in == tuple(lang for lang in ("en", "ru") if lang in edited)


def _read(language: str, version: int) -> NoteRead:
    return NoteRead(category="broken_links", language=language, version=version)


@pytest.mark.parametrize(
    ("reads", "versions", "language", "state"),
    [
        # Reading the English text is no read of the Russian one.
        ({"en": 3}, {"en": 3, "ru": 0}, "ru", "unread"),
        ({"en": 3}, {"en": 3, "ru": 0}, "en", "read"),
        # A new Russian version leaves an English read current...
        ({"en": 0}, {"en": 0, "ru": 4}, "en", "read"),
        # ... and a new English one makes it stale.
        ({"en": 1}, {"en": 2, "ru": 0}, "en", "stale"),
        # Nobody knows the reader's language: the current text in either counts.
        ({"en": 1, "ru": 0}, {"en": 2, "ru": 0}, None, "read"),
        ({"en": 1}, {"en": 2, "ru": 0}, None, "stale"),
        ({}, {"en": 2, "ru": 0}, None, "unread"),
    ],
)
def test_a_read_is_current_in_the_language_it_was_read_in(reads, versions, language, state):
    rows = {lang: _version(lang, number, "x") for lang, number in versions.items() if number}
    notes = _texts(**rows)
    held = {lang: _read(lang, version) for lang, version in reads.items()}
    assert state_in(held, notes, language) == state


@given(
    st.dictionaries(st.sampled_from(["en", "ru"]), st.integers(0, 4)),
    st.fixed_dictionaries({"en": st.integers(0, 4), "ru": st.integers(0, 4)}),
)
def test_not_knowing_the_language_gives_the_best_state_of_either(reads, versions):
    rows = {lang: _version(lang, number, "x") for lang, number in versions.items() if number}
    notes = _texts(**rows)
    held = {lang: _read(lang, version) for lang, version in reads.items()}
    each = [state_of(held.get(lang), notes[lang].version) for lang in ("en", "ru")]
    best = max(each, key=READ_STATES.index) if held else "unread"
    assert state_in(held, notes, None) == best


@pytest.mark.parametrize(("asked", "chosen"), [("ru", "ru"), ("ru-RU", "ru"), ("EN", "en")])
def test_a_note_language_is_one_collab_speaks(asked, chosen):
    assert note_language(asked) == chosen


@pytest.mark.parametrize("asked", ["de", "xx-YY", 7, ["ru"]])
def test_another_language_is_refused_never_replaced(asked):
    with pytest.raises(ValidationFailed) as refused:
        note_language(asked)
    assert "language" in refused.value.fields
