"""The Turpan-side signing units of the source article (reference data, not demo data)."""

from django.db import migrations

UNITS = ("高昌区", "鄯善县", "托克逊县", "市直单位")


def add_units(apps, schema_editor):
    SigningUnit = apps.get_model("agreements", "SigningUnit")
    for position, name in enumerate(UNITS, start=1):
        SigningUnit.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(add_units, migrations.RunPython.noop)]
