import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()

from liaison.warmup import prepare_process  # noqa: E402 (needs the settings above)

prepare_process()
