"""URL converters: an id is a number a column can hold, matched by routing itself."""

import re

from hypothesis import given
from hypothesis import strategies as st

from collab.http.converters import MAX_ID, digits_up_to


@given(st.integers(0, 10**12), st.integers(0, 10**13))
def test_digits_up_to_matches_exactly_the_numbers_up_to_the_limit(limit, number):
    pattern = re.compile(digits_up_to(limit))
    assert bool(pattern.fullmatch(str(number))) == (number <= limit)


def test_the_id_pattern_stops_at_the_column():
    pattern = re.compile(digits_up_to(MAX_ID))
    assert MAX_ID == 2_147_483_647
    for accepted in ("0", "7", "0042", "2147483647", "1999999999"):
        assert pattern.fullmatch(accepted), accepted
    for refused in ("2147483648", "9999999999", "18446744073709551616", "", "-1", "1.0", "١٢"):
        assert not pattern.fullmatch(refused), refused
