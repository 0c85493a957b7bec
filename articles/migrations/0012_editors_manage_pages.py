"""Editors write the footer pages (Impressum, Datenschutz, Barrierefreiheit):
give the group Redaktion the permissions of the Page admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE_PERMISSIONS = [f"{action}_page" for action in ("add", "change", "delete", "view")]
GRANTS = {"Redaktion": PAGE_PERMISSIONS}


def grant_permissions(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True  # create_permissions() skips it otherwise
    create_permissions(articles, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_vector"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop)
    ]
