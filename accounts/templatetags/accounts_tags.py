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


@register.simple_tag(takes_context=True)
def email_unverified(context) -> bool:
    """True for a signed-in person whose email address is not confirmed yet."""
    from accounts.rules import has_verified_email

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and not has_verified_email(user))


@register.filter
def is_delegate(user) -> bool:
    """Members of a verified government delegation carry a "delegate" badge."""
    from accounts.rules import is_delegate as delegate

    return delegate(user)
