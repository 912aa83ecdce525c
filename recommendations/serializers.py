"""What the API shows of the report, its sessions, themes and recommendations."""

from rest_framework import serializers

from core.markdown import render_markdown

from .models import Example, Recommendation, Report, Session, Theme


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "title", "publisher", "year", "publication_date", "isbn"]


class SessionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "number", "slug", "title"]


class SessionSerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(read_only=True)
    recommendations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Session
        fields = [
            "id",
            "report",
            "number",
            "slug",
            "title",
            "summary",
            "background",
            "policy_challenges",
            "recommendations",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    recommendation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "description", "recommendation_count"]


class ExampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Example
        fields = ["order", "body"]


class RecommendationSerializer(serializers.ModelSerializer):
    session = SessionSummarySerializer(read_only=True)
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    body_html = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "slug",
            "citation",
            "number",
            "title",
            "body",
            "body_html",
            "session",
            "themes",
            "url",
        ]

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class RecommendationDetailSerializer(RecommendationSerializer):
    examples = ExampleSerializer(many=True, read_only=True)

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "examples"]
