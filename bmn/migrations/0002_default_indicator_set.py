"""The 2560–2564 indicator set (31 indicators, 5 หมวด, education = 15–19) from bmn/data."""

from django.db import migrations


def load(apps, schema_editor):
    from bmn.indicators import DEFAULT_SET, default_indicators, save_indicator_set

    models = (apps.get_model("bmn", "IndicatorSet"), apps.get_model("bmn", "Indicator"))
    if not models[0].objects.filter(code=DEFAULT_SET["code"]).exists():
        save_indicator_set(indicators=default_indicators(), models=models, **DEFAULT_SET)


class Migration(migrations.Migration):
    dependencies = [("bmn", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
