"""Background work (Celery): firing timers and reminders, delivering notifications."""
