"""The figures the load data is built to, and what every step shares."""

import random

from django.utils import timezone

LOAD_FORUM_NAME = "Load test Forum meeting"
LOAD_TITLE = "Load test consultation"
LOAD_DOMAIN = "load.example"
LOAD_PASSWORD = "load-portal-2026"  # noqa: S105 - benchmark accounts, refused in production
# Organisations 0..SIGNED_IN_POOL-1 are always verified and their person{i}
# is their representative: the benchmark signs in as them.
SIGNED_IN_POOL = 200
BATCH = 5000

PER_SCALE = {
    "organisations": 3000,
    "people": 10000,
    "comments": 50000,
    "endorsements": 20000,
    "positions": 100,
    "activities": 200000,
}
REVISIONS_PER_POSITION = 20

WORDS = [
    "migration",
    "development",
    "remittances",
    "diaspora",
    "rights",
    "workers",
    "recruitment",
    "fees",
    "labour",
    "mobility",
    "return",
    "integration",
    "protection",
    "women",
    "children",
    "health",
    "education",
    "skills",
    "recognition",
    "governments",
    "civil",
    "society",
    "partnership",
    "dialogue",
    "policy",
    "coherence",
    "data",
    "research",
    "circular",
    "temporary",
    "permanent",
    "regular",
    "irregular",
    "trafficking",
    "smuggling",
    "asylum",
    "refugees",
    "communities",
    "investment",
    "banks",
    "transfer",
    "costs",
    "access",
    "services",
    "employers",
    "unions",
    "ethics",
    "standards",
    "monitoring",
    "implementation",
    "accountability",
    "funding",
]


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def allocate(total: int, weights: list[float], cap: int | None = None) -> list[int]:
    """Split ``total`` by ``weights``, no share above ``cap``; the overflow goes down the tail."""
    scale = sum(weights)
    shares = [int(total * w / scale) for w in weights]
    shares[0] += total - sum(shares)
    if cap is not None:
        overflow = 0
        for index, share in enumerate(shares):
            share += overflow
            shares[index], overflow = min(share, cap), max(0, share - cap)
    return shares


class GeneratorBase:
    """The counts for the scale, the seeded random source, and text made from it."""

    def __init__(self, *, scale: float, seed: int, out):
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - seeded load data, not secrets
        self.out = out
        self.now = timezone.now()
        self.counts = {name: max(1, round(n * scale)) for name, n in PER_SCALE.items()}
        self.counts["organisations"] = max(self.counts["organisations"], 12)
        self.counts["people"] = max(self.counts["people"], self.counts["organisations"] + 10)

    def say(self, message: str) -> None:
        self.out.write(message)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))

    def markdown(self, low: int, high: int) -> str:
        text = self.words(low, high).capitalize() + "."
        if self.rng.random() < 0.3:
            text += "\n\n- " + self.words(3, 8) + "\n- " + self.words(3, 8)
        if self.rng.random() < 0.2:
            text += "\n\n**" + self.words(2, 5) + "**"
        return text
