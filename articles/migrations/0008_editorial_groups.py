from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["article", "municipality", "imagecredit", "tag"]
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in EDITOR_MODELS
    for action in ("add", "change", "delete", "view")
]
# Moderators' own tagging permissions come with migration 0004;
# here they get to see articles and tags only.
MODERATOR_PERMISSIONS = ["view_article", "view_tag"]
GRANTS = {"Redaktion": EDITOR_PERMISSIONS, "Moderation": MODERATOR_PERMISSIONS}


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
        ("articles", "0007_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
