"""Create the Moderators group with the moderation permissions.

Permissions are normally created after migrations run, so this migration
creates the ones it grants. Later apps add their moderation permissions to the
same group in their own data migrations.
"""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("moderate", "Can use the moderation tools"),
    ("suspend_user", "Can suspend and restore users"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for codename, name in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
