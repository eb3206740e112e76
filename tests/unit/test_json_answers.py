"""JSON answers: what any strict JSON reader parses, whatever the text or the numbers."""

import json
from decimal import Decimal

from flask import Flask, jsonify

from collab.http import json_answers


def _answer(value):
    app = Flask(__name__)
    json_answers.install(app)
    with app.app_context():
        response = jsonify(value)
    return response.mimetype, response.get_data(as_text=True)


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_russian_text_and_big_numbers_come_back_as_sent():
    value = {"id": 2**63 - 1, "title": "Сжать изображения «каталога»", "items": [1.5, None, True]}
    mimetype, text = _answer(value)
    assert mimetype == "application/json"
    assert _strict(text) == value
    assert list(_strict(text)) == ["id", "title", "items"]  # in the order written


def test_a_number_that_is_not_finite_is_null_not_invalid_json():
    _, text = _answer({"romi": float("inf"), "cpl": float("nan"), "leads": 3})
    assert _strict(text) == {"romi": None, "cpl": None, "leads": 3}


def test_what_the_encoder_does_not_know_goes_through_flasks_rules():
    class Safe:  # what templates mark safe: Flask writes its HTML
        def __html__(self):
            return "<b>done</b>"

    _, text = _answer({"spend": Decimal("1234.50"), "label": Safe()})
    assert _strict(text) == {"spend": "1234.50", "label": "<b>done</b>"}


def test_text_the_fast_encoder_cannot_write_still_answers_json():
    _, text = _answer({"title": "half a pair \ud800"})
    assert _strict(text) == {"title": "half a pair \ud800"}
