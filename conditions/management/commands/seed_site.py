"""Make a fresh install usable: the clinic's profile, the shipped article, the first admin account.

Safe to run on every start: the clinic profile is created with its name and US defaults only if
there is none, content is imported only into an empty database, the shipped Spanish translations
only into a database with no translations (so one a clinician deleted stays deleted), and the
admin account is created (with a random password printed once) only if no superuser exists.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from clinic.models import ClinicProfile
from conditions.models import Condition
from conditions.services.importing import SEED_ARTICLE
from translations.models import Translation
from translations.seed import SEED_TRANSLATIONS


class Command(BaseCommand):
    help = "Import the shipped article into an empty database and create the first admin user."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Name of the first admin user.")

    def handle(self, *args, username, **options):
        profile, created = ClinicProfile.objects.get_or_create(pk=ClinicProfile.SINGLETON_ID)
        if created:
            self.stdout.write(
                f"Created the clinic profile for {profile.name}: add its phone number and "
                "locations in the admin (Clinic › Clinic profile)."
            )
        if Condition.objects.exists():
            self.stdout.write("Content already present: the shipped article was not re-imported.")
        else:
            call_command("import_article", SEED_ARTICLE, verbosity=options["verbosity"])
        if Translation.objects.exists():
            self.stdout.write("Translations already present: the shipped ones were not loaded.")
        else:
            call_command("import_translations", SEED_TRANSLATIONS, verbosity=options["verbosity"])

        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account already exists: its password is unchanged.")
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created admin user '{username}' with password: {password}\n"
                f"This is shown once. Change it at {reverse('admin:password_change')} after "
                "signing in."
            )
        )
