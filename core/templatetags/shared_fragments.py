"""``{% shared %}``: a part of a page that readers of one audience share, kept in the cache.

    {% load shared_fragments %}
    {% shared "tally" consultation.pk recommendation.pk audience=audience depends_on=versions %}
      ... nothing in here may depend on the reader beyond ``audience`` ...
    {% endshared %}

Like Django's ``{% cache %}``, but keyed by core.page_cache.cache_key: the
entity named first, the values after it as its id, the audience (ANYONE, a
role or one person; a falsy audience renders the block afresh, uncached) and
the current values of the ``depends_on`` versions, with the language and
time zone. The block is rendered in the page's own template pass: the rest
of the page is rendered for each request around it.

A block may hold forms. Their CSRF token is the only per-visitor value it
may show: while the block is rendered for the cache, ``csrf_token`` is a
marker made for that rendering alone, the block is kept as the pieces around
it, and each request joins them with its own token. Nothing is searched or
replaced in what is served.
"""

import secrets

from django import template

from core.page_cache import cache_key, cached, versions

register = template.Library()


class SharedNode(template.Node):
    def __init__(self, nodelist, entity, vary_on, audience, depends_on):
        self.nodelist = nodelist
        self.entity = entity
        self.vary_on = vary_on
        self.audience = audience
        self.depends_on = depends_on

    def render(self, context):
        audience = self.audience.resolve(context)
        if not audience:
            return self.nodelist.render(context)
        key = cache_key(
            self.entity.resolve(context),
            tuple(value.resolve(context) for value in self.vary_on),
            audience=audience,
            versions=versions(list(self.depends_on.resolve(context))),
        )
        pieces = cached(key, lambda: self._pieces(context))
        if len(pieces) == 1:
            return pieces[0]
        return str(context.get("csrf_token")).join(pieces)

    def _pieces(self, context) -> list[str]:
        """The block as the pieces around each place its CSRF token goes."""
        if "csrf_token" not in context:  # asked without reading it: reading sets the cookie
            return [self.nodelist.render(context)]
        marker = secrets.token_hex(16)
        with context.push(csrf_token=marker):
            return self.nodelist.render(context).split(marker)


@register.tag
def shared(parser, token):
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError(
            "{% shared %} takes a name, the values that identify it, audience= and depends_on=."
        )
    options = {}
    vary_on = []
    for bit in bits[2:]:
        name, equals, value = bit.partition("=")
        if equals and name in ("audience", "depends_on"):
            options[name] = parser.compile_filter(value)
        else:
            vary_on.append(parser.compile_filter(bit))
    if set(options) != {"audience", "depends_on"}:
        raise template.TemplateSyntaxError("{% shared %} needs audience= and depends_on=.")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(
        nodelist,
        parser.compile_filter(bits[1]),
        vary_on,
        options["audience"],
        options["depends_on"],
    )
