"""Give the group Moderation what tagging needs, and editors the tag log.

Permissions are normally created by the post_migrate signal, after all
migrations; create_permissions() makes them now, on a fresh database too
(post_migrate later finds them and skips them). Every permission grant in
these migrations is done this way."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Moderation": [
        "view_articletagging",
        "change_articletagging",
        "view_tag",
        "change_tag",
        "delete_tag",
    ],
    "Redaktion": ["view_tagchange", "view_articletagging"],
}


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
        ("articles", "0003_tagging_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
