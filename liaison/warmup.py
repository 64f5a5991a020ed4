"""Work each server process would otherwise do on its first requests, done when it starts.

A worker that has just started imports every view on its first request (the URL
configuration), loads the translation catalogs on the first page in each language and compiles
each template the first time it is rendered: about a second of CPU spread over its first
users. The server entry points (``liaison.wsgi``, ``liaison.asgi``) call :func:`prepare_process`
once per process, so the first invitee after a restart waits no longer than the hundredth.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def prepare_process() -> None:
    """What a server process does once, before it serves: :func:`warm_up`, then it freezes
    what it loaded out of the garbage collector's way (it lives as long as the process, so a
    full collection need not walk it again)."""
    warm_up()
    gc.collect()
    gc.freeze()


def warm_up() -> int:
    """Import the URL configuration (and through it every view), load each language's
    catalog and compile every template of the project. Returns the templates compiled.
    Touches no database: it may run before a worker forks."""
    get_resolver().url_patterns  # noqa: B018 (imports the views)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Meetings")
    return sum(_compile_templates(engine) for engine in engines.all())


def _compile_templates(engine) -> int:
    compiled = 0
    for folder in map(Path, engine.template_dirs):
        if not folder.is_dir() or not _is_ours(folder):
            continue  # Django's and the libraries' templates are compiled when first used
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                # A page that fails will fail when asked for; the server still starts.
                log.warning("template %s not compiled at start: %s", name, error)
                continue
            compiled += 1
    return compiled


def _is_ours(folder: Path) -> bool:
    return folder.resolve().is_relative_to(Path(settings.BASE_DIR).resolve()) and (
        ".venv" not in folder.parts and "site-packages" not in folder.parts
    )
