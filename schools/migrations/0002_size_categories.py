from django.db import migrations

# OBEC's size bands at the time of writing; later changes are made in the admin, not here.
BANDS = [
    ("small", "ขนาดเล็ก", 0, 120),
    ("medium", "ขนาดกลาง", 121, 600),
    ("large", "ขนาดใหญ่", 601, 1500),
    ("xlarge", "ขนาดใหญ่พิเศษ", 1501, None),
]


def add_bands(apps, schema_editor):
    SizeCategory = apps.get_model("schools", "SizeCategory")
    for code, name, low, high in BANDS:
        SizeCategory.objects.get_or_create(
            code=code, defaults={"name": name, "min_students": low, "max_students": high}
        )


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(add_bands, migrations.RunPython.noop)]
