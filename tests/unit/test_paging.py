"""collab.platform.paging: the one cursor and page rule every API list uses."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.platform.paging import NOT_A_CURSOR, decode_cursor, encode_cursor, page_of

URL_SAFE = set(string.ascii_letters + string.digits + "-_=")
KEYS = st.dictionaries(
    st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=20)), max_size=4
)


@given(KEYS)
def test_a_cursor_gives_back_the_key_it_was_made_from(key):
    cursor = encode_cursor(key)
    assert set(cursor) <= URL_SAFE  # it travels in a query string as it is
    assert decode_cursor(cursor) == key


@pytest.mark.parametrize("cursor", ["", "not base64!", "WzFd", "bnVsbA==", "e30"])
def test_anything_the_api_did_not_give_is_refused(cursor):
    # "WzFd" is [1] and "bnVsbA==" null: valid JSON, but not a key; "e30" lacks its padding.
    with pytest.raises(ValueError, match=NOT_A_CURSOR):
        decode_cursor(cursor)


@pytest.mark.parametrize(
    ("fetched", "limit", "shown", "more"),
    [(0, 50, 0, False), (3, 3, 3, False), (4, 3, 3, True), (51, 50, 50, True)],
)
def test_a_page_shows_its_limit_and_knows_whether_another_follows(fetched, limit, shown, more):
    rows = list(range(fetched))
    page, has_more = page_of(rows, limit)
    assert page == rows[:shown] and has_more is more
