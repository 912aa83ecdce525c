"""Pages for consultations: thin views over the selectors and services."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.middleware import mfa_setup_redirect
from accounts.rules import is_moderator
from core.errors import Refusal
from core.http import post_data as _data
from core.http import refuse as _refused
from core.page_cache import ANYONE, fragments, role, versioned
from core.permissions import has_perm
from recommendations.models import Recommendation

from . import selectors, services
from .cursors import debate_url
from .forms import (
    AuditLogFilterForm,
    CloseForm,
    CommentEditForm,
    CommentForm,
    ConsultationForm,
    CosignForm,
    EndorsementForm,
    ExtendForm,
    FlagForm,
    ForumForm,
    OptionalReasonForm,
    ReasonForm,
    SuspendForm,
    SynthesisForm,
    WithdrawForm,
)
from .models import Comment, Consultation, Endorsement, Forum, Stance, Suspension
from .rules import consultation_moderator_ids
from .services import consultation_closed_message

AUDIT_LOG_PER_PAGE = 50
QUEUE_PER_PAGE = 25


# --- access ---------------------------------------------------------------------


def _mfa_guard(request: HttpRequest) -> HttpResponse | None:
    """Moderation pages need a signed-in moderator with two-factor authentication on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_mfa_enabled(request.user):
        return mfa_setup_redirect(request)
    return None


def _moderator_guard(request: HttpRequest, consultation: Consultation):
    """None when the person may moderate this consultation, else the response to send."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_perm(request.user, "consultations.moderate_consultation", consultation):
        raise PermissionDenied
    return _mfa_guard(request)


def moderators_only(view):
    """For pages across consultations: portal moderators and any consultation's moderators."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, "consultations.view_moderation"):
            raise PermissionDenied
        response = _mfa_guard(request)
        return response or view(request, *args, **kwargs)

    return wrapped


def portal_moderators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, "consultations.add_consultation"):
            raise PermissionDenied
        response = _mfa_guard(request)
        return response or view(request, *args, **kwargs)

    return wrapped


def _consultation(pk: int, *, cached: bool = False) -> Consultation:
    try:
        return selectors.consultation_get(pk, cached=cached)
    except Consultation.DoesNotExist:
        raise Http404 from None


def _recommendation(consultation: Consultation, slug: str) -> Recommendation:
    try:
        return selectors.recommendation_in_consultation(consultation, slug)
    except Recommendation.DoesNotExist:
        raise Http404 from None


def _comment(pk: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related(
            "consultation__forum", "recommendation", "author", "organisation", "root"
        ),
        pk=pk,
    )
    consultation_moderator_ids(comment.consultation)
    return comment


# --- Forum meetings and consultations -------------------------------------------


def consultation_list(request):
    consultations = list(selectors.consultation_list())
    groups = {"open": [], "upcoming": [], "closed": []}
    for consultation in consultations:
        groups[consultation.status].append(consultation)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "open_consultations": groups["open"],
            "upcoming_consultations": groups["upcoming"],
            "closed_consultations": groups["closed"],
            "can_create": has_perm(request.user, "consultations.add_consultation"),
        },
    )


def consultation_detail(request, pk):
    consultation = _consultation(pk, cached=True)
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "figures": selectors.consultation_figures(consultation),
            "recommendations": selectors.consultation_recommendation_rows(consultation),
            "viewer": selectors.viewer_state(request.user, consultation, cached=True),
            "closed_message": None
            if consultation.is_open
            else consultation_closed_message(consultation),
        },
    )


@portal_moderators_only
def forum_create(request):
    return _forum_form(request, None)


@portal_moderators_only
def forum_update(request, pk):
    return _forum_form(request, get_object_or_404(Forum, pk=pk))


def _forum_form(request, forum: Forum | None):
    form = ForumForm(_data(request), instance=forum)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ForumForm.Meta.fields}
        try:
            if forum is None:
                services.forum_create(**data, by=request.user)
            else:
                services.forum_update(forum=forum, **data, by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The Forum meeting has been saved."))
            return redirect("consultations:consultation-list")
    return render(request, "consultations/forum_form.html", {"form": form, "forum": forum})


@portal_moderators_only
def consultation_create(request):
    form = ConsultationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(**_consultation_data(form), by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been created."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "has_forums": Forum.objects.exists()},
    )


def consultation_update(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    can_choose = has_perm(request.user, "consultations.assign_moderator")
    form = ConsultationForm(
        _data(request),
        initial=ConsultationForm.initial_for(consultation),
        can_choose_moderators=can_choose,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                consultation=consultation, **_consultation_data(form), by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been saved."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "consultation": consultation, "has_forums": True},
    )


def _consultation_data(form: ConsultationForm) -> dict:
    data = form.cleaned_data
    return {
        "forum": data["forum"],
        "title": data["title"],
        "description": data.get("description", ""),
        "opens_at": data["opens_at"],
        "closes_at": data.get("closes_at"),
        "closes_on": data.get("closes_on"),
        "closes_anywhere_on_earth": data.get("closes_anywhere_on_earth", False),
        "scope": data["scope"],
        "sessions": data.get("sessions") or [],
        "recommendations": data.get("recommendations") or [],
        "moderators": data.get("moderator_emails") or [],
    }


def consultation_extend(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    form = ExtendForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_extend(
                consultation=consultation,
                closes_at=form.cleaned_data.get("closes_at"),
                closes_on=form.cleaned_data.get("closes_on"),
                closes_anywhere_on_earth=form.cleaned_data.get("closes_anywhere_on_earth", False),
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been extended."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_extend.html",
        {"form": form, "consultation": consultation},
    )


def consultation_close(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    form = CloseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_close(
                consultation=consultation, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been closed."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_close.html",
        {"form": form, "consultation": consultation},
    )


@require_POST
@login_required
def consultation_follow(request, pk):
    consultation = _consultation(pk)
    return _follow(request, consultation.get_absolute_url(), consultation=consultation)


def _follow(request, url: str, **target) -> HttpResponse:
    try:
        if request.POST.get("follow") == "0":
            services.follow_remove(**target, by=request.user)
            messages.success(request, _("You no longer follow it."))
        else:
            services.follow_set(**target, by=request.user)
            messages.success(request, _("You now follow it; news will come in your digest."))
    except Refusal as error:
        messages.error(request, error.message)
    return redirect(url)


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
    """Everything the debate page shows, for the reader of this request."""
    viewer = selectors.viewer_state(request.user, consultation, recommendation, cached=True)
    sort = request.GET.get("sort", "oldest")
    if cursor is None:
        cursor = request.GET.get("cursor", "")
    comments = selectors.comment_threads(
        consultation, recommendation, viewer=request.user, sort=sort, cursor=cursor, cached=True
    )
    can_write = consultation.is_open and not viewer.is_suspended
    _attach_comment_fragments(request, consultation, recommendation, comments, viewer, can_write)
    audience = _shared_audience(request.user, consultation, can_write)
    debate_versions = [
        f"consultation-meta:{consultation.pk}",
        *selectors.discussion_versions(consultation, recommendation),
    ]
    own_comment_shown = any(
        comment.viewer_is_author
        for thread in comments.threads
        for comment in (thread, *thread.replies)
    )
    statements = _statements_part(request, consultation, recommendation, viewer, can_write)
    if audience is not None:
        _attach_statement_fragments(statements["endorsements"], debate_versions, audience)
    try:
        select_template(["recommendations/_recommendation_content.html"])
        has_content_template = True
    except Exception:  # the recommendations app may not ship it
        has_content_template = False
    return {
        "consultation": consultation,
        "recommendation": recommendation,
        "session": recommendation.session,
        "viewer": viewer,
        "comments": comments,
        "tally": selectors.recommendation_tally(consultation, recommendation, cached=True),
        "synthesis": selectors.synthesis_get(consultation, recommendation, cached=True),
        "can_write": can_write,
        "closed_message": None
        if consultation.is_open
        else consultation_closed_message(consultation),
        "has_content_template": has_content_template,
        "sorts": [
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("replies", _("Most replies")),
        ],
        # What readers of one kind share, rendered once ({% shared %} in the templates).
        "debate_versions": debate_versions,
        "threads_audience": None if own_comment_shown else audience,
        "threads_variant": (sort, cursor),  # what selects the page of threads
        "endorsement_set_url": reverse(
            "consultations:endorsement-set", args=[consultation.pk, recommendation.slug]
        ),
        **statements,
        **_form_parts(
            request, viewer, comment_form=comment_form, endorsement_form=endorsement_form
        ),
    }


def _statements_part(request, consultation, recommendation, viewer, can_write) -> dict:
    """The page of statements, each marked with whether this reader may co-sign it."""
    statements_query = request.GET.copy()
    statements_query.pop("statements", None)
    representing_ids = {org.pk for org in viewer.representing_organisations}
    endorsement_page = selectors.endorsement_page(
        consultation, recommendation, page_number=request.GET.get("statements", 1), cached=True
    )
    endorsements = list(endorsement_page.object_list)
    for endorsement in endorsements:
        endorsement.can_cosign = _cosignable(endorsement) and bool(
            representing_ids - {endorsement.organisation_id}
        )
    return {
        "endorsements": endorsements,
        "endorsement_page": endorsement_page,
        "statements_query": statements_query.urlencode(),
    }


def _form_parts(
    request,
    viewer,
    *,
    comment_form: CommentForm | None = None,
    endorsement_form: EndorsementForm | None = None,
) -> dict:
    """The reader's forms and their organisations' own stances."""
    if comment_form is None:
        comment_form = CommentForm(organisations=viewer.speaking_organisations, user=request.user)
    own = next(iter(viewer.endorsements.values()), None)
    if endorsement_form is None and viewer.representing_organisations:
        initial = {}
        if own is not None and own.is_active:
            initial = {
                "organisation": own.organisation_id,
                "stance": own.stance,
                "statement": own.statement,
            }
        endorsement_form = EndorsementForm(
            organisations=viewer.representing_organisations, user=request.user, initial=initial
        )
    return {
        "comment_form": comment_form,
        "endorsement_form": endorsement_form,
        "withdraw_form": WithdrawForm(
            organisations=viewer.representing_organisations, user=request.user
        ),
        # Read once for every co-signing form on the page.
        "cosign_choices": [
            (org.pk, org.name_for(request.user)) for org in viewer.representing_organisations
        ],
        "cosign_label": _("Co-sign as"),
        "cosign_button": _("Co-sign this statement"),
        "own_endorsements": [e for e in viewer.endorsements.values() if e.is_active],
        "endorsement_histories": list(viewer.endorsements.values()),
    }


def _shared_audience(user, consultation, can_write) -> str | None:
    """Which readers share the parts of a debate page that name people, or None for moderators.

    Moderators see real names and hidden text: their pages are always theirs alone.
    """
    if is_moderator(user) or selectors.acts_as_moderator(user, consultation):
        return None
    if not user.is_authenticated:
        return role("anonymous")
    return role("writer" if can_write else "reader")


def _cosignable(endorsement) -> bool:
    """A statement of reservations or opposition of its own, which others may co-sign."""
    return (
        endorsement.stance in (Stance.RESERVATIONS, Stance.OPPOSE) and not endorsement.cosigned_id
    )


def _attach_comment_fragments(request, consultation, recommendation, comments, viewer, can_write):
    """Give each comment the HTML every reader of its kind sees, rendered once and shared.

    A comment renders alike for every reader who is neither its author nor a
    moderator, given the reader's kind (anonymous, signed in, able to write),
    language and time zone; those fragments are shared through the cache under
    the debate's versions, so any write to the debate renders them afresh.
    Authors and moderators always get their comments rendered for them.
    """
    user = request.user
    shown = [
        comment
        for thread in comments.threads
        for comment in (thread, *thread.replies)
        if not comment.viewer_is_author
    ]
    if not shown:
        return
    audience = _shared_audience(user, consultation, can_write)
    if audience is None:
        return
    by_pk = {comment.pk: comment for comment in shown}

    def render(missing) -> dict:
        context = {
            "consultation": consultation,
            "viewer": viewer,
            "can_write": can_write,
            "user": user,
            "request": request,
        }
        return {
            pk: render_to_string("consultations/_comment.html", {**context, "comment": by_pk[pk]})
            for pk in missing
        }

    html = fragments(
        "comment-html",
        list(by_pk),
        audience=audience,
        depends_on=selectors.discussion_versions(consultation, recommendation),
        render=render,
    )
    for comment in shown:
        comment.fragment = mark_safe(html[comment.pk])  # noqa: S308 - our template


def _attach_statement_fragments(endorsements, depends_on: list[str], audience: str) -> None:
    """Give each statement the HTML every reader of ``audience`` sees, rendered once and shared."""
    by_pk = {endorsement.pk: endorsement for endorsement in endorsements}

    def render(missing) -> dict:
        return {
            pk: render_to_string("consultations/_statement.html", {"endorsement": by_pk[pk]})
            for pk in missing
        }

    html = fragments(
        "statement-html", list(by_pk), audience=audience, depends_on=depends_on, render=render
    )
    for endorsement in endorsements:
        endorsement.fragment = mark_safe(html[endorsement.pk])  # noqa: S308 - our template


def _debate_subjects(pk: int, slug: str) -> tuple[Consultation, Recommendation]:
    """The consultation and the recommendation with its text, in one cache read.

    As fresh as a read from the database: a change to the consultation, its
    scope or its moderators bumps its version before it commits and again
    after; the report's text changes only with an import.
    """

    def read():
        consultation = selectors.consultation_get(pk)
        recommendation = (
            selectors.consultation_recommendations(consultation)
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
    organisations = selectors.speaking_organisations(request.user)
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
            cursor = selectors.comment_landing(comment, sort=sort)
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


def _back_to(comment: Comment) -> str:
    return comment.get_absolute_url()


@login_required
def comment_reply(request, pk):
    """The reply form for one comment, as a page (and as a fragment for HTMX)."""
    comment = _comment(pk)
    form = CommentForm(
        initial={"parent": comment.pk},
        organisations=selectors.speaking_organisations(request.user),
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
        services.consultation_check_open(comment.consultation)
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
        services.consultation_check_open(comment.consultation)
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


# --- endorsements --------------------------------------------------------------------


@require_POST
@login_required
def endorsement_set(request, pk, slug):
    consultation, recommendation = _debate_subjects(pk, slug)
    # Only the organisations one may act for are needed to take a stance.
    representing = selectors.representing_organisations(request.user)
    url = reverse("consultations:recommendation-detail", args=[pk, slug]) + "#endorse"
    if "endorsement" in request.POST:
        form = CosignForm(request.POST, organisations=representing, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose the organisation that co-signs."))
            return redirect(url)
        cosign = Endorsement.objects.filter(
            pk=form.cleaned_data["endorsement"], consultation=consultation
        ).first()
        if cosign is None:
            raise Http404
        try:
            services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=form.organisations[form.cleaned_data["organisation"]],
                stance=cosign.stance,
                cosign=cosign,
                by=request.user,
            )
        except Refusal as error:
            return _refused(request, error, url)
        messages.success(request, _("Your organisation has co-signed this statement."))
        return redirect(url)
    form = EndorsementForm(request.POST, organisations=representing, user=request.user)
    if form.is_valid():
        try:
            services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=form.organisations[form.cleaned_data["organisation"]],
                stance=form.cleaned_data["stance"],
                statement=form.cleaned_data["statement"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your organisation's stance has been recorded."))
            if request.htmx:
                context = _recommendation_context(request, consultation, recommendation)
                return render(request, "consultations/_endorsements.html", context)
            return redirect(url)
    context = _recommendation_context(request, consultation, recommendation, endorsement_form=form)
    template = (
        "consultations/_endorsements.html"
        if request.htmx
        else "consultations/recommendation_detail.html"
    )
    return render(request, template, context)


STANCE_HISTORY_PER_PAGE = 50


@login_required
def endorsement_history(request, pk, slug, organisation_id):
    """Every change of an organisation's stance, for its representatives and the moderators."""
    consultation = _consultation(pk, cached=True)
    recommendation = _recommendation(consultation, slug)
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("organisation"),
        consultation=consultation,
        recommendation=recommendation,
        organisation_id=organisation_id,
    )
    if not has_perm(request.user, "consultations.view_endorsementchange", endorsement):
        raise PermissionDenied
    changes = endorsement.changes.select_related("by").order_by("created_at", "id")
    page = Paginator(changes, STANCE_HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/endorsement_history.html",
        {
            "consultation": consultation,
            "recommendation": recommendation,
            "endorsement": endorsement,
            "page": page,
        },
    )


@require_POST
@login_required
def endorsement_withdraw(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    url = reverse("consultations:recommendation-detail", args=[pk, slug]) + "#endorse"
    organisation_id = request.POST.get("organisation", "")
    endorsement = (
        Endorsement.objects.filter(
            consultation=consultation,
            recommendation=recommendation,
            organisation_id=int(organisation_id),
        ).first()
        if organisation_id.isdigit()
        else None
    )
    if endorsement is None:
        messages.error(request, _("There is no stance to withdraw."))
        return redirect(url)
    try:
        services.endorsement_withdraw(endorsement=endorsement, by=request.user)
    except Refusal as error:
        return _refused(request, error, url)
    messages.success(request, _("Your organisation's stance has been withdrawn."))
    return redirect(url)


@require_POST
@login_required
def recommendation_follow(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    url = reverse("consultations:recommendation-detail", args=[pk, slug])
    return _follow(request, url, recommendation=recommendation)


# --- moderation ------------------------------------------------------------------


def synthesis_edit(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    synthesis = selectors.synthesis_get(consultation, recommendation)
    form = SynthesisForm(_data(request), initial={"body": synthesis.body if synthesis else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.synthesis_write(
                consultation=consultation,
                recommendation=recommendation,
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The synthesis has been saved."))
            return redirect(
                reverse("consultations:recommendation-detail", args=[pk, slug]) + "#synthesis"
            )
    return render(
        request,
        "consultations/synthesis_form.html",
        {"form": form, "consultation": consultation, "recommendation": recommendation},
    )


def comment_hide(request, pk):
    comment = _comment(pk)
    denied = _moderator_guard(request, comment.consultation)
    if denied:
        return denied
    form = ReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(
                comment=comment, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The comment has been hidden; its author can see why."))
            return redirect(_safe_next(request) or _back_to(comment))
    return render(
        request,
        "consultations/comment_moderate.html",
        {"form": form, "comment": comment, "action": "hide"},
    )


def _moderation_post(request, pk, service, success: str, action: str):
    comment = _comment(pk)
    denied = _moderator_guard(request, comment.consultation)
    if denied:
        return denied
    form = OptionalReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            service(comment=comment, reason=form.cleaned_data["reason"], by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(_safe_next(request) or _back_to(comment))
    return render(
        request,
        "consultations/comment_moderate.html",
        {"form": form, "comment": comment, "action": action},
    )


def _safe_next(request) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def comment_restore(request, pk):
    return _moderation_post(
        request, pk, services.comment_restore, _("The comment has been restored."), "restore"
    )


def comment_flags_dismiss(request, pk):
    return _moderation_post(
        request,
        pk,
        services.comment_flags_dismiss,
        _("The flags have been dismissed."),
        "dismiss",
    )


def thread_lock(request, pk):
    return _moderation_post(
        request, pk, services.thread_lock, _("The thread has been locked."), "lock"
    )


def thread_unlock(request, pk):
    return _moderation_post(
        request, pk, services.thread_unlock, _("The thread has been unlocked."), "unlock"
    )


def suspension_list(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    initial = {}
    if request.GET.get("user", "").isdigit():
        user = get_user_model().objects.filter(pk=int(request.GET["user"])).first()
        if user is not None and not user.is_former_participant:
            initial["email"] = user.email
    form = SuspendForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_suspend(
                consultation=consultation,
                user=form.user,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The person has been suspended from this consultation."))
            return redirect("consultations:suspension-list", pk=consultation.pk)
    return render(
        request,
        "consultations/suspension_list.html",
        {
            "consultation": consultation,
            "form": form,
            "suspensions": selectors.active_suspensions(consultation),
        },
    )


@require_POST
def suspension_lift(request, pk):
    suspension = get_object_or_404(Suspension.objects.select_related("consultation", "user"), pk=pk)
    denied = _moderator_guard(request, suspension.consultation)
    if denied:
        return denied
    try:
        services.suspension_lift(suspension=suspension, by=request.user)
    except Refusal as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The suspension has been lifted."))
    return redirect("consultations:suspension-list", pk=suspension.consultation_id)


@moderators_only
def moderation_queue(request):
    consultations = list(selectors.moderated_consultations(request.user))
    chosen = None
    consultation_id = request.GET.get("consultation")
    if consultation_id and consultation_id.isdigit():
        chosen = next((c for c in consultations if c.pk == int(consultation_id)), None)
    queue = selectors.moderation_queue(request.user, consultation=chosen)
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/moderation_queue.html",
        {"page": page, "consultations": consultations, "chosen": chosen},
    )


@moderators_only
def audit_log(request):
    consultations = list(selectors.moderated_consultations(request.user))
    form = AuditLogFilterForm(request.GET or None, consultations=consultations)
    filters = {}
    if form.is_valid():
        filters["consultation_id"] = form.cleaned_data.get("consultation")
        filters["action"] = form.cleaned_data.get("action") or ""
        email = form.cleaned_data.get("actor")
        if email:
            actor = get_user_model().objects.filter(email__iexact=email).first()
            filters["actor_id"] = actor.pk if actor else -1
    actions = selectors.audit_log(request.user, **filters)
    page = Paginator(actions, AUDIT_LOG_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
