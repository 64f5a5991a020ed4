"""The first login is made with Django's stock ``createsuperuser``, as the README says."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

User = get_user_model()


class TerminalInput:
    """Standard input that says it is a terminal, as the interactive command requires."""

    def isatty(self):
        return True


def assert_is_secretariat(user):
    assert user.is_superuser and user.is_staff
    assert user.role == User.Role.SECRETARIAT
    assert user.organisation is None
    assert user.check_password("Lian-xi 2026 mima")


def test_createsuperuser_noinput_makes_a_secretariat_superuser(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Lian-xi 2026 mima")

    call_command(
        "createsuperuser", "--noinput", username="admin", email="admin@example.cn", verbosity=0
    )

    assert_is_secretariat(User.objects.get(username="admin"))


def test_createsuperuser_interactive_makes_a_secretariat_superuser(monkeypatch):
    answers = iter(["admin", "admin@example.cn"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.createsuperuser.getpass.getpass",
        lambda prompt="": "Lian-xi 2026 mima",
    )

    call_command("createsuperuser", interactive=True, stdin=TerminalInput(), verbosity=0)

    assert_is_secretariat(User.objects.get(username="admin"))
