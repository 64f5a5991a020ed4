# GeneratedReport moved to the reports app. Only Django's state changes here: the table
# liaison_generatedreport and its rows stay, and reports.0001_initial takes the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0006_remove_login_throttle'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='GeneratedReport')],
            database_operations=[],
        ),
    ]
