"""Pages of comment threads by cursor, and landing on one's comment after posting."""

import base64
import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.cursors import after_cursor, decode_cursor, thread_cursor
from consultations.models import Comment, PersonParticipation, RecommendationStats
from consultations.selectors import COMMENT_SORTS, comment_threads

from .factories import CommentFactory, ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_pages(settings):
    """Pages rendered afresh, so their context can be read."""
    settings.PAGE_CACHE_SECONDS = 0


def detail_url(consultation, recommendation):
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


def create_url(consultation, recommendation):
    return reverse("consultations:comment-create", args=[consultation.pk, recommendation.slug])


def _threads(consultation, recommendation, count=47):
    """Threads with ties on time and on replies, and deleted first comments."""
    start = timezone.now() - timedelta(days=30)
    author = UserFactory()
    roots = Comment.objects.bulk_create(
        [
            Comment(
                consultation=consultation,
                recommendation=recommendation,
                author=author,
                body=f"Thread {n}.",
                # Pairs of threads share a moment, so the id breaks the tie.
                created_at=start + timedelta(minutes=n // 2),
                reply_count=n % 4,
                deleted_at=start if n in (5, 8) else None,
            )
            for n in range(count)
        ]
    )
    # Thread 8 is deleted and has no reply: it is not shown; thread 5 has one.
    return [root for root in roots if root.body != "Thread 8."]


def _expected(roots, sort):
    keys = {
        "oldest": lambda c: (c.created_at, c.pk),
        "newest": lambda c: (-c.created_at.timestamp(), -c.pk),
        "replies": lambda c: (-c.reply_count, -c.created_at.timestamp(), -c.pk),
    }
    return [c.pk for c in sorted(roots, key=keys[sort])]


def _page(consultation, recommendation, viewer, sort, cursor, per_page=7):
    return comment_threads(
        consultation=consultation,
        recommendation=recommendation,
        viewer=viewer,
        sort=sort,
        cursor=cursor or "",
        per_page=per_page,
    )


@pytest.mark.parametrize("sort", list(COMMENT_SORTS))
def test_next_and_previous_walk_every_thread_once(consultation, recommendation, person, sort):
    roots = _threads(consultation, recommendation)
    expected = _expected(roots, sort)
    seen, cursor, pages = [], "", 0
    while True:
        page = _page(consultation, recommendation, person, sort, cursor)
        assert page.count == len(expected)
        assert len(page.threads) == 7 or not page.has_next
        seen += [c.pk for c in page.threads]
        pages += 1
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert pages == 7
    # Backwards from the last page, by Previous, to the first.
    first = _page(consultation, recommendation, person, sort, "")
    page = _page(consultation, recommendation, person, sort, first.last_cursor)
    assert [c.pk for c in page.threads] == expected[-7:]
    back = []
    while True:
        back = [c.pk for c in page.threads] + back
        if not page.has_previous:
            break
        page = _page(consultation, recommendation, person, sort, page.previous_cursor)
    # 46 threads in pages of 7 from the end: the first page, full, overlaps by 3.
    assert back[:7] == expected[:7]
    assert back[7:] == expected[4:]
    # Previous from the second page is the first page, full.
    first = _page(consultation, recommendation, person, sort, "")
    second = _page(consultation, recommendation, person, sort, first.next_cursor)
    again = _page(consultation, recommendation, person, sort, second.previous_cursor)
    assert [c.pk for c in again.threads] == expected[:7]
    assert not again.has_previous and again.has_next


def test_last_page_of_oldest_is_the_newest_threads_in_order(consultation, recommendation, person):
    roots = _threads(consultation, recommendation)
    first = _page(consultation, recommendation, person, "oldest", "")
    last = _page(consultation, recommendation, person, "oldest", first.last_cursor)
    assert [c.pk for c in last.threads] == _expected(roots, "oldest")[-7:]
    assert last.has_previous and not last.has_next


def test_walk_by_the_links_of_the_page(client, consultation, recommendation):
    roots = _threads(consultation, recommendation)
    expected = _expected(roots, "replies")
    url = detail_url(consultation, recommendation) + "?sort=replies"
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [c.pk for c in response.context["comments"].threads]
        found = re.search(r'<a href="([^"]*)" rel="next">', response.content.decode())
        url = detail_url(consultation, recommendation) + unescape(found[1]) if found else None
    assert seen == expected


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "!!!",
        "%00",
        "x" * 500,
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["2026-01-01T00:00:00", 1]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["2026-01-01T00:00:00+00:00"]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", [1, 2]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["nope", 2]]').decode(),
        base64.urlsafe_b64encode(b'["b", "oldest", ["2026-01-01T00:00:00+00:00", -4]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["2026-01-01T00:00:00+00:00", 1e400]]').decode(),
        base64.urlsafe_b64encode(
            b'["a", "oldest", ["2026-01-01T00:00:00+00:00", 99999999999999999999999]]'
        ).decode(),
        base64.urlsafe_b64encode(b'["a", "replies", ["2026-01-01T00:00:00+00:00", 1]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["0001-01-01T00:00:00+05:00", 1]]').decode(),
        base64.urlsafe_b64encode(b'["b", "oldest", ["9999-12-31T23:59:59-05:00", 1]]').decode(),
        base64.urlsafe_b64encode(b'["a", "oldest", ["2026-01-01T00:00:00+99:00", 1]]').decode(),
        base64.urlsafe_b64encode(b'["t", true]').decode(),
        base64.urlsafe_b64encode(b'["t", 999999]').decode(),
        base64.urlsafe_b64encode(b'["l"]').decode(),
        base64.urlsafe_b64encode(b'["z", "oldest"]').decode(),
    ],
)
def test_bad_cursor_gives_the_first_page(client, consultation, recommendation, cursor):
    roots = _threads(consultation, recommendation)
    response = client.get(detail_url(consultation, recommendation), {"cursor": cursor})
    assert response.status_code == 200
    shown = [c.pk for c in response.context["comments"].threads]
    assert shown == _expected(roots, "oldest")[:20]


def test_old_page_numbers_give_the_first_page(client, consultation, recommendation):
    roots = _threads(consultation, recommendation)
    for page in ("3", "abc", "-1", "99999999999999999999"):
        response = client.get(detail_url(consultation, recommendation), {"page": page})
        assert response.status_code == 200
        shown = [c.pk for c in response.context["comments"].threads]
        assert shown == _expected(roots, "oldest")[:20]


def test_a_cursor_of_another_sort_is_not_read():
    cursor = after_cursor("oldest", (timezone.now(), 3))
    assert decode_cursor(cursor, "oldest").kind == "after"
    assert decode_cursor(cursor, "newest") is None
    assert decode_cursor(thread_cursor(4), "replies").thread == 4


def test_a_thread_of_another_debate_gives_the_first_page(
    client, consultation, recommendation, person
):
    roots = _threads(consultation, recommendation)
    elsewhere = CommentFactory(consultation=consultation)
    page = _page(consultation, recommendation, person, "oldest", thread_cursor(elsewhere.pk))
    assert [c.pk for c in page.threads] == _expected(roots, "oldest")[:7]


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _links(client, url) -> dict:
    """The pagination links of a debate page, by their words."""
    html = client.get(url).content.decode()
    found = re.findall(r'<a href="(\?[^"]*)"[^>]*>(First|Previous|Next|Last)</a>', html)
    return {word: unescape(href).split("#")[0] for href, word in found}


@pytest.mark.parametrize("sort", list(COMMENT_SORTS))
def test_deep_pages_cost_the_queries_of_the_first(client, consultation, recommendation, sort):
    roots = _threads(consultation, recommendation, count=130)
    client.force_login(UserFactory())
    base = detail_url(consultation, recommendation)
    url = base + f"?sort={sort}"
    first = _queries(client, url)
    links = _links(client, url)
    for _n in range(4):
        links = _links(client, base + links["Next"])
    deep = _queries(client, base + links["Next"])
    back = _queries(client, base + links["Previous"])
    last = _queries(client, base + links["Last"])
    # A link to a thread reads one row more: whether a page comes before it.
    thread = _expected(roots, sort)[90]
    anchored = _queries(client, url + f"&cursor={thread_cursor(thread)}")
    assert deep == back == last == first
    assert anchored == first + 1


def _shown(client, location) -> str:
    response = client.get(location)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("sort", list(COMMENT_SORTS))
def test_a_new_thread_lands_on_the_page_that_shows_it(
    client, consultation, recommendation, person, sort
):
    _threads(consultation, recommendation)
    client.force_login(person)
    url = create_url(consultation, recommendation) + f"?sort={sort}"
    response = client.post(url, {"body": "Late thought."})
    comment = Comment.objects.get(body="Late thought.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "page=" not in response["Location"]
    page = _shown(client, response["Location"])
    assert "Late thought." in page and f'id="comment-{comment.pk}"' in page
    response = client.post(url, {"body": "Another late thought."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Another late thought." in response.content.decode()


@pytest.mark.parametrize("sort", list(COMMENT_SORTS))
def test_a_reply_on_an_old_thread_lands_on_the_page_with_its_root(
    client, consultation, recommendation, person, sort
):
    roots = _threads(consultation, recommendation)
    old = roots[2]
    client.force_login(person)
    url = create_url(consultation, recommendation) + f"?sort={sort}"
    response = client.post(url, {"body": "A late answer.", "parent": old.pk})
    reply = Comment.objects.get(body="A late answer.")
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    page = _shown(client, response["Location"])
    assert f'id="comment-{old.pk}"' in page and "A late answer." in page
    response = client.post(
        url, {"body": "Another late answer.", "parent": old.pk}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert f'id="comment-{old.pk}"' in content and "Another late answer." in content


def test_links_to_a_comment_land_on_its_thread(client, consultation, recommendation, person):
    roots = _threads(consultation, recommendation)
    old = roots[30]
    reply = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Deep.",
        parent=old,
        by=person,
    )
    for comment in (old, reply):
        page = _shown(client, comment.get_absolute_url())
        assert f'id="comment-{comment.pk}"' in page
    assert reply.get_absolute_url().endswith(f"#comment-{reply.pk}")


def test_posting_a_comment_costs_seven_queries(
    client, consultation, recommendation, person, django_assert_num_queries
):
    RecommendationStats.objects.create(consultation=consultation, recommendation=recommendation)
    client.force_login(person)
    url = create_url(consultation, recommendation)
    # The first post records the participation and reads the person again;
    # after it, the caches hold what a page fills them with anyway.
    client.post(url, {"body": "First."})
    client.post(url, {"body": "Second."})
    # Session (from the database without Redis, from Redis with it), the comment,
    # two counters, activity, and the savepoint around them. The person with
    # their memberships, email check, suspensions and participations, the
    # consultation, its moderators and the recommendation come from the cache.
    expected = 6 if settings.SESSION_ENGINE.endswith("cached_db") else 7
    with django_assert_num_queries(expected):
        response = client.post(url, {"body": "Third."})
    assert response.status_code == 302


def test_participation_is_recorded_once_and_again_after_its_deletion(
    client, consultation, recommendation, person
):
    client.force_login(person)
    url = create_url(consultation, recommendation)
    mine = PersonParticipation.objects.filter(consultation=consultation, user=person)
    client.post(url, {"body": "First."})
    client.post(url, {"body": "Second."})
    assert mine.count() == 1
    mine.delete()  # as when the person's data is erased
    client.post(url, {"body": "Third."})
    assert mine.count() == 1
    other = ConsultationFactory()
    client.post(create_url(other, recommendation), {"body": "Elsewhere."})
    assert PersonParticipation.objects.filter(user=person).count() == 2


def test_counters_after_posting(consultation, recommendation, person):
    root = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="One.", by=person
    )
    services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Two.",
        parent=root,
        by=person,
    )
    stats = RecommendationStats.objects.get(
        consultation=consultation, recommendation=recommendation
    )
    assert stats.comment_count == 2
    consultation.refresh_from_db()
    root.refresh_from_db()
    assert consultation.comment_count == 2 and root.reply_count == 1


def test_a_debate_on_one_page_is_not_counted(client, consultation, recommendation):
    _threads(consultation, recommendation, count=5)
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(detail_url(consultation, recommendation))
    assert response.context["comments"].count == 5
    threads = [q["sql"] for q in context.captured_queries if "consultations_comment" in q["sql"]]
    assert not any("COUNT(" in sql for sql in threads)
    assert "5 threads" in response.content.decode()
