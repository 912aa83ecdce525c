from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.importer import DEFAULT_REPORT_PATH, ReportFormatError, parse_report
from recommendations.services import report_import


class Command(BaseCommand):
    help = (
        "Import the 2007 Civil Society Day end report (or re-import it: rows are matched "
        "by their natural keys, so ids and slugs stay as they were). Writes nothing when "
        "the file is not the report in the expected format."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_REPORT_PATH),
            help="Text of the report (default: the copy shipped in recommendations/data/).",
        )

    def handle(self, *args, path, **options):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}. Nothing was imported.") from error
        try:
            parsed = parse_report(text)
        except ReportFormatError as error:
            raise CommandError(
                f"{path} is not the report in the expected format: {error} Nothing was imported."
            ) from error
        summary = report_import(parsed=parsed, by=None)
        self.stdout.write(
            f"Imported {path}: {len(parsed.sessions)} sessions, "
            f"{parsed.recommendation_count} recommendations, {parsed.example_count} examples, "
            f"{len(parsed.themes)} themes."
        )
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if not summary.changed:
            self.stdout.write("Nothing changed: the database already matches the file.")
