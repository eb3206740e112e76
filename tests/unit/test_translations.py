"""The Russian catalogue is whole, and what setup compiles from it is what pages read."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from collab.platform.i18n import CATALOGUES, LANGUAGES, choose_language, supported

RUSSIAN = CATALOGUES / "ru" / "LC_MESSAGES"


def _catalogue():
    with (RUSSIAN / "messages.po").open("rb") as po:
        return read_po(po, locale="ru")


def test_every_message_has_a_checked_russian_text():
    untranslated = [
        message.id
        for message in _catalogue()
        if message.id
        and (
            message.fuzzy
            or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]
    assert untranslated == []


def test_russian_keeps_every_placeholder_of_the_english():
    broken = [
        message.id
        for message in _catalogue()
        if message.id and message.python_format and message.check()
    ]
    assert broken == []


def test_the_catalogue_compiles_and_setup_compiled_this_one(tmp_path):
    fresh = tmp_path / "messages.mo"
    pybabel = Path(sys.executable).with_name("pybabel")
    compiled = subprocess.run(
        [pybabel, "compile", "-i", RUSSIAN / "messages.po", "-o", fresh, "-l", "ru"],
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr
    with fresh.open("rb") as new, (RUSSIAN / "messages.mo").open("rb") as installed:
        # A stale .mo means `make setup` has not run since the catalogue changed.
        assert _texts(new) == _texts(installed)


def _texts(mo) -> dict:
    # A plural's id and texts read back as lists (one per form): tuples, to compare them.
    def whole(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {whole(m.id): whole(m.string) for m in read_mo(mo)}


def test_the_languages_collab_speaks():
    assert LANGUAGES == ("en", "ru")
    assert supported("ru-RU") == "ru"
    assert supported("RU") == "ru"
    assert supported("de") is None
    assert choose_language("ru", "en", [("en", 1.0)]) == "ru"  # the profile first
    assert choose_language(None, "ru", [("en", 1.0)]) == "ru"  # then the switch
    assert choose_language(None, None, [("de", 1.0), ("ru", 0.9), ("en", 0.5)]) == "ru"
    assert choose_language(None, None, [("en", 0.2), ("ru", 0.8)]) == "ru"
    assert choose_language(None, None, [("ru", 0)]) == "en"  # q=0 is a refusal
    assert choose_language() == "en"
