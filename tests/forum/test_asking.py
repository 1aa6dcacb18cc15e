import re
import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from forum.models import Question
from tests.factories import CategoryFactory, ExpertProfileFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def massage():
    """Massage, with an expert of its own: an open question there reaches someone."""
    massage = CategoryFactory(name="Massage", slug="massage", parent=CategoryFactory(slug="health"))
    ExpertProfileFactory(user__display_name="Erin Expert", categories=[massage])
    return massage


@pytest.fixture
def jeremy(massage):
    return ExpertProfileFactory(
        user__display_name="Jeremy Lanfranco", user__handle="jeremy", categories=[massage]
    )


@pytest.fixture
def asker_client(client):
    # An account older than a week: the ordinary asking rate applies.
    client.force_login(UserFactory(date_joined=timezone.now() - timedelta(days=30)))
    return client


def ask_data(category, **overrides):
    return {
        "category": category.pk,
        "expert": "",
        "title": "IT band pain need help",
        "body": "It hurts after **5 minutes** of running.",
        "visibility": "public",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def test_asking_needs_an_account(client, massage):
    response = client.get(reverse("forum:ask"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unverified_member_is_told_to_verify_and_nothing_is_posted(client, massage):
    client.force_login(UserFactory(verified=False))

    response = client.post(reverse("forum:ask"), ask_data(massage))

    assert "verif" in response.text.lower()
    assert not Question.objects.exists()


def test_a_suspended_member_is_told_why_and_nothing_is_posted(client, massage):
    client.force_login(UserFactory(suspended_at=timezone.now(), suspension_reason="Spam links"))

    response = client.post(reverse("forum:ask"), ask_data(massage))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "suspended" in response.text
    assert "Spam links" in response.text
    assert not Question.objects.exists()


def test_a_member_asks_an_open_public_question(asker_client, massage):
    response = asker_client.post(reverse("forum:ask"), ask_data(massage))

    question = Question.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == question.get_absolute_url()
    assert question.expert is None
    assert question.visibility == "public"
    assert question.status == "open"
    assert question.body_html == "<p>It hurts after <strong>5 minutes</strong> of running.</p>\n"
    page = asker_client.get(response["Location"])
    assert "Your question was sent" in page.text


def test_asking_an_expert_privately_from_their_profile(asker_client, massage, jeremy):
    url = reverse("forum:ask_expert", args=["jeremy"])
    form = asker_client.get(url)
    assert form.status_code == HTTPStatus.OK
    assert "Ask Jeremy Lanfranco" in form.text

    asker_client.post(url, ask_data(massage, expert=jeremy.pk, visibility="private"))

    question = Question.objects.get()
    assert question.expert == jeremy.user
    assert question.visibility == "private"
    assert Client().get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_the_category_link_preselects_the_category_and_lists_its_experts(
    asker_client, massage, jeremy
):
    response = asker_client.get(reverse("forum:ask") + "?category=health/massage")

    assert response.context["form"].initial["category"] == massage
    assert "Jeremy Lanfranco" in response.text


def test_a_private_question_needs_an_expert_and_the_text_is_kept(asker_client, massage):
    response = asker_client.post(reverse("forum:ask"), ask_data(massage, visibility="private"))

    assert response.status_code == HTTPStatus.OK
    assert "A private question goes to one expert" in response.text
    assert "It hurts after **5 minutes** of running." in response.text
    assert not Question.objects.exists()


def test_an_expert_at_the_daily_limit_is_shown_but_cannot_be_picked(asker_client, massage, jeremy):
    jeremy.daily_question_limit = 1
    jeremy.save()
    QuestionFactory(category=massage, expert=jeremy.user)  # Today's first question.

    page = asker_client.get(reverse("forum:ask") + "?category=health/massage")
    assert "Jeremy Lanfranco" in page.text
    assert "not taking more questions today" in page.text
    assert "disabled" in page.text
    response = asker_client.post(reverse("forum:ask"), ask_data(massage, expert=jeremy.pk))

    assert "Jeremy Lanfranco has reached today&#x27;s limit of questions" in response.text
    assert Question.objects.count() == 1


def test_an_expert_on_vacation_is_not_offered_and_askers_see_when_they_are_back(
    asker_client, massage, jeremy
):
    jeremy.accepting_questions = False
    jeremy.away_until = timezone.localdate() + timedelta(days=10)
    jeremy.save()

    page = asker_client.get(reverse("forum:ask") + "?category=health/massage")
    choices = [str(label) for _, label in page.context["form"].fields["expert"].choices]
    assert not any("Jeremy" in label for label in choices)
    assert "Away and not taking questions: Jeremy Lanfranco (back" in page.text
    response = asker_client.post(reverse("forum:ask"), ask_data(massage, expert=jeremy.pk))
    assert "Select a valid choice" in response.text

    own_page = asker_client.get(reverse("forum:ask_expert", args=["jeremy"]))
    assert "is away and not taking questions until" in own_page.text
    assert 'name="title"' not in own_page.text
    assert not Question.objects.exists()


def test_an_expert_of_another_category_cannot_be_picked(asker_client, massage):
    lawyer = ExpertProfileFactory(categories=[CategoryFactory(slug="law")])

    response = asker_client.post(reverse("forum:ask"), ask_data(massage, expert=lawyer.pk))

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.text
    assert not Question.objects.exists()


def test_a_double_submit_creates_one_question(asker_client, massage):
    data = ask_data(massage)

    first = asker_client.post(reverse("forum:ask"), data)
    second = asker_client.post(reverse("forum:ask"), data)

    assert Question.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_extra_fields_cannot_set_what_the_server_decides(asker_client, massage):
    other = UserFactory()
    asker_client.post(
        reverse("forum:ask"),
        ask_data(
            massage,
            asker=other.pk,
            status="answered",
            is_hidden="on",
            locked="on",
            answer_count=9,
            slug="chosen",
        ),
    )

    question = Question.objects.get()
    assert question.asker != other
    assert question.status in ("addressed", "open")
    assert not question.is_hidden and not question.locked
    assert question.answer_count == 0
    assert question.slug == "it-band-pain-need-help"


@override_settings(ASK_RATE_NEW_ACCOUNT="2/h", ASK_RATE="5/h")
def test_new_accounts_are_rate_limited_with_a_clear_message(client, massage):
    client.force_login(UserFactory())  # Joined just now.

    for _ in range(2):
        assert client.post(reverse("forum:ask"), ask_data(massage)).status_code == HTTPStatus.FOUND
    response = client.post(reverse("forum:ask"), ask_data(massage, title="My third question"))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "2 per hour" in response.text
    assert "My third question" in response.text
    assert Question.objects.count() == 2


@override_settings(ASK_RATE_NEW_ACCOUNT="1/h", ASK_RATE="3/h")
def test_older_accounts_get_the_ordinary_rate(asker_client, massage):
    statuses = [
        asker_client.post(reverse("forum:ask"), ask_data(massage)).status_code for _ in range(4)
    ]

    assert statuses == [HTTPStatus.FOUND] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]


def test_the_preview_button_renders_safe_html_and_posts_nothing(asker_client, massage):
    response = asker_client.post(
        reverse("forum:ask"),
        ask_data(massage, body="**bold** <script>alert(1)</script>", action="preview"),
    )

    assert response.status_code == HTTPStatus.OK
    assert "<strong>bold</strong>" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not Question.objects.exists()


class TestMarkdownPreviewEndpoint:
    url = "/markdown/preview/"

    def test_it_is_registered_under_the_name_the_widget_uses(self):
        assert reverse("markdownx_markdownify") == self.url

    def test_it_sanitises_like_stored_posts(self, member_client):
        response = member_client.post(
            self.url, {"content": "[x](javascript:alert(1)) <img src=x onerror=alert(1)> *ok*"}
        )

        assert response.status_code == HTTPStatus.OK
        assert "<em>ok</em>" in response.text
        assert (
            "javascript:" not in response.text.split("&lt;")[0]
            or 'href="javascript' not in response.text
        )
        assert "<img" not in response.text

    def test_it_requires_login(self, client):
        assert client.post(self.url, {"content": "x"}).status_code == HTTPStatus.FORBIDDEN

    def test_it_requires_csrf(self, member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)

        assert client.post(self.url, {"content": "x"}).status_code == HTTPStatus.FORBIDDEN

    def test_it_answers_400_to_a_missing_or_oversized_field(self, member_client):
        assert member_client.post(self.url, {}).status_code == HTTPStatus.BAD_REQUEST
        too_long = {"content": "x" * 10_001}
        assert member_client.post(self.url, too_long).status_code == HTTPStatus.BAD_REQUEST

    def test_it_only_takes_post(self, member_client):
        assert member_client.get(self.url).status_code == HTTPStatus.METHOD_NOT_ALLOWED

    @pytest.mark.parametrize("url", ["/markdownx/markdownify/", "/markdownx/upload/"])
    def test_markdownx_own_views_are_not_routed(self, member_client, url):
        assert member_client.post(url, {"content": "x"}).status_code == HTTPStatus.NOT_FOUND


# -- The ask form's rough edges (issue 17) -------------------------------------------------------

LONG_HEADLINE = (
    "Licensed massage therapist with twenty years of practice, trained at the Esalen "
    "massage school in California"
)


def expert_options(response):
    return re.findall(r'<option value="\d+"([^>]*)>([^<]*)</option>', response.text)


def test_a_long_headline_is_cut_on_a_word_with_the_full_text_on_the_option(asker_client, massage):
    ExpertProfileFactory(
        user__display_name="Jeremy Lanfranco", headline=LONG_HEADLINE, categories=[massage]
    )

    response = asker_client.get(reverse("forum:ask"), {"category": massage.path})

    attrs, label = next(o for o in expert_options(response) if "Jeremy" in o[1])
    assert label.startswith("Jeremy Lanfranco — Licensed massage therapist")
    assert label.endswith("…") and not label.endswith(" …")
    shown = label.removeprefix("Jeremy Lanfranco — ").removesuffix("…")
    assert LONG_HEADLINE.startswith(shown)
    assert LONG_HEADLINE[len(shown)] in " ,"  # Cut between words.
    assert f'title="Jeremy Lanfranco — {LONG_HEADLINE}"' in attrs


def test_leave_it_open_is_offered_only_where_a_question_can_be_left_open(
    asker_client, massage, jeremy
):
    general = asker_client.get(reverse("forum:ask"))
    to_jeremy = asker_client.get(reverse("forum:ask_expert", args=["jeremy"]))

    assert "leave it open" in general.text
    assert "leave it open" not in to_jeremy.text
    assert "This question goes to Jeremy Lanfranco alone." in to_jeremy.text


def test_the_category_list_is_in_the_order_of_the_category_tree(asker_client):
    # Positions put Zoology first, although "art" sorts first by its path.
    zoology = CategoryFactory(name="Zoology", slug="zoology", position=0)
    art = CategoryFactory(name="Art", slug="art", position=1)
    CategoryFactory(name="Birds", slug="birds", parent=zoology, position=2)
    CategoryFactory(name="Apes", slug="apes", parent=zoology, position=1)
    CategoryFactory(name="Painting", slug="painting", parent=art)

    form = asker_client.get(reverse("forum:ask"))
    tree = Client().get(reverse("forum:categories"))

    listed = [label.strip("\u2003 ").split(" (")[0] for _, label in expert_options(form)]
    assert listed == ["Zoology", "Apes", "Birds", "Art", "Painting"]
    positions = [tree.text.index(f">{name}<") for name in listed]
    assert positions == sorted(positions)


@override_settings(ASK_RATE_NEW_ACCOUNT="2/15m", ASK_RATE="5/h")
def test_the_rate_limit_says_how_long_to_wait(client, massage):
    client.force_login(UserFactory())  # Joined just now.
    for _ in range(2):
        client.post(reverse("forum:ask"), ask_data(massage))

    response = client.post(reverse("forum:ask"), ask_data(massage, title="My third question"))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert re.search(r"You can ask again in 1[45] minutes", response.text)
