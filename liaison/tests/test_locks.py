"""Production installs the runtime pins only; development installs the same pins plus the tools."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEVELOPMENT_ONLY = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "execnet",
    "ruff",
    "factory-boy",
    "faker",
    "recurring-ical-events",
    "aiosmtpd",
}


def pins(name: str) -> dict[str, str]:
    """{package: version} of a lock file, each pin checked to carry at least one hash."""
    text = (BASE_DIR / name).read_text(encoding="utf-8")
    found = {}
    for block in re.split(r"\n(?=[a-z0-9])", text):
        match = re.match(r"([a-z0-9][a-z0-9._-]*)==(\S+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{match[1]} is not hashed in {name}"
            found[match[1]] = match[2]
    return found


def _normalise(requirement: str) -> str:
    return re.split(r"[<>=\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_runtime_lock_has_no_development_tool():
    runtime = pins("requirements.lock")

    assert "django" in runtime and "gunicorn" in runtime
    assert not DEVELOPMENT_ONLY & runtime.keys()


def test_development_lock_is_the_runtime_pins_plus_the_dev_group():
    runtime, development = pins("requirements.lock"), pins("requirements-dev.lock")
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    dev_group = {_normalise(item) for item in project["dependency-groups"]["dev"]}

    assert {name: development.get(name) for name in runtime} == runtime
    assert dev_group <= development.keys()
    assert development.keys() >= DEVELOPMENT_ONLY


def test_setup_installs_a_hashed_pip_that_understands_locked_extras():
    installer = pins("requirements-pip.lock")
    major, minor = (int(part) for part in installer["pip"].split(".")[:2])

    # 23.2, the pip of a fresh Python 3.11 venv, refuses weasyprint's fonttools[woff] extra
    # under --require-hashes; 25.3 takes it from the pinned fonttools.
    assert (major, minor) >= (25, 3)
    setup = (BASE_DIR / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert setup.index("requirements-pip.lock") < setup.index('-r "$LOCK_FILE"')
