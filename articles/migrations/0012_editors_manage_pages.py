"""Editors write the footer pages (Impressum, Datenschutz, Barrierefreiheit):
give the group Redaktion the permissions of the Page admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE_PERMISSIONS = [f"{action}_page" for action in ("add", "change", "delete", "view")]


def grant_page_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the
    # Page permissions exist now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Redaktion")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=PAGE_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_vector"),
    ]

    operations = [
        migrations.RunPython(grant_page_permissions, migrations.RunPython.noop)
    ]
