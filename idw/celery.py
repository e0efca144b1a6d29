"""The Celery app: settings from Django's (CELERY_ namespace), tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idw.settings")

app = Celery("idw")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
