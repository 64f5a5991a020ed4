import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()

from liaison.warmup import warm_up  # noqa: E402 (needs the settings above)

warm_up()
# What is loaded now lives as long as the process: the garbage collector need not walk it again
# on each full collection.
gc.collect()
gc.freeze()
