"""The seed thread reproduces the original AllExperts page (shared/seed/it-band-thread.txt)."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from experts.models import ExpertProfile
from forum.markdown import render_markdown
from forum.models import Answer, Category, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db):
    call_command("seed", verbosity=0)
    return Question.objects.get(slug="it-band-pain-need-help")


def test_the_thread_page_reproduces_the_original(client, seed):
    response = client.get(seed.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.text
    for text in (
        "You are here:",
        "Health &amp; Fitness",
        "Massage/IT band pain need help",
        "I have ran in cross-country and track for two years",
        "Should I see a doctor or is there a way to fix this?",
        "Hi Annabelle!",
        "Seems like you are suffering from IT (Iliotibial) Band Syndrome.",
        "<li>Toe in running</li>",
        "<li>Aggressive uphill and d/hill running</li>",
        "<li>Running on hard ground without adequate shock absorption.</li>",
        "Orthotic insoles by Vasyli",
        "Pls follow up should you have anything to ask.",
        "Jeremy Lanfranco",
        "Answers by Expert",
    ):
        assert text in html, text


def test_the_profile_page_shows_experience_and_organization(client, seed):
    profile = ExpertProfile.objects.get(user__handle="jeremy-lanfranco")

    html = client.get(profile.get_absolute_url()).text

    assert "16 years experience as a part time massage Therapist." in html
    assert "29 years experience as a Dental Hygienist (full time)" in html
    assert "British School of Yoga Associate" in html
    assert "Esalen massage" in html
    assert "Malta, Europe" in html
    assert "Look my name up in youtube to see me at work." in html
    assert "IT band pain need help" in html


def test_the_answer_keeps_its_paragraphs_and_numbered_list(seed):
    answer = Answer.objects.get(question=seed)

    assert answer.body_html.count("<p>") == 14
    assert "<ol>\n<li>Toe in running</li>" in answer.body_html
    assert answer.body_html.endswith("<p>Jeremy Lanfranco<br>\nMalta Europe</p>\n")


def test_stored_html_matches_the_current_markdown_policy(seed):
    for post in [seed, *Answer.objects.filter(question=seed)]:
        assert post.body_html == render_markdown(post.body)


def test_seed_users_cannot_log_in_with_any_password(seed):
    for user in get_user_model().objects.all():
        assert not user.has_usable_password()


def test_the_seed_places_massage_under_health_and_loads_once(seed):
    assert Category.objects.get(slug="massage").path == "health/massage"
    assert Category.objects.filter(parent=None).count() >= 4

    call_command("seed", verbosity=0)

    assert Question.objects.count() == 1
