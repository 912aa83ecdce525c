"""The recommendation's page within a consultation, and its comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.rules import is_moderator
from core.errors import Refusal
from core.http import post_data as _data
from core.http import refuse as _refused
from core.page_cache import (
    ANYONE,
    block,
    frame_blocks,
    person,
    read_blocks,
    reader_version,
    role,
    versioned,
)
from core.permissions import has_perm
from recommendations.models import Recommendation

from .. import selectors, services
from ..cursors import debate_url
from ..forms import (
    CommentEditForm,
    CommentForm,
    EndorsementForm,
    FlagForm,
)
from ..models import Comment, Consultation
from ..services import consultation_closed_message
from ._common import (
    _back_to,
    _comment,
)

# --- the recommendation within a consultation ----------------------------------------


def _recommendation_context(
    request,
    consultation: Consultation,
    recommendation: Recommendation,
    *,
    comment_form: CommentForm | None = None,
    endorsement_form: EndorsementForm | None = None,
    cursor: str | None = None,
) -> dict:
    """Everything the debate page shows, for the reader of this request.

    What only the page's {% shared %} blocks show (the threads, the tally, the
    synthesis) is read lazily: when a block comes from the cache, it is not read.
    """
    viewer = selectors.viewer_state(
        viewer=request.user, consultation=consultation, recommendation=recommendation, cached=True
    )
    sort = request.GET.get("sort", "oldest")
    if sort not in selectors.COMMENT_SORTS:
        sort = "oldest"
    if cursor is None:
        cursor = request.GET.get("cursor", "")
    can_write = consultation.is_open and not viewer.is_suspended
    audience = _shared_audience(request.user, consultation, can_write)

    def threads():
        return selectors.comment_threads(
            consultation=consultation,
            recommendation=recommendation,
            viewer=request.user,
            sort=sort,
            cursor=cursor,
            cached=True,
        )

    statements = _statements_part(
        request, consultation, recommendation, viewer, can_write, audience
    )

    def own_on_page() -> bool:
        return request.user.pk in selectors.comment_page_author_ids(
            consultation=consultation, recommendation=recommendation, sort=sort, cursor=cursor
        )

    return {
        "consultation": consultation,
        "recommendation": recommendation,
        "session": recommendation.session,
        "viewer": viewer,
        "sort": sort,
        "comments": SimpleLazyObject(threads),
        "tally": SimpleLazyObject(
            lambda: selectors.recommendation_tally(
                consultation=consultation, recommendation=recommendation, cached=True
            )
        ),
        "synthesis": SimpleLazyObject(
            lambda: selectors.synthesis_get(
                consultation=consultation, recommendation=recommendation, cached=True
            )
        ),
        "can_write": can_write,
        "closed_message": None
        if consultation.is_open
        else consultation_closed_message(consultation=consultation),
        "sorts": [
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("replies", _("Most replies")),
        ],
        # A callable: the template asks for it only when the block that shows it is rendered.
        "thread_count": lambda: selectors.comment_thread_count(
            consultation=consultation, recommendation=recommendation, sort=sort, cursor=cursor
        ),
        # What readers of one kind share, rendered once ({% shared %} in the templates).
        "blocks": _blocks(
            request,
            consultation,
            recommendation,
            viewer=viewer,
            audience=audience,
            variants={"threads": (sort, cursor), "statements": statements.pop("variant")},
            statements_audience=statements.pop("audience"),
            own_forms=comment_form is None and endorsement_form is None,
            own_on_page=own_on_page,
        ),
        "endorsement_set_url": reverse(
            "consultations:endorsement-set", args=[consultation.pk, recommendation.slug]
        ),
        **statements,
        **_form_parts(
            request, viewer, comment_form=comment_form, endorsement_form=endorsement_form
        ),
    }


def _statements_part(request, consultation, recommendation, viewer, can_write, audience) -> dict:
    """The page of statements, read only when its {% shared %} block is not in the cache.

    Representatives who may write share a copy with co-signing buttons; the
    buttons submit the reader's own co-signing form, rendered apart.
    """
    query = request.GET.copy()
    page_number = query.pop("statements", ["1"])[-1]
    statements_query = query.urlencode()  # the page's other parameters, kept by its links
    representing = viewer.representing_organisations
    cosign_offered = can_write and bool(representing)
    # A lone organisation's own statement offers no co-signing: on the page
    # that shows it, readers who speak for it share a copy without that button.
    excluded = ()
    if len(representing) == 1:
        own = viewer.endorsements.get(representing[0].pk)
        if (
            own is not None
            and own.is_active
            and own.is_cosignable
            and own.organisation_id
            in selectors.endorsement_page_organisation_ids(
                consultation=consultation, recommendation=recommendation, page_number=page_number
            )
        ):
            excluded = (own.organisation_id,)
    return {
        "endorsement_page": SimpleLazyObject(
            lambda: selectors.endorsement_page(
                consultation=consultation,
                recommendation=recommendation,
                page_number=page_number,
                cached=True,
            )
        ),
        "statements_query": statements_query,
        "cosign_offered": cosign_offered,
        "cosign_excluded": excluded,
        # Who shares the page of statements, and what selects it (see _blocks).
        "audience": role("cosigner") if cosign_offered and audience else audience,
        "variant": (page_number, statements_query, excluded),
    }


def _form_parts(
    request,
    viewer,
    *,
    comment_form: CommentForm | None = None,
    endorsement_form: EndorsementForm | None = None,
) -> dict:
    """The reader's forms and their organisations' own stances.

    Forms made here are built lazily: when the reader's own blocks come from
    the cache, they are not built.
    """
    if comment_form is None:
        comment_form = SimpleLazyObject(
            lambda: CommentForm(organisations=viewer.speaking_organisations, user=request.user)
        )
    if endorsement_form is None and viewer.representing_organisations:
        endorsement_form = SimpleLazyObject(lambda: _endorsement_form(request, viewer))
    return {
        "comment_form": comment_form,
        "endorsement_form": endorsement_form,
        # Read once for every co-signing form on the page.
        "cosign_choices": [
            (org.pk, org.name_for(request.user)) for org in viewer.representing_organisations
        ],
        "own_endorsements": [e for e in viewer.endorsements.values() if e.is_active],
        "endorsement_histories": list(viewer.endorsements.values()),
    }


def _endorsement_form(request, viewer) -> EndorsementForm:
    """The stance box, filled with the stance of the reader's organisation, if it has one."""
    own = next(iter(viewer.endorsements.values()), None)
    initial = {}
    if own is not None and own.is_active:
        initial = {
            "organisation": own.organisation_id,
            "stance": own.stance,
            "statement": own.statement,
        }
    return EndorsementForm(
        organisations=viewer.representing_organisations, user=request.user, initial=initial
    )


def _shared_audience(user, consultation, can_write) -> str | None:
    """Which readers share the parts of a debate page that name people, or None for moderators.

    Moderators see real names and hidden text: their pages are always theirs alone.
    """
    if is_moderator(user) or selectors.acts_as_moderator(viewer=user, consultation=consultation):
        return None
    if not user.is_authenticated:
        return role("anonymous")
    return role("writer" if can_write else "reader")


def _blocks(
    request,
    consultation,
    recommendation,
    *,
    viewer,
    audience,
    variants,
    statements_audience,
    own_forms,
    own_on_page,
) -> dict:
    """The page's {% shared %} blocks: who shares each one, read in one round trip.

    Moderators (``audience`` None) see real names and hidden text: their
    pages are always theirs alone. A page of threads that shows one of the
    reader's own comments (edit and delete links) is theirs alone too, and so
    are their own forms, kept until they or the debate change.
    """
    user = request.user
    ids = (consultation.pk, recommendation.pk)
    debate = [
        f"consultation-meta:{consultation.pk}",
        *selectors.discussion_versions(consultation=consultation, recommendation=recommendation),
    ]
    own = [*debate, reader_version(user.pk)]
    common = ANYONE if audience is not None else None
    mine = person(user.pk) if audience is not None and user.is_authenticated else None
    threads_audience = audience
    if audience is not None and viewer.has_commented and own_on_page():
        threads_audience = mine
    return read_blocks(
        **frame_blocks(request),
        text=block("debate-text", *ids, audience=common, depends_on=debate),
        tally=block("debate-tally", *ids, audience=common, depends_on=debate),
        comment_form=block(
            "debate-comment-form",
            *ids,
            variants["threads"][0],
            audience=mine if own_forms else None,
            depends_on=own,
        ),
        own_stance=block(
            "debate-own-stance", *ids, audience=mine if own_forms else None, depends_on=own
        ),
        threads=block(
            "debate-threads",
            *ids,
            *variants["threads"],
            audience=threads_audience,
            depends_on=own if threads_audience == mine else debate,
        ),
        statements=block(
            "debate-statements",
            *ids,
            *variants["statements"],
            audience=statements_audience,
            depends_on=debate,
        ),
    )


def _debate_subjects(pk: int, slug: str) -> tuple[Consultation, Recommendation]:
    """The consultation and the recommendation with its text, in one cache read.

    As fresh as a read from the database: a change to the consultation, its
    scope or its moderators bumps its version before it commits and again
    after; the report's text changes only with an import.
    """

    def read():
        consultation = selectors.consultation_get(pk=pk)
        recommendation = (
            selectors.consultation_recommendations(consultation=consultation)
            .prefetch_related("examples", "themes")
            .get(slug=slug)
        )
        return consultation, recommendation

    try:
        return versioned(
            "debate-subjects",
            (pk, slug),
            audience=ANYONE,
            depends_on=["names", f"consultation-meta:{pk}"],
            compute=read,
        )
    except (Consultation.DoesNotExist, Recommendation.DoesNotExist):
        raise Http404 from None


def recommendation_detail(request, pk, slug):
    consultation, recommendation = _debate_subjects(pk, slug)
    context = _recommendation_context(request, consultation, recommendation)
    if request.htmx and request.GET.get("fragment") == "comments":
        return render(request, "consultations/_comments.html", context)
    return render(request, "consultations/recommendation_detail.html", context)


@require_POST
@login_required
def comment_create(request, pk, slug):
    consultation, recommendation = _debate_subjects(pk, slug)
    # Only the organisations one may speak for are needed to post.
    organisations = selectors.speaking_organisations(viewer=request.user)
    form = CommentForm(request.POST, organisations=organisations, user=request.user)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id).select_related("root").first()
            if parent is None:
                form.add_error(None, _("The comment you answer no longer exists."))
    if form.is_valid():
        organisation_id = form.cleaned_data.get("organisation")
        try:
            comment = services.comment_create(
                consultation=consultation,
                recommendation=recommendation,
                body=form.cleaned_data["body"],
                parent=parent,
                organisation=form.organisations.get(organisation_id) if organisation_id else None,
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            sort = request.GET.get("sort", "oldest")
            # The page that shows the comment, found without counting threads.
            cursor = selectors.comment_landing(comment=comment, sort=sort)
            url = debate_url(
                consultation.pk,
                recommendation.slug,
                sort=sort,
                cursor=cursor,
                comment_id=comment.pk,
            )
            if request.htmx:
                context = _recommendation_context(
                    request, consultation, recommendation, cursor=cursor
                )
                context["posted_comment"] = comment
                return render(request, "consultations/_comments.html", context)
            messages.success(request, _("Your comment has been posted."))
            return redirect(url)
    if parent is not None and not request.htmx:
        return render(
            request,
            "consultations/comment_reply.html",
            {"comment": parent, "form": form, "consultation": consultation},
        )
    context = _recommendation_context(request, consultation, recommendation, comment_form=form)
    template = (
        "consultations/_comments.html"
        if request.htmx
        else "consultations/recommendation_detail.html"
    )
    return render(request, template, context)


@login_required
def comment_reply(request, pk):
    """The reply form for one comment, as a page (and as a fragment for HTMX)."""
    comment = _comment(pk)
    form = CommentForm(
        initial={"parent": comment.pk},
        organisations=selectors.speaking_organisations(viewer=request.user),
        user=request.user,
    )
    template = (
        "consultations/_reply_form.html" if request.htmx else "consultations/comment_reply.html"
    )
    return render(
        request,
        template,
        {"comment": comment, "form": form, "consultation": comment.consultation},
    )


@login_required
def comment_update(request, pk):
    comment = _comment(pk)
    try:
        services.consultation_check_open(consultation=comment.consultation)
    except Refusal as error:
        return _refused(request, error, _back_to(comment))
    if not has_perm(request.user, "consultations.change_comment", comment):
        raise PermissionDenied
    form = CommentEditForm(_data(request), initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, body=form.cleaned_data["body"], by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your comment has been updated."))
            return redirect(_back_to(comment))
    return render(request, "consultations/comment_edit.html", {"form": form, "comment": comment})


@login_required
def comment_delete(request, pk):
    comment = _comment(pk)
    try:
        services.consultation_check_open(consultation=comment.consultation)
    except Refusal as error:
        return _refused(request, error, _back_to(comment))
    if not has_perm(request.user, "consultations.delete_comment", comment):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.comment_delete(comment=comment, by=request.user)
        except Refusal as error:
            return _refused(request, error, _back_to(comment))
        messages.success(request, _("Your comment has been deleted."))
        return redirect(_back_to(comment))
    return render(request, "consultations/comment_delete.html", {"comment": comment})


@login_required
def comment_flag(request, pk):
    comment = _comment(pk)
    form = FlagForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_flag(
                comment=comment,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The moderators will look at this comment."))
            return redirect(_back_to(comment))
    return render(request, "consultations/comment_flag.html", {"form": form, "comment": comment})
