"""Load scenarios for bench/run: one user class per scenario, run one at a time.

Configuration comes from the JSON file named by BENCH_CONFIG (written by
bench/run from `generate_load_data --describe`). The X-Queries and X-Server-Ms
headers of each response are collected per request name and written to
BENCH_QUERIES_OUT when the run ends.
"""

import itertools
import json
import os
import random
import time
from collections import defaultdict

from locust import FastHttpUser, constant, events, task

CONFIG = json.loads(open(os.environ["BENCH_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
CONSULTATION = CONFIG["consultation"]
HOT = CONFIG["hot"][0]
HOT_SET = CONFIG["hot"]
API_PATH = CONFIG.get("api_path", "/api/v1/recommendations/")
SEARCH_WORDS = ["remittances", "diaspora", "recruitment fees", "women", "return migration"]
QUERIES: dict[str, list[int]] = defaultdict(list)
SERVER_MS: dict[str, list[list[float]]] = defaultdict(list)  # [wall, cpu] per request
SPAN: dict[str, list[float]] = {}  # [first start, last end] of each request name
ACCOUNT_NUMBERS = itertools.count()


def recommendation_url(slug: str) -> str:
    return f"/consultations/{CONSULTATION}/recommendations/{slug}/"


class Portal(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def get(self, path: str, name: str):
        started = time.time()
        with self.client.get(path, name=name, catch_response=True) as response:
            self._check(response, name)
        self._span(name, started)

    @staticmethod
    def _span(name: str, started: float) -> None:
        """When requests of this name first started and last ended: their own window."""
        first, _last = SPAN.get(name, (started, started))
        SPAN[name] = [min(first, started), time.time()]

    def _check(self, response, name: str, expected=(200,)):
        if response.status_code not in expected:
            response.failure(f"status {response.status_code}")
            return
        queries = response.headers.get("X-Queries")
        if queries is not None:
            QUERIES[name].append(int(queries))
        server = response.headers.get("X-Server-Ms")
        if server is not None:
            SERVER_MS[name].append([float(part) for part in server.split()])
        response.success()

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""


class SignedIn(Portal):
    """Signs in through the allauth form as one of the generator's representatives."""

    abstract = True

    def on_start(self):
        number = next(ACCOUNT_NUMBERS) % len(CONFIG["people"])
        self.email = CONFIG["people"][number]
        self.organisation = CONFIG["organisations"][number]
        self.client.get("/accounts/login/", name="login form")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.email,
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")

    def post(self, path: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.csrf_token()}
        started = time.time()
        with self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            catch_response=True,
            headers={"Referer": f"{self.host}{path}"},
        ) as response:
            self._check(response, name, expected=(302, 303))
        self._span(name, started)
        # A browser shows the confirmation on the next page and forgets it; without
        # this, confirmations would pile up in the cookie with every post.
        for cookie in list(self.client.cookiejar):
            if cookie.name == "messages":
                self.client.cookiejar.clear(cookie.domain, cookie.path, cookie.name)


class Bare(Portal):
    @task
    def bare(self):
        self.get("/bench/bare", "bare view")


class Home(Portal):
    @task
    def home(self):
        self.get("/", "home")


class RecommendationList(Portal):
    @task
    def recommendation_list(self):
        self.get("/recommendations/", "recommendation list")


class HotRecommendation(Portal):
    @task
    def hot_recommendation(self):
        self.get(recommendation_url(HOT), "hot recommendation")


class ConsultationPage(Portal):
    @task
    def consultation(self):
        self.get(f"/consultations/{CONSULTATION}/", "consultation")


class Search(Portal):
    @task
    def search(self):
        self.get(f"/search/?q={random.choice(SEARCH_WORDS)}", "search")  # noqa: S311


class ApiList(Portal):
    @task
    def api_list(self):
        self.get(API_PATH, "api list")


class SignedInRead(SignedIn):
    @task
    def hot_recommendation_signed_in(self):
        self.get(recommendation_url(HOT), "hot recommendation (signed in)")


class SignedInBrowse(SignedIn):
    """Every request a page this reader has not read yet: the next page of statements.

    Each reader first opens the hot debates, as they would before paging
    through them, under a name of its own: twenty readers opening five
    debates in the same second is a burst no consultation sees, and within a
    20 s run it would decide the scenario's p95 by itself. bench/run reports
    those first openings apart and counts the scenario's requests per second
    from its first browsing request on.
    """

    def on_start(self):
        super().on_start()
        for slug in HOT_SET:
            self.get(recommendation_url(slug), "opening a debate (signed in)")
        # From the second page of statements of each debate on.
        self.pages = itertools.count(len(HOT_SET))

    @task
    def browse_signed_in(self):
        number = next(self.pages)
        slug = HOT_SET[number % len(HOT_SET)]
        page = number // len(HOT_SET) + 1
        self.get(f"{recommendation_url(slug)}?statements={page}", "browsing (signed in)")


class PostComment(SignedIn):
    @task
    def post_comment(self):
        slug = random.choice(HOT_SET)  # noqa: S311
        self.post(
            recommendation_url(slug) + "comments/",
            {"body": "A comment from the load benchmark about remittance costs.", "parent": ""},
            "post comment",
        )


class ChangeEndorsement(SignedIn):
    stances = itertools.cycle(["support", "oppose", "reservations"])

    @task
    def change_endorsement(self):
        slug = random.choice(HOT_SET)  # noqa: S311
        stance = next(self.stances)
        self.post(
            recommendation_url(slug) + "endorse/",
            {
                "organisation": self.organisation,
                "stance": stance,
                "statement": "" if stance == "support" else "Our reasons, from the benchmark.",
            },
            "change endorsement",
        )


@events.quitting.add_listener
def write_query_counts(environment, **kwargs):
    path = os.environ.get("BENCH_QUERIES_OUT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"queries": QUERIES, "server_ms": SERVER_MS, "span": SPAN}, handle)
