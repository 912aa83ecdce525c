from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare a development database: migrate, import the 2007 report and load "
        "the demo data, each only where the feature exists and has not run yet."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        commands = get_commands()
        if "import_report" in commands:
            call_command("import_report")
        if "load_demo_data" in commands:
            call_command("load_demo_data")
