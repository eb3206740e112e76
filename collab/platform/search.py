"""Text search that ignores case in every alphabet, on SQLite and PostgreSQL alike.

SQL's LIKE/ILIKE and lower() fold only ASCII on SQLite, and on PostgreSQL only what the
database's locale knows (nothing beyond ASCII under the C locale): "Мета" would never find
"мета". ``folded(column)`` lower-cases with the full Unicode rules on both: Python's
str.lower as an SQLite function, and ICU's rules ("und-x-icu", in every PostgreSQL built with
ICU, as Debian's and the official images are) on PostgreSQL. The query text is folded by the
same rule (``fold``) before it is compared.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "collab_lower"


def fold(text: str) -> str:
    return text.lower()


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE ... ESCAPE '\\', the text folded and its wildcards escaped."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class folded(FunctionElement):  # noqa: N801 (an SQL function reads in lower case)
    """The column lower-cased by Unicode's rules, whatever the database."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw):
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    return f'lower(({compiler.process(element.clauses, **kw)}) COLLATE "und-x-icu")'


def install_sqlite(connection) -> None:
    """Gives a new SQLite connection the folding function (called from its connect hook)."""
    connection.create_function(
        SQLITE_FUNCTION, 1, lambda value: None if value is None else fold(value), deterministic=True
    )
