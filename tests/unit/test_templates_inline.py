"""No template carries inline script, style or event handlers (the CSP refuses them),
except those still listed in tests/support/inline.py."""

from collab.platform.config import ROOT
from tests.support.inline import STILL_INLINE, inline_in


def test_templates_have_no_inline_script_or_style():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (found := inline_in(str(path.relative_to(ROOT))))
        and str(path.relative_to(ROOT)) not in STILL_INLINE
    }
    assert offenders == {}


def test_the_scan_finds_what_it_looks_for():
    from tests.support.inline import INLINE

    for html in (
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<p style="color:red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ):
        assert INLINE.search(html), html
    for html in ('<script src="/static/js/app.js" defer></script>', '<p class="styled">'):
        assert not INLINE.search(html), html
