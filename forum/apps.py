from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self):
        from . import actions, signals  # noqa: F401 - actions register themselves

        signals.connect()
