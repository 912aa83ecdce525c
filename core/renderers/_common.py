"""What the PDF and DOCX renderers share: the version, the bundled font, the page label."""

from __future__ import annotations

import threading
from pathlib import Path

from django.utils.translation import gettext

# Bump when the output of a renderer changes, so cached exports are rebuilt.
RENDERER_VERSION = "2"

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_NAME = "DejaVuSans"

# In a PDF, code has a shaded background rather than a monospaced face: the
# bundled font, which covers the scripts users write in, has none.
CODE_BACKGROUND = "#eeeeee"

_font_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    with _font_lock:
        if _fonts_registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        faces = {
            FONT_NAME: "DejaVuSans.ttf",
            f"{FONT_NAME}-Bold": "DejaVuSans-Bold.ttf",
            f"{FONT_NAME}-Oblique": "DejaVuSans-Oblique.ttf",
            f"{FONT_NAME}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
        }
        for name, filename in faces.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        addMapping(FONT_NAME, 0, 0, FONT_NAME)
        addMapping(FONT_NAME, 1, 0, f"{FONT_NAME}-Bold")
        addMapping(FONT_NAME, 0, 1, f"{FONT_NAME}-Oblique")
        addMapping(FONT_NAME, 1, 1, f"{FONT_NAME}-BoldOblique")
        _fonts_registered = True


def _page_label(page: int, pages: int) -> str:
    return gettext("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
