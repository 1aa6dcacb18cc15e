from django.core.management.base import BaseCommand

from forum.markdown import render_markdown
from forum.models import Answer, FollowUp, Question

BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Re-render the stored HTML of every post after the markdown policy changes."

    def handle(self, *args, **options):
        for model in (Question, Answer, FollowUp):
            changed = 0
            batch = []
            for post in model.objects.only("pk", "body", "body_html").iterator(BATCH_SIZE):
                html = render_markdown(post.body)
                if html != post.body_html:
                    post.body_html = html
                    batch.append(post)
                if len(batch) >= BATCH_SIZE:
                    model.objects.bulk_update(batch, ["body_html"])
                    changed += len(batch)
                    batch = []
            model.objects.bulk_update(batch, ["body_html"])
            changed += len(batch)
            name = model._meta.verbose_name_plural
            self.stdout.write(f"{name}: {changed} re-rendered")
