"""What search engines and link previews read: canonical, Open Graph, Twitter card, JSON-LD.

They describe a page as a visitor sees it, whoever asks: private, hidden and withdrawn
threads carry only "noindex", and hidden answers never appear, for the moderator and
the hidden answer's author too. The JSON-LD is escaped so that nothing a member
writes can end its <script> element.
"""

import json
from http import HTTPStatus

import lxml.html
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from forum.models import Question
from forum.templatetags.structured_data import dumps, ld_json
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"  # SITE_URL in the test settings
HOSTILE = '</script><script>alert(1)</script> & <!-- Tom & Jerry\'s \u2028 "knee"'


class Page:
    """A page's head as a crawler reads it, and its "You are here" trail."""

    def __init__(self, response):
        assert response.status_code == HTTPStatus.OK
        self.html = response.content.decode()
        self.tree = lxml.html.fromstring(self.html)

    @property
    def json_ld_scripts(self):
        return self.tree.xpath('//script[@type="application/ld+json"]')

    @property
    def graph(self):
        """The page's one JSON-LD document, as {@type: item}."""
        (script,) = self.json_ld_scripts
        document = json.loads(script.text)
        assert document["@context"] == "https://schema.org"
        return {item["@type"]: item for item in document["@graph"]}

    def meta(self, key):
        found = self.tree.xpath(f'//head/meta[@property="{key}" or @name="{key}"]/@content')
        return found[0] if found else None

    @property
    def canonical(self):
        found = self.tree.xpath('//head/link[@rel="canonical"]/@href')
        return found[0] if found else None

    @property
    def trail(self):
        """(name, absolute URL) of each "You are here" item; the current page's URL is None."""
        items = []
        for li in self.tree.xpath('//nav[@aria-label="Breadcrumb"]//li'):
            links = li.xpath("./a/@href")
            items.append((li.text_content().strip(), SITE + links[0] if links else None))
        return items

    @property
    def noindex(self):
        return self.meta("robots") == "noindex"

    def described_by_nothing(self):
        """A page visitors cannot see: "noindex", and nothing that describes it."""
        return (
            self.noindex
            and not self.json_ld_scripts
            and self.canonical is None
            and not self.tree.xpath('//head/meta[starts-with(@property, "og:")]')
            and not self.tree.xpath('//head/meta[starts-with(@name, "twitter:")]')
        )


def page(client, url):
    return Page(client.get(url))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def breadcrumbs(graph):
    return [(item["name"], item["item"]) for item in graph["BreadcrumbList"]["itemListElement"]]


def assert_breadcrumbs_match_the_trail(found, url):
    crumbs = breadcrumbs(found.graph)
    assert [name for name, _ in crumbs] == [name for name, _ in found.trail]
    # The trail's last item is the page itself, shown as text: its address is the page's.
    assert [link for _, link in crumbs] == [link or url for _, link in found.trail]
    positions = [item["position"] for item in found.graph["BreadcrumbList"]["itemListElement"]]
    assert positions == list(range(1, len(crumbs) + 1))


def assert_social_tags(found, *, kind, title, url):
    assert found.canonical == url
    assert found.meta("og:type") == kind
    assert found.meta("og:title") == title
    assert found.meta("og:url") == url
    assert found.meta("og:site_name") == "Ask the Experts"
    assert found.meta("og:description")
    assert found.meta("og:description") == found.meta("description")
    assert found.meta("twitter:card") == "summary"
    assert found.meta("twitter:title") == title
    assert found.meta("twitter:description") == found.meta("og:description")
    assert not found.noindex


# -- The seed thread ---------------------------------------------------------------------------


@pytest.fixture
def seed(db):
    call_command("seed", verbosity=0)
    return Question.objects.get(slug="it-band-pain-need-help")


def test_the_seed_threads_json_ld_parses_and_carries_the_qapage_fields(client, seed):
    url = f"{SITE}/q/1/it-band-pain-need-help/"
    found = page(client, seed.get_absolute_url())

    qa_page = found.graph["QAPage"]
    assert qa_page["url"] == url
    question = qa_page["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "IT band pain need help"
    assert question["text"].startswith("I have ran in cross-country and track for two years")
    assert "Should I see a doctor or is there a way to fix this?" in question["text"]
    assert "<p>" not in question["text"]
    assert question["dateCreated"].startswith("2017-04-10T")
    assert question["author"] == {"@type": "Person", "name": "Annabelle"}
    shown = found.tree.xpath('//article[contains(@class, "answer")]')
    assert question["answerCount"] == len(shown) == 1
    # The asker marks no answer as the accepted one here: every answer is suggested.
    assert "acceptedAnswer" not in question
    (answer,) = question["suggestedAnswer"]
    assert answer["@type"] == "Answer"
    assert answer["text"].startswith("Hi Annabelle!")
    assert "1. Toe in running\n2. Aggressive uphill" in answer["text"]
    assert answer["url"] == f"{url}#{shown[0].get('id')}"
    assert answer["dateCreated"].startswith("2017-04-11T")
    assert answer["author"] == {
        "@type": "Person",
        "name": "Jeremy Lanfranco",
        "url": f"{SITE}/experts/jeremy-lanfranco/",
    }
    assert qa_page["breadcrumb"] == {"@id": found.graph["BreadcrumbList"]["@id"]}
    assert_breadcrumbs_match_the_trail(found, url)
    assert breadcrumbs(found.graph) == [
        ("Home", f"{SITE}/"),
        ("Health & Fitness", f"{SITE}/c/health/"),
        ("Massage", f"{SITE}/c/health/massage/"),
        ("IT band pain need help", url),
    ]
    assert_social_tags(found, kind="article", title="IT band pain need help", url=url)


def test_the_seed_expert_profile_is_a_profile_page(client, seed):
    url = f"{SITE}/experts/jeremy-lanfranco/"
    found = page(client, "/experts/jeremy-lanfranco/")

    profile_page = found.graph["ProfilePage"]
    assert profile_page["url"] == url
    assert profile_page["dateCreated"]
    person = profile_page["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Jeremy Lanfranco"
    assert person["url"] == url
    assert person["description"] == "Massage therapist and Esalen massage practitioner"
    assert person["knowsAbout"] == ["Massage"]
    assert person["agentInteractionStatistic"]["userInteractionCount"] == 1  # "1 public answer"
    assert "1 public answer" in found.html
    assert "QAPage" not in found.graph
    assert breadcrumbs(found.graph) == [
        ("Home", f"{SITE}/"),
        ("Ask Experts", f"{SITE}/experts/"),
        ("Jeremy Lanfranco", url),
    ]
    assert_breadcrumbs_match_the_trail(found, url)
    assert_social_tags(
        found,
        kind="profile",
        title="Jeremy Lanfranco — Massage therapist and Esalen massage practitioner",
        url=url,
    )


def test_the_seed_category_carries_its_trail_and_no_qapage(client, seed):
    url = f"{SITE}/c/health/massage/"
    found = page(client, "/c/health/massage/")

    assert set(found.graph) == {"BreadcrumbList"}
    assert breadcrumbs(found.graph) == [
        ("Home", f"{SITE}/"),
        ("Health & Fitness", f"{SITE}/c/health/"),
        ("Massage", url),
    ]
    assert_breadcrumbs_match_the_trail(found, url)
    assert_social_tags(found, kind="website", title="Massage", url=url)


def test_a_category_page_after_the_first_is_its_own_canonical_and_drops_the_order(client):
    category = CategoryFactory(slug="knees")
    for _ in range(21):
        AnswerFactory(question=QuestionFactory(category=category))

    found = page(client, "/c/knees/?page=2&order=rating")

    assert found.canonical == f"{SITE}/c/knees/?page=2"
    assert found.meta("og:url") == found.canonical


# -- Escaping ----------------------------------------------------------------------------------


def test_a_hostile_title_and_body_cannot_break_out_of_the_script_element(client):
    question = QuestionFactory(title=HOSTILE, body=f"Why? {HOSTILE}")
    AnswerFactory(question=question, body=f"Because {HOSTILE}")

    found = page(client, question.get_absolute_url())

    # One JSON-LD element, and no script but the site's own files and that one.
    assert len(found.json_ld_scripts) == 1
    scripts = found.tree.xpath("//script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    assert "<script>alert(1)" not in found.html
    question_data = found.graph["QAPage"]["mainEntity"]
    assert question_data["name"] == HOSTILE
    # Bodies are markdown, read back as plain text: their spaces, U+2028 too, are one space.
    assert question_data["text"] == " ".join(f"Why? {HOSTILE}".split())
    assert question_data["suggestedAnswer"][0]["text"] == " ".join(f"Because {HOSTILE}".split())
    assert breadcrumbs(found.graph)[-1][0] == HOSTILE
    # The tags carry it escaped as attribute values, read back whole.
    assert found.meta("og:title") == HOSTILE
    assert found.meta("twitter:title") == HOSTILE


def test_the_json_text_has_no_character_that_could_end_the_element():
    text = dumps({"name": HOSTILE})

    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(text)
    assert json.loads(text) == {"name": HOSTILE}
    assert ld_json({"name": "é"}) == '<script type="application/ld+json">{"name":"é"}</script>'
    assert ld_json(None) == ""


def test_the_csp_needs_nothing_for_the_data_block(client, seed):
    """A data block is never run: no nonce, no 'unsafe-inline', and the page cache's copy
    is the same for every visitor."""
    response = client.get(seed.get_absolute_url())

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce" not in response.content.decode()


# -- Visibility --------------------------------------------------------------------------------


@pytest.fixture
def people(massage):
    return {"asker": UserFactory(), "expert": ExpertProfileFactory(categories=[massage]).user}


@pytest.mark.parametrize("viewer", ["asker", "expert", "moderator"])
def test_a_private_thread_is_noindex_and_described_by_nothing(people, moderator, massage, viewer):
    question = QuestionFactory(
        category=massage, asker=people["asker"], expert=people["expert"], visibility="private"
    )
    AnswerFactory(question=question, author=people["expert"])
    client = signed_in(moderator if viewer == "moderator" else people[viewer])

    found = page(client, question.get_absolute_url())

    assert question.title in found.html  # they do read it
    assert found.described_by_nothing()


@pytest.mark.parametrize(
    ("change", "viewer"),
    [
        ({"is_hidden": True}, "asker"),
        ({"is_hidden": True}, "moderator"),
        ({"status": "withdrawn", "withdrawn_from": "open"}, "asker"),
    ],
    ids=["hidden-asker", "hidden-moderator", "withdrawn-asker"],
)
def test_a_hidden_or_withdrawn_thread_is_described_by_nothing(
    people, moderator, massage, change, viewer
):
    question = QuestionFactory(category=massage, asker=people["asker"])
    Question.objects.filter(pk=question.pk).update(**change)
    client = signed_in(moderator if viewer == "moderator" else people[viewer])

    found = page(client, question.get_absolute_url())

    assert found.described_by_nothing()


def test_a_public_thread_without_answers_says_so(client, massage):
    question = QuestionFactory(category=massage)

    entity = page(client, question.get_absolute_url()).graph["QAPage"]["mainEntity"]

    assert entity["answerCount"] == 0
    assert "suggestedAnswer" not in entity


class TestHiddenAnswer:
    @pytest.fixture
    def thread(self, massage):
        question = QuestionFactory(category=massage, title="Which stretch?")
        shown = AnswerFactory(question=question, body="Stretch the calf.")
        hidden = AnswerFactory(question=question, body="Buy my secret oil.")
        hidden.is_hidden, hidden.hidden_reason = True, "Advertising"
        hidden.save()
        return question, shown, hidden

    def assert_only_the_shown_answer(self, found, question, shown):
        entity = found.graph["QAPage"]["mainEntity"]
        assert entity["answerCount"] == 1
        (answer,) = entity["suggestedAnswer"]
        assert answer["url"] == f"{SITE}{question.get_absolute_url()}#answer-{shown.pk}"
        assert answer["text"] == "Stretch the calf."
        document = found.json_ld_scripts[0].text
        assert "secret oil" not in document
        assert "Advertising" not in document

    def test_a_visitor_sees_one_answer_and_the_data_counts_one(self, client, thread):
        question, shown, _hidden = thread

        found = page(client, question.get_absolute_url())

        assert "1 Answer" in found.html
        assert len(found.tree.xpath('//article[contains(@class, "answer")]')) == 1
        self.assert_only_the_shown_answer(found, question, shown)

    @pytest.mark.parametrize("viewer", ["moderator", "author"])
    def test_the_data_leaves_it_out_for_those_who_see_it(self, thread, moderator, viewer):
        question, shown, hidden = thread
        client = signed_in(moderator if viewer == "moderator" else hidden.author)

        found = page(client, question.get_absolute_url())

        assert "Buy my secret oil." in found.html  # on the page, for them
        self.assert_only_the_shown_answer(found, question, shown)

    def test_the_data_a_moderator_caused_to_be_cached_is_a_visitors(self, thread, moderator):
        """With the caches on, the first reader's render is shared: it must be the public one."""
        question, shown, hidden = thread
        with override_settings(PAGE_CACHE_SECONDS=300):
            page(signed_in(moderator), question.get_absolute_url())
            page(signed_in(hidden.author), question.get_absolute_url())
            found = page(Client(), question.get_absolute_url())

        self.assert_only_the_shown_answer(found, question, shown)


def test_an_answer_by_an_expert_whose_profile_is_closed_names_them_without_a_link(client, massage):
    question = QuestionFactory(category=massage)
    expert = ExpertProfileFactory(user__display_name="Sam Suspended", categories=[massage]).user
    AnswerFactory(question=question, author=expert)
    type(expert).objects.filter(pk=expert.pk).update(suspended_at=timezone.now())

    (answer,) = page(client, question.get_absolute_url()).graph["QAPage"]["mainEntity"][
        "suggestedAnswer"
    ]

    assert answer["author"] == {"@type": "Person", "name": "Sam Suspended"}


@pytest.mark.parametrize("viewer", ["owner", "moderator"])
def test_a_profile_visitors_cannot_open_is_described_by_nothing(moderator, viewer):
    profile = ExpertProfileFactory(status="pending", approved_at=None)
    client = signed_in(moderator if viewer == "moderator" else profile.user)

    found = page(client, profile.get_absolute_url())

    assert profile.user.display_name in found.html
    assert found.described_by_nothing()


def test_an_expert_profile_counts_public_answers_only(client, massage):
    profile = ExpertProfileFactory(categories=[massage], location="")
    AnswerFactory(question=QuestionFactory(category=massage), author=profile.user)
    hidden = AnswerFactory(question=QuestionFactory(category=massage), author=profile.user)
    hidden.is_hidden = True
    hidden.save()

    person = page(client, profile.get_absolute_url()).graph["ProfilePage"]["mainEntity"]

    assert person["agentInteractionStatistic"]["userInteractionCount"] == 1
    assert "homeLocation" not in person
