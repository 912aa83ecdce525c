"""Factories for the report's data, for tests that need more rows than the report has."""

import factory

from recommendations.models import Example, Recommendation, Report, Session, Theme


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report
        django_get_or_create = ("isbn",)

    title = "A test report"
    publisher = "A test publisher"
    year = 2007
    isbn = factory.Sequence(lambda n: f"978-0-00-{n:06d}-0")
    source_sha256 = "0" * 64


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    report = factory.SubFactory(ReportFactory)
    number = factory.Sequence(lambda n: n % 8 + 1)
    title = factory.Sequence(lambda n: f"Session title {n}")
    slug = factory.Sequence(lambda n: f"test-session-{n}")
    summary = "A summary."
    background = "Some background."
    policy_challenges = "- A challenge\n- Another challenge"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    name = factory.Sequence(lambda n: f"Test theme {n}")
    description = "What the theme is about."
    order = factory.Sequence(lambda n: n)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Recommendation title {n}")
    slug = factory.Sequence(lambda n: f"test-recommendation-{n}")
    citation = factory.Sequence(lambda n: f"T.R{n}")
    body = "A body with *emphasis*.\n\n- one\n- two"

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class ExampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Example

    recommendation = factory.SubFactory(RecommendationFactory)
    order = factory.Sequence(lambda n: n + 1)
    body = "*An example.*"
