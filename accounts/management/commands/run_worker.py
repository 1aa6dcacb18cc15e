"""The e-mail worker: django-tasks-db's db_worker, made to outlive database restarts.

db_worker stops at the first database error, and whatever it was running
stays marked running for good. This command runs the same worker in a loop:
when the database goes away it waits and starts again (backing off up to 5
s), and each time it starts it first takes back tasks a dead worker left
running (accounts.tasks.requeue_abandoned_tasks). Run it under a supervisor
(see deploy/) so a crash of the process itself is restarted too.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from accounts.tasks import requeue_abandoned_tasks

logger = logging.getLogger("django_tasks_db")

MAX_WAIT = 5


class Command(db_worker.Command):
    help = "Run the e-mail worker; it survives database restarts and takes back abandoned tasks."

    def handle(self, *args, **options):
        wait = 1
        while True:
            try:
                taken = requeue_abandoned_tasks()
                if taken:
                    logger.warning("Took back %d tasks a stopped worker had left running.", taken)
                super().handle(*args, **options)
                return  # --batch or --max-tasks: done
            except (OperationalError, InterfaceError) as error:
                logger.warning(
                    "The database is unreachable (%s); the worker starts again in %d s.",
                    str(error).splitlines()[0],
                    wait,
                )
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
