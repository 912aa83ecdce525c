"""A single position as a neutral document, rendered by the PDF and DOCX renderers of core."""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.documents import Document, Heading, Paragraph, Table, blocks_from_markdown

from . import selectors
from .models import Position


def position_blocks(position: Position, *, viewer=None, level: int = 1) -> list:
    """The text and the signatories of a position, for its own download or a larger document."""
    revision = selectors.revision_get(position=position)
    signatures = selectors.signature_list(position=position)
    blocks: list = []
    blocks.append(
        Paragraph(
            _("Revision %(number)d, %(date)s. Status: %(status)s.")
            % {
                "number": revision.number if revision else 0,
                "date": formats.date_format(revision.created_at, "j F Y") if revision else "",
                "status": position.get_status_display(),
            },
            style="small",
        )
    )
    blocks.extend(blocks_from_markdown(revision.body if revision else "", base_level=level + 1))
    blocks.append(Heading(min(level + 1, 3), _("Signatories")))
    if signatures:
        blocks.append(
            Table(
                header=[_("Organisation"), _("Kind"), _("Region")],
                rows=[
                    [
                        signature.organisation.name_for(viewer),
                        signature.organisation.get_kind_display(),
                        _(signature.organisation.region),
                    ]
                    for signature in signatures
                ],
                widths=[3, 2, 2],
            )
        )
    else:
        blocks.append(Paragraph(_("No organisation has signed this position yet.")))
    return blocks


def position_document(position: Position, *, viewer=None) -> Document:
    consultation = position.consultation
    document = Document(
        title=position.title,
        subtitle=str(consultation),
        meta=[
            _("Led by %(organisation)s.")
            % {"organisation": position.lead_organisation.name_for(viewer)},
            _("Revision %(number)d.") % {"number": position.current_number},
            f"{settings.SITE_URL}{position.get_absolute_url()}",
        ],
        footer=_("%(title)s, revision %(number)d")
        % {"title": position.title, "number": position.current_number},
        language=translation.get_language() or "en",
    )
    document.add(*position_blocks(position, viewer=viewer))
    return document


def position_pdf(position: Position, *, viewer=None) -> bytes:
    from core.renderers import render_pdf

    return render_pdf(position_document(position, viewer=viewer))


def position_docx(position: Position, *, viewer=None) -> bytes:
    from core.renderers import render_docx

    return render_docx(position_document(position, viewer=viewer))
