from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["article", "municipality", "imagecredit", "tag"]
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in EDITOR_MODELS
    for action in ("add", "change", "delete", "view")
]
# Moderators' own permissions come with the moderation feature (get_or_create
# on the group); here they get to see articles and tags only.
MODERATOR_PERMISSIONS = ["view_article", "view_tag"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the
    # articles permissions exist now, on a fresh database too.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [
        ("Redaktion", EDITOR_PERMISSIONS),
        ("Moderation", MODERATOR_PERMISSIONS),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
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

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
