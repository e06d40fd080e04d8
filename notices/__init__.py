"""Notices: who hears of what, where (in the app, by e-mail, in a group robot).

An event (a report submitted, returned or approved; a follow-up assigned or answered)
writes its notices to the outbox (`Notice`) and queues their delivery as django.tasks
tasks (django-tasks-db's DatabaseBackend: the task rows are written in the same
transaction as the event, so both commit or neither). `db_worker` sends them; a
channel that fails is tried again later with a growing delay, never failing the
user's save. Events are read from the history rows every change writes
(django-simple-history's signal), so the apps that raise them do not know this one.
"""
