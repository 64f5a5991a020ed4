"""Settings from a ``.env`` file are read as a shell reads them: comments after a value,
quotes, ``export`` lines; real environment variables still win."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
NAMES = [
    "DEBUG",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "EMAIL_HOST_PASSWORD",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "SECRET_KEY",
    "REPORTS_KEEP_DAYS",
]
SCRIPT = (
    "import json, sys; from liaison import settings as s; "
    f"json.dump({{n: getattr(s, n) for n in {NAMES!r}}}, sys.stdout, default=str)"
)
ENV_FILE = """\
# Production-like settings written by hand.
DEBUG=1  # local only
export SITE_URL=https://liaison.example.cn/
ALLOWED_HOSTS = "liaison.example.cn, 127.0.0.1"
EMAIL_HOST_PASSWORD='pa#ss word'   # quoted: the # is part of it
DEFAULT_FROM_EMAIL="秘书处 <secretariat@example.cn>"
export EMAIL_PORT=587
EMAIL_USE_TLS=yes
SECRET_KEY=$x9-starts-with-a-dollar
REPORTS_KEEP_DAYS=30
"""


def settings_read_from(env_file: Path, **environment) -> dict:
    keep = {k: v for k, v in os.environ.items() if k not in NAMES and k != "ENV_FILE"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**keep, "ENV_FILE": str(env_file), **environment},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_env_file_with_comments_quotes_and_export_is_read_as_written(tmp_path):
    env_file = tmp_path / "settings.env"
    env_file.write_text(ENV_FILE, encoding="utf-8")

    values = settings_read_from(env_file)

    assert values["DEBUG"] is True
    assert values["SITE_URL"] == "https://liaison.example.cn"
    assert values["ALLOWED_HOSTS"] == ["liaison.example.cn", "127.0.0.1"]
    assert values["EMAIL_HOST_PASSWORD"] == "pa#ss word"
    assert values["DEFAULT_FROM_EMAIL"] == "秘书处 <secretariat@example.cn>"
    assert values["EMAIL_PORT"] == 587
    assert values["EMAIL_USE_TLS"] is True
    assert values["SECRET_KEY"] == "$x9-starts-with-a-dollar"
    assert values["REPORTS_KEEP_DAYS"] == 30


def test_real_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / "settings.env"
    env_file.write_text(ENV_FILE, encoding="utf-8")

    values = settings_read_from(env_file, DEBUG="0", REPORTS_KEEP_DAYS="7")

    assert values["DEBUG"] is False
    assert values["REPORTS_KEEP_DAYS"] == 7
    assert values["SITE_URL"] == "https://liaison.example.cn"


def test_without_env_file_debug_is_off(tmp_path):
    values = settings_read_from(tmp_path / "missing.env", SECRET_KEY="from-the-environment")

    assert values["DEBUG"] is False
    assert values["SITE_URL"] == "http://127.0.0.1:8000"
