"""Initials avatars: two letters a colleague recognises, the same colour for the same name."""

import pytest

from collab.web.avatars import HUES, hue, initials


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Dmitry Orlov", "DO"),
        ("Anna Maria Petrova", "AP"),
        ("Anna Petrova (account manager)", "AP"),
        ("Cher", "CH"),
        ("олег иванов", "ОИ"),
        ("dev.ops@techsoft.example", "DO"),
        ("user12@example.com", "US"),
        ("", "?"),
        (None, "?"),
        ("  ( )  ", "?"),
    ],
)
def test_initials(name, letters):
    assert initials(name) == letters


def test_a_name_keeps_its_colour():
    assert hue("Dmitry Orlov") == hue("Dmitry Orlov")
    assert {hue(f"person {i}") for i in range(200)} == set(range(HUES))
