"""An expert's standing interests (employers, products sold, affiliations): declared on the
application and the profile form, shown on the public profile, on the card beside their
answers and in the API, escaped wherever they show."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from experts.forms import ApplicationForm, ProfileForm
from experts.models import ExpertProfile
from tests.factories import AnswerFactory, ExpertProfileFactory

from .test_applying import application, formset

pytestmark = pytest.mark.django_db

INTERESTS = "Employed by StrideWell Insoles.\nPaid adviser to the Runners' Club."
HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>'


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def profile_data(profile, **fields):
    return {
        "action": "profile",
        "headline": profile.headline,
        "expertise": profile.expertise,
        "experience": profile.experience,
        "location": profile.location,
        **formset("credentials", []),
        **fields,
    }


def test_both_forms_name_the_field():
    assert "interests" in ProfileForm.base_fields
    assert "interests" in ApplicationForm.base_fields
    assert ProfileForm.base_fields["interests"].required is False


def test_the_expert_declares_them_on_their_profile(jeremy):
    client = signed_in(jeremy)
    page = client.get(reverse("experts:manage"))
    assert 'name="interests"' in page.text

    response = client.post(
        reverse("experts:manage"), profile_data(jeremy.expert_profile, interests=INTERESTS)
    )

    assert response.status_code == HTTPStatus.FOUND
    assert ExpertProfile.objects.get(user=jeremy).interests == INTERESTS


def test_they_are_capped_at_1000_characters(jeremy):
    response = signed_in(jeremy).post(
        reverse("experts:manage"), profile_data(jeremy.expert_profile, interests="x" * 1001)
    )

    assert response.status_code == HTTPStatus.OK
    assert "at most 1000 characters" in response.text
    assert ExpertProfile.objects.get(user=jeremy).interests == ""


def test_an_applicant_may_declare_them(member_client, member, massage):
    response = member_client.post(
        reverse("experts:apply"), application([massage], interests="I sell insoles.")
    )

    assert response.status_code == HTTPStatus.FOUND
    assert ExpertProfile.objects.get(user=member).interests == "I sell insoles."


def test_the_profile_shows_them_under_their_own_title(jeremy):
    ExpertProfile.objects.filter(user=jeremy).update(interests=INTERESTS)
    page = html.fromstring(Client().get(jeremy.expert_profile.get_absolute_url()).content)
    (section,) = page.xpath("//section[@aria-labelledby='interests-title']")
    text = " ".join(section.text_content().split())

    assert text.startswith("Standing interests")
    assert "Employed by StrideWell Insoles." in text
    assert "Paid adviser to the Runners' Club." in text


def test_no_section_without_interests(jeremy):
    text = Client().get(jeremy.expert_profile.get_absolute_url()).text
    assert "Standing interests" not in text


def test_the_card_beside_their_answers_shows_them_compactly(jeremy, massage):
    long = " ".join(["Sells insoles."] + ["word"] * 50)
    ExpertProfile.objects.filter(user=jeremy).update(interests=long)
    answer = AnswerFactory(question__category=massage, author=jeremy)
    page = html.fromstring(Client().get(answer.question.get_absolute_url()).content)
    (card,) = page.xpath("//section[contains(@class, 'expert-card')]")
    text = " ".join(card.text_content().split())

    assert "Standing interests Sells insoles." in text
    assert text.count("word") < 50
    more = card.xpath(".//a[text()='more']")[0].get("href")
    assert more == f"{jeremy.expert_profile.get_absolute_url()}#interests-title"


@pytest.mark.parametrize("where", ["profile", "card", "api"])
def test_hostile_text_is_escaped(jeremy, massage, where):
    ExpertProfile.objects.filter(user=jeremy).update(interests=HOSTILE)
    if where == "api":
        data = Client().get(f"/api/v1/experts/{jeremy.handle}").json()
        assert data["interests"] == HOSTILE  # JSON, as written: a client escapes it.
        return
    url = (
        jeremy.expert_profile.get_absolute_url()
        if where == "profile"
        else AnswerFactory(question__category=massage, author=jeremy).question.get_absolute_url()
    )
    text = Client().get(url).content.decode()

    assert "<script>alert" not in text and "<b onmouseover" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def test_the_api_gives_them(jeremy):
    ExpertProfile.objects.filter(user=jeremy).update(interests=INTERESTS)
    assert Client().get(f"/api/v1/experts/{jeremy.handle}").json()["interests"] == INTERESTS
    other = ExpertProfileFactory()
    assert Client().get(f"/api/v1/experts/{other.user.handle}").json()["interests"] == ""
