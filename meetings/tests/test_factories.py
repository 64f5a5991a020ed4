"""Every concrete model of ``meetings`` has a factory that builds a valid, saved row."""

import pytest
from django.apps import apps

from meetings.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    model: factory
    for factory in vars(factories).values()
    if isinstance(factory, type)
    and hasattr(factory, "_meta")
    and getattr(factory._meta, "model", None) is not None
    for model in [factory._meta.model]
    if model._meta.app_label == "meetings"
}


def test_every_model_has_a_factory():
    models = {m for m in apps.get_app_config("meetings").get_models() if not m._meta.proxy}
    assert models - set(FACTORIES) == set()


@pytest.mark.parametrize(
    "model", sorted(FACTORIES, key=lambda m: m.__name__), ids=lambda m: m.__name__
)
def test_factory_builds_a_valid_row(model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # factories of files store them
    obj = FACTORIES[model]()

    obj.refresh_from_db()
    obj.full_clean()
    assert model.objects.filter(pk=obj.pk).exists()
