from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_pupil_mobile"),
    ]

    operations = [
        migrations.AddField(
            model_name="pupil",
            name="dietary_notes",
            field=models.TextField(blank=True, verbose_name="dietary notes"),
        ),
        migrations.AddField(
            model_name="pupil",
            name="medical_notes",
            field=models.TextField(blank=True, verbose_name="medical notes"),
        ),
    ]
