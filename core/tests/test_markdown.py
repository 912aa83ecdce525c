import pytest

from core.markdown import render_markdown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<div onclick=alert(1)>hi</div>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_hostile_markup_is_rendered_inert(hostile):
    html = str(render_markdown(hostile))
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered and "onload" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered and "<svg" not in lowered


def test_ordinary_markdown_survives():
    html = str(render_markdown("**Rights** first:\n\n- one\n- two\n\n[GFMD](https://gfmd.org)"))
    assert "<strong>Rights</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://gfmd.org"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_empty_text_renders_empty():
    assert str(render_markdown("")) == ""
