"""A server process compiles the project's templates and imports its views when it starts."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.test import override_settings

from liaison.warmup import warm_up


def _project_templates() -> set[str]:
    folder = Path(settings.BASE_DIR) / "templates"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}


def test_warm_up_compiles_each_template_of_the_project_into_the_cache():
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    compiled = warm_up()
    cached = set(loader.get_template_cache)
    assert _project_templates() <= cached
    assert compiled == len(cached)
    # Django's own templates (the admin's) are left until they are used.
    assert not any(name.startswith("admin/") for name in cached)


def test_a_broken_template_is_reported_and_the_server_still_starts(tmp_path, caplog):
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    (tmp_path / "fine.html").write_text("{{ value }}", encoding="utf-8")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]
    with override_settings(TEMPLATES=templates, BASE_DIR=tmp_path):
        assert warm_up() == 1
    assert "broken.html" in caplog.text


def test_both_server_entry_points_prepare_their_process(monkeypatch):
    import importlib
    import sys

    from liaison import warmup

    prepared = []
    monkeypatch.setattr(warmup, "prepare_process", lambda: prepared.append(True))
    for name in ("liaison.wsgi", "liaison.asgi"):
        monkeypatch.delitem(sys.modules, name, raising=False)  # imported afresh, put back after
        assert callable(importlib.import_module(name).application)
    assert len(prepared) == 2
