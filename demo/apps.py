from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo cooperation of the source article, loaded by ``manage.py seed_demo``."""

    name = "demo"
    verbose_name = "Demo"
