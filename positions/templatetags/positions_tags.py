from django import template

from positions.selectors import organisation_signed_positions

register = template.Library()


@register.inclusion_tag("positions/_signed_positions.html")
def signed_positions(organisation, masked=False):
    """The positions an organisation currently signs, for its page (one query)."""
    if masked:
        return {"signatures": [], "masked": True}
    return {"signatures": organisation_signed_positions(organisation=organisation), "masked": False}
