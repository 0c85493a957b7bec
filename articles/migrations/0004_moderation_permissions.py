"""Give the group Moderation what tagging needs, and editors the tag log.

The groups may already exist (issue 3's role migration) or not yet: both are
fetched with get_or_create. Permissions are normally created by the
post_migrate signal, after all migrations, so on a fresh database they do not
exist yet here; like Wagtail's data migrations we get_or_create the content
types and permissions ourselves (post_migrate later finds them and skips them).
"""

from django.db import migrations

MODERATION = {
    "articletagging": ["view", "change"],
    "tag": ["view", "change", "delete"],
}
EDITORS = {"tagchange": ["view"], "articletagging": ["view"]}


def grant(apps, group_name, grants):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=group_name)
    for model_name, actions in grants.items():
        model = apps.get_model("articles", model_name)
        content_type, _created = ContentType.objects.get_or_create(
            app_label="articles", model=model_name
        )
        for action in actions:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
            )
            group.permissions.add(permission)


def forwards(apps, schema_editor):
    grant(apps, "Moderation", MODERATION)
    grant(apps, "Redaktion", EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_tagging_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
