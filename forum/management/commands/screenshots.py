"""Render the main pages to PNG for the README: `make screenshots`.

Serves the site from this database with `runserver` in a child process and
photographs it with Playwright driving Debian's Chromium, at desktop and phone
width, into docs/screenshots/.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

PORT = 8765
PAGES = [
    ("home", "/", None),
    ("category", "/c/health/massage/", None),
    ("thread", "/q/1/it-band-pain-need-help/", None),
    ("profile", "/experts/jeremy-lanfranco/", None),
    ("ask", "/experts/jeremy-lanfranco/ask/", "member"),
    ("all-answers", "/answers/", None),
    ("unanswered", "/unanswered/", None),
    ("how-experts-are-vetted", "/about/experts/", None),
    ("contact", "/contact/", None),
    ("thread-member", "/q/1/it-band-pain-need-help/", "member"),
    ("moderation-queue", "/moderation/", "moderator"),
]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class Command(BaseCommand):
    help = "Photograph the main pages into docs/screenshots/ (desktop and phone width)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.BASE_DIR / "docs" / "screenshots"))

    def handle(self, *args, output, **options):
        if not Path("/usr/bin/chromium").exists():
            raise CommandError("Chromium is missing: apt-get install chromium")
        call_command("seed", verbosity=0)
        sessions, trust_pages = self.people()
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DEBUG": "true"}
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.wait_for_server()
            self.photograph(out, sessions, PAGES + trust_pages)
        finally:
            server.terminate()
            server.wait(timeout=10)

    def people(self):
        """A member and a moderator signed in, and a flag so the queue shows its work."""
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.models import Group

        from accounts.models import User
        from accounts.roles import MODERATORS_GROUP
        from forum import actions
        from forum.models import Answer

        def person(email, name):
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, None, display_name=name
            )
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            return user

        member = person("screenshot.member@example.com", "Dana Runner")
        moderator = person("screenshot.moderator@example.com", "Maya Moderator")
        moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
        Authenticator.objects.get_or_create(
            user=moderator, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        answer = Answer.objects.get(pk=1)
        actions.flag(item=answer, flagger=member, reason="dangerous", note="Is heat safe?")
        sessions = {}
        for name, user in (("member", member), ("moderator", moderator)):
            client = Client()
            client.force_login(user)
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return sessions, self.trust_scene(member)

    def trust_scene(self, member):
        """Two private threads on their way to publication, with a referral and a disclosure."""
        from datetime import timedelta

        from django.utils import timezone

        from accounts.models import User
        from forum import actions
        from forum.models import Answer, Category

        jeremy = User.objects.get(handle="jeremy-lanfranco")
        massage = Category.objects.get(path="health/massage")
        threads = []
        for title in ("Heel pain after my first marathon", "Stiff neck from my desk job"):
            question, _ = actions.ask_question(
                asker=member,
                category=massage,
                title=title,
                body="It started two weeks ago. I live in Brighton and work at Seaside Bank.",
                visibility="private",
                expert=jeremy,
            )
            answer, _ = actions.post_answer(
                question=question,
                author=jeremy,
                body="Ease off for a week, then stretch the calf and the sole twice a day.",
                referral="doctor",
                referral_urgency="soon",
                referral_note="a sports-medicine doctor, to rule out a stress fracture",
                disclosure="I sell the heel cups I mention, at my clinic.",
            )
            # A week on: the asker may say whether following the advice helped.
            Answer.objects.filter(pk=answer.pk).update(
                created_at=timezone.now() - timedelta(days=8)
            )
            request = actions.request_publication(question=question, user=jeremy)
            request = actions.agree_publication(request=request, user=member)
            actions.set_redactions(request=request, user=member, text="Seaside Bank")
            threads.append((question, request))
        (agreed, _), (_, review) = threads
        actions.submit_for_review(request=review, user=member)
        return [
            ("thread-trust-member", agreed.get_absolute_url(), "member"),
            ("publish", f"/q/{agreed.pk}/publish/", "member"),
            ("publication-review", f"/moderation/publications/{review.pk}/", "moderator"),
            ("category-guidance", "/moderation/categories/", "moderator"),
        ]

    def wait_for_server(self):
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("The server did not start.")

    def photograph(self, out, sessions, pages):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            for size, viewport in SIZES.items():
                for name, path, who in pages:
                    context = browser.new_context(viewport=viewport)
                    if who:
                        context.add_cookies([{
                            "name": settings.SESSION_COOKIE_NAME, "value": sessions[who],
                            "url": f"http://127.0.0.1:{PORT}",
                        }])  # fmt: skip
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{PORT}{path}")
                    target = out / f"{name}-{size}.png"
                    page.screenshot(path=str(target), full_page=True)
                    self.stdout.write(f"{target}")
                    context.close()
            browser.close()
