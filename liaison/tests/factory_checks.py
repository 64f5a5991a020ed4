"""The two checks every app's ``tests/test_factories.py`` makes of its factories: every concrete
model has one, and each builds a valid, saved row."""

from types import ModuleType

import pytest
from django.apps import apps


def factories_by_model(app_label: str, module: ModuleType) -> dict:
    """The factories of ``module`` for the models of ``app_label``, by model."""
    return {
        factory._meta.model: factory
        for factory in vars(module).values()
        if isinstance(factory, type)
        and getattr(getattr(factory, "_meta", None), "model", None) is not None
        and factory._meta.model._meta.app_label == app_label
    }


def factory_tests(app_label: str, module: ModuleType):
    """The two test functions for ``app_label``, to be named at a test module's top level."""
    factories = factories_by_model(app_label, module)

    @pytest.mark.django_db
    def test_every_model_has_a_factory():
        models = {m for m in apps.get_app_config(app_label).get_models() if not m._meta.proxy}
        assert models - set(factories) == set()

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        "model", sorted(factories, key=lambda m: m.__name__), ids=lambda m: m.__name__
    )
    def test_factory_builds_a_valid_row(model, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path  # factories of files store them
        obj = factories[model]()

        obj.refresh_from_db()
        obj.full_clean()
        assert model.objects.filter(pk=obj.pk).exists()

    return test_every_model_has_a_factory, test_factory_builds_a_valid_row
