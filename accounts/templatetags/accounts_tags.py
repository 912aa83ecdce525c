from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def org_name(context, organisation) -> str:
    """An organisation's name as the viewer may see it.

    At-risk organisations read "an organisation from <region>" for everyone
    but moderators: ``{% org_name endorsement.organisation %}``.
    """
    if organisation is None:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    return organisation.name_for(user)
