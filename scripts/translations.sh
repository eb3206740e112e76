#!/usr/bin/env bash
# `make translations`: gathers every message marked for translation (gettext, lazy_gettext,
# {% trans %}, _(), the category names of collab.work.routing's table, and the topics of
# the audit routing tables) from collab/ and
# templates/, and merges them into the Russian catalogue,
# translations/ru/LC_MESSAGES/messages.po. Translate what it adds (msgstr ""), then `make
# setup` compiles the catalogue. tests/unit/test_translations.py fails while a message is
# untranslated or fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."

template=$(mktemp --suffix=.pot)
trap 'rm -f "$template"' EXIT
# This checkout's collab, whose extractor reads the audit routing tables (babel.cfg).
PYTHONPATH=. .venv/bin/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k Category:2 --no-location \
  --project=collab --msgid-bugs-address=- -o "$template" .
if [ ! -f translations/ru/LC_MESSAGES/messages.po ]; then
  .venv/bin/pybabel -q init -i "$template" -d translations -l ru --no-wrap
fi
.venv/bin/pybabel -q update -i "$template" -d translations -l ru --no-fuzzy-matching \
  --ignore-obsolete --no-wrap
