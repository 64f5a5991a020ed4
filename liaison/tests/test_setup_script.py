"""The local settings step of scripts/setup.sh (scripts/local-env.sh): a development .env that
turns DEBUG on is written only on a development machine, never when set up for production
(DEBUG=0), and an old .env that would turn DEBUG on stops a production set-up. With DEBUG off
the settings collect static files with the production manifest."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CLEARED = {"DEBUG", "DATABASE_URL", "CI", "ENV_FILE"}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(BASE_DIR / "scripts" / "local-env.sh", tmp_path / "scripts")
    return tmp_path


def local_env_step(project: Path, **environment) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return subprocess.run(
        ["bash", "scripts/local-env.sh"],
        cwd=project,
        env={**keep, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_machine_gets_a_debug_env_file(project):
    result = local_env_step(project)

    assert result.returncode == 0, result.stderr
    assert "DEBUG=1" in (project / ".env").read_text()


@pytest.mark.parametrize(
    "environment",
    [
        {"DEBUG": "0"},
        {"DEBUG": "off"},
        {"DEBUG": ""},
        {"DATABASE_URL": "postgres://x/y"},
        {"SETUP_PROFILE": "production"},  # setup.sh --production, with nothing else set
    ],
)
def test_production_set_up_writes_no_env_file(project, environment):
    result = local_env_step(project, **environment)

    assert result.returncode == 0, result.stderr
    assert not (project / ".env").exists()


@pytest.mark.parametrize(
    "line", ["DEBUG=1", "export DEBUG=true  # local", "  DEBUG = 'yes'", "DEBUG=on"]
)
def test_production_set_up_refuses_an_env_file_that_turns_debug_on(project, line):
    (project / ".env").write_text(f"# old local settings\n{line}\n")

    result = local_env_step(project, DEBUG="0")

    assert result.returncode == 1
    assert "turns DEBUG on" in result.stderr
    assert (project / ".env").read_text() == f"# old local settings\n{line}\n"


def test_production_set_up_keeps_an_env_file_without_debug(project):
    (project / ".env").write_text("SITE_URL=https://liaison.example.cn\nDEBUG=0\n")

    assert local_env_step(project, DEBUG="0").returncode == 0


def test_debug_off_collects_static_files_with_the_production_manifest(tmp_path):
    script = (
        "import json, sys; from django.conf import settings; import django; django.setup(); "
        "json.dump(settings.STORAGES['staticfiles']['BACKEND'], sys.stdout)"
    )
    keep = {k: v for k, v in os.environ.items() if k not in CLEARED}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "liaison.settings",
            "DEBUG": "0",
            "SECRET_KEY": "k" * 50,
            "ENV_FILE": str(tmp_path / "none.env"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    backend = json.loads(result.stdout)
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
