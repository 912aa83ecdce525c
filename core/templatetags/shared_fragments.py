"""``{% shared %}``: a part of a page that readers of one audience share, kept in the cache.

    # the view declares the page's blocks and reads them in one round trip
    blocks = read_blocks(
        tally=block("tally", consultation.pk, recommendation.pk,
                    audience=ANYONE, depends_on=versions),
    )

    {# the template marks what each one shows #}
    {% load shared_fragments %}
    {% shared blocks.tally %}
      ... nothing in here may depend on the reader beyond the block's audience ...
    {% endshared %}

Like Django's ``{% cache %}``, but keyed by core.page_cache.cache_key: the
block's entity and ids, its audience (ANYONE, a role or one person; a falsy
audience, or no block at all, renders it afresh, uncached) and the current
values of the versions it depends on, with the language and time zone. A block the cache
does not hold is rendered in the page's own template pass and kept for the
others (core.page_cache.cached); the rest of the page is rendered for each
request around it.

A block may hold forms. Their CSRF token is the only per-visitor value it
may show: while the block is rendered for the cache, ``csrf_token`` is a
marker made for that rendering alone, the block is kept as the pieces around
it, and each request joins them with its own token. Nothing is searched or
replaced in what is served.
"""

import secrets

from django import template

from core.page_cache import Block, cached

register = template.Library()


class SharedNode(template.Node):
    def __init__(self, nodelist, block):
        self.nodelist = nodelist
        self.block = block

    def render(self, context):
        block = self.block.resolve(context)
        if not block:  # a view that reads no blocks: rendered afresh
            return self.nodelist.render(context)
        if not isinstance(block, Block) or (block.audience and block.key is None):
            raise template.TemplateSyntaxError(
                "{% shared %} takes a block read by the view (core.page_cache.read_blocks)."
            )
        if block.key is None:
            return self.nodelist.render(context)
        pieces = block.found
        if pieces is None:
            pieces = cached(block.key, lambda: self._pieces(context))
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
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            "{% shared %} takes one block declared by the view: {% shared blocks.name %}."
        )
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, parser.compile_filter(bits[1]))
