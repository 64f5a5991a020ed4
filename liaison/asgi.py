import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_asgi_application()

from liaison.warmup import prepare_process  # noqa: E402 (needs the settings above)

prepare_process()
