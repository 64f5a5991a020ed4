"""/health/ answers anyone with up or down per component, and nothing more."""

import pytest

from liaison import tasks

pytestmark = pytest.mark.django_db


def test_health_is_up_for_an_anonymous_caller(client):
    response = client.get("/health/", secure=False)

    assert response.status_code == 200
    assert response.json() == {
        "status": "up",
        "components": {"database": "up", "cache": "up", "storage": "up", "migrations": "up"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_failing_component_is_down_without_any_detail(client, settings, tmp_path):
    not_a_folder = tmp_path / "media"
    not_a_folder.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = not_a_folder

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "components": {"database": "up", "cache": "up", "storage": "down", "migrations": "up"},
    }
    body = response.content.decode()
    assert str(tmp_path) not in body
    assert "Error" not in body and "error" not in body


def test_a_configured_broker_is_checked(client, monkeypatch):
    monkeypatch.setitem(tasks.app.conf, "task_always_eager", False)
    monkeypatch.setitem(tasks.app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["components"]["broker"] == "down"
    assert "127.0.0.1" not in response.content.decode()


def test_health_answers_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/agreements/").status_code == 301
