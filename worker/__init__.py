"""Background work (Celery): firing timers, sweeping deadlines, sending notifications.

Empty in this release; its tasks arrive with the legal clock (timers and reminders).
"""
