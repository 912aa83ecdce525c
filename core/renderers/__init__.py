"""Render a ``documents.Document`` as PDF (ReportLab) or DOCX (python-docx).

Both renderers treat every piece of user text as plain text: ReportLab's
paragraph mini-language is escaped, and DOCX runs are written as text nodes.
"""

from ._common import RENDERER_VERSION
from .docx import render_docx
from .pdf import render_pdf

__all__ = ["RENDERER_VERSION", "render_docx", "render_pdf"]
