from django.core.management.base import BaseCommand

from forum import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every thread."

    def handle(self, *args, **options):
        count = search.rebuild_index()
        self.stdout.write(f"Indexed {count} threads.")
