"""Who may change the report as data, as django-rules predicates."""

import rules


@rules.predicate
def is_portal_moderator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_portal_moderator)


# Importing the report and curating a recommendation's themes: portal moderators.
rules.add_perm("recommendations.import_report", is_portal_moderator)
rules.add_perm("recommendations.curate_recommendation", is_portal_moderator)
