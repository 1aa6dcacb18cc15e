"""Per-category guidance and disclaimers (forum.guidance, issue 20): inherited down the tree,
edited by moderators only, shown on the ask form, the category page and above each answer,
and carried as a field of its own by the feeds, the API and the JSON-LD."""

import json
from http import HTTPStatus

import feedparser
import lxml.etree
import lxml.html
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.actions import Conflict, Refused
from accounts.models import AuditAction, AuditEntry
from config import pagecache
from forum.actions import set_guidance
from forum.guidance import (
    effective_guidance,
    guidance_by_category,
    guidance_of_row,
    with_guidance,
)
from forum.models import Answer, Category, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MEDICAL = "Answers are not medical advice; in an emergency call 112."
LEGAL = "Not legal advice; laws differ by country."
HOSTILE = '</script><script>alert(1)</script> <b>bold</b> & "quotes" <!-- x -->'
NS = "urn:x-ask-the-experts:feed:1"


@pytest.fixture
def tree(db):
    """Health (its own guidance) > Massage (none) > Sports massage (none); Law; Pets (none)."""
    health = CategoryFactory(name="Health", slug="health", guidance=MEDICAL)
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    sports = CategoryFactory(name="Sports massage", slug="sports", parent=massage)
    law = CategoryFactory(name="Law", slug="law", guidance=LEGAL)
    pets = CategoryFactory(name="Pets", slug="pets")
    return {"health": health, "massage": massage, "sports": sports, "law": law, "pets": pets}


@pytest.fixture
def thread(tree):
    """A public answered thread in Sports massage, with two answers."""
    expert = ExpertProfileFactory(categories=[tree["sports"]]).user
    answer = AnswerFactory(question__category=tree["sports"], author=expert, body="Rest it.")
    AnswerFactory(question=answer.question, body="Ice it.")
    return answer.question


def fresh(category):
    return Category.objects.get(pk=category.pk)


# -- Inheritance ---------------------------------------------------------------------------------


class TestInheritance:
    def test_own_guidance(self, tree):
        assert effective_guidance(tree["health"], []) == MEDICAL
        assert effective_guidance(tree["law"], []) == LEGAL

    def test_a_child_takes_its_parents(self, tree):
        massage = tree["massage"]
        assert effective_guidance(massage, list(massage.ancestors())) == MEDICAL

    def test_a_grandchild_takes_its_grandparents(self, tree):
        sports = tree["sports"]
        assert effective_guidance(sports, list(sports.ancestors())) == MEDICAL

    def test_the_nearest_ancestor_wins_and_an_own_text_overrides(self, tree):
        Category.objects.filter(pk=tree["massage"].pk).update(guidance="Massage text.")
        sports = fresh(tree["sports"])
        assert effective_guidance(sports, list(sports.ancestors())) == "Massage text."
        Category.objects.filter(pk=sports.pk).update(guidance="Sports text.")
        assert effective_guidance(fresh(sports)) == "Sports text."

    def test_none_anywhere_is_empty(self, tree):
        assert effective_guidance(tree["pets"], []) == ""
        child = CategoryFactory(slug="dogs", parent=tree["pets"])
        assert effective_guidance(child) == ""
        assert effective_guidance(None) == ""

    def test_ancestors_already_loaded_cost_no_query(self, tree, django_assert_num_queries):
        sports = tree["sports"]
        ancestors = list(sports.ancestors())
        with django_assert_num_queries(0):
            assert effective_guidance(sports, ancestors) == MEDICAL

    def test_without_ancestors_it_reads_them_once(self, tree, django_assert_num_queries):
        sports = fresh(tree["sports"])
        with django_assert_num_queries(1):
            assert effective_guidance(sports) == MEDICAL

    def test_the_map_of_the_whole_tree(self, tree, django_assert_num_queries):
        with django_assert_num_queries(1):
            found = guidance_by_category()
        assert found == {
            tree["health"].pk: MEDICAL,
            tree["massage"].pk: MEDICAL,
            tree["sports"].pk: MEDICAL,
            tree["law"].pk: LEGAL,
        }

    def test_the_map_is_shared_until_the_next_write(self, tree, settings):
        settings.PAGE_CACHE_SECONDS = 300
        guidance_by_category()
        with CaptureQueriesContext(connection) as captured:
            guidance_by_category()
        assert len(captured) == 0
        set_guidance(moderator=ModeratorFactory(), category=tree["law"], guidance="Changed.")
        assert guidance_by_category()[tree["law"].pk] == "Changed."

    def test_as_a_column_of_a_list(self, tree, thread):
        QuestionFactory(category=tree["pets"])
        QuestionFactory(category=tree["law"])
        rows = with_guidance(Question.objects.order_by("pk"))
        assert [guidance_of_row(q) for q in rows] == [MEDICAL, "", LEGAL]
        answers = with_guidance(Answer.objects.all(), to="question__category")
        assert {guidance_of_row(a) for a in answers} == {MEDICAL}
        categories = with_guidance(Category.objects.order_by("path"), to="")
        assert {c.path: guidance_of_row(c) for c in categories} == {
            "health": MEDICAL,
            "health/massage": MEDICAL,
            "health/massage/sports": MEDICAL,
            "law": LEGAL,
            "pets": "",
        }

    def test_a_like_pattern_in_a_slug_matches_nothing_else(self, db):
        # "_" and "%" are LIKE wildcards: a path is compared as it is written.
        CategoryFactory(name="A_b", slug="a_b", guidance="Underscore.")
        other = CategoryFactory(name="Axb", slug="axb")
        child = CategoryFactory(name="Child", slug="child", parent=other)
        rows = with_guidance(Category.objects.filter(pk__in=[other.pk, child.pk]), to="")
        assert [guidance_of_row(c) for c in rows] == ["", ""]


# -- The action ----------------------------------------------------------------------------------


class TestSetGuidance:
    def test_it_saves_audits_and_moves_the_page_cache_on(
        self, tree, django_capture_on_commit_callbacks
    ):
        moderator = ModeratorFactory()
        before = pagecache.generation()

        with django_capture_on_commit_callbacks(execute=True):
            set_guidance(moderator=moderator, category=tree["law"], guidance=f"  {LEGAL} Ask.  ")

        assert fresh(tree["law"]).guidance == f"{LEGAL} Ask."
        assert pagecache.generation() >= before + 2
        entry = AuditEntry.objects.get(action=AuditAction.EDIT_GUIDANCE)
        assert entry.actor == moderator
        assert entry.target_id == tree["law"].pk
        assert entry.target_type == "forum.category"
        assert entry.before == {"guidance": LEGAL}
        assert entry.after == {"guidance": f"{LEGAL} Ask."}

    def test_empty_falls_back_to_the_parent(self, tree):
        moderator = ModeratorFactory()
        set_guidance(moderator=moderator, category=tree["massage"], guidance="Massage.")
        set_guidance(moderator=moderator, category=tree["massage"], guidance="   ")

        assert fresh(tree["massage"]).guidance == ""
        assert effective_guidance(fresh(tree["massage"])) == MEDICAL
        assert AuditEntry.objects.filter(action=AuditAction.EDIT_GUIDANCE).count() == 2

    def test_saving_the_same_text_writes_nothing(self, tree):
        set_guidance(moderator=ModeratorFactory(), category=tree["law"], guidance=LEGAL)
        assert not AuditEntry.objects.filter(action=AuditAction.EDIT_GUIDANCE).exists()

    @pytest.mark.parametrize(
        "who",
        ["member", "expert", "staff", "superuser_without_two_factor", "moderator_without_2fa"],
    )
    def test_only_moderators_may(self, tree, who):
        user = {
            "member": lambda: UserFactory(),
            "expert": lambda: ExpertProfileFactory(categories=[tree["law"]]).user,
            "staff": lambda: UserFactory(is_staff=True),
            "superuser_without_two_factor": lambda: UserFactory(is_staff=True, is_superuser=True),
            "moderator_without_2fa": lambda: ModeratorFactory(mfa=False),
        }[who]()
        with pytest.raises(Refused):
            set_guidance(moderator=user, category=tree["law"], guidance="Mine now.")
        assert fresh(tree["law"]).guidance == LEGAL
        assert not AuditEntry.objects.exists()

    def test_a_suspended_moderator_may_not(self, tree):
        from django.utils import timezone

        moderator = ModeratorFactory()
        moderator.suspended_at = timezone.now()
        moderator.save()
        with pytest.raises(Refused):
            set_guidance(moderator=moderator, category=tree["law"], guidance="Mine now.")

    def test_too_long_is_refused(self, tree):
        with pytest.raises(Refused):
            set_guidance(moderator=ModeratorFactory(), category=tree["law"], guidance="x" * 1001)

    def test_a_stale_edit_is_a_conflict(self, tree):
        moderator = ModeratorFactory()
        set_guidance(moderator=moderator, category=tree["law"], guidance="Newer.")
        with pytest.raises(Conflict) as raised:
            set_guidance(
                moderator=moderator, category=tree["law"], guidance="Mine.", based_on=LEGAL
            )
        assert raised.value.current.guidance == "Newer."
        assert fresh(tree["law"]).guidance == "Newer."


# -- The moderators' pages -----------------------------------------------------------------------

LIST = "/moderation/categories/"


def edit_url(category):
    return f"/moderation/categories/{category.pk}/guidance/"


def client_for(user, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


class TestModeratorPages:
    def test_the_routes(self, tree):
        assert reverse("moderation:category_guidance") == LIST
        assert reverse("moderation:edit_guidance", args=[tree["law"].pk]) == edit_url(tree["law"])

    @pytest.mark.parametrize("who", ["member", "expert", "staff"])
    def test_anyone_but_a_moderator_gets_404(self, tree, who):
        user = {
            "member": lambda: UserFactory(),
            "expert": lambda: ExpertProfileFactory(categories=[tree["law"]]).user,
            "staff": lambda: UserFactory(is_staff=True),
        }[who]()
        client = client_for(user)
        assert client.get(LIST).status_code == HTTPStatus.NOT_FOUND
        assert client.get(edit_url(tree["law"])).status_code == HTTPStatus.NOT_FOUND
        response = client.post(edit_url(tree["law"]), {"guidance": "Mine.", "based_on": LEGAL})
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert fresh(tree["law"]).guidance == LEGAL

    def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(self, tree):
        client = Client()
        for url in (LIST, edit_url(tree["law"])):
            response = client.get(url)
            assert response.status_code == HTTPStatus.FOUND
            assert "/accounts/login/" in response["Location"]
        client.post(edit_url(tree["law"]), {"guidance": "Mine.", "based_on": LEGAL})
        assert fresh(tree["law"]).guidance == LEGAL

    def test_a_suspended_moderator_gets_404(self, tree):
        from django.utils import timezone

        moderator = ModeratorFactory()
        moderator.suspended_at = timezone.now()
        moderator.save()
        assert client_for(moderator).get(LIST).status_code == HTTPStatus.NOT_FOUND

    def test_the_list_shows_own_and_inherited_guidance(self, tree, moderator_client):
        response = moderator_client.get(LIST)

        assert response.status_code == HTTPStatus.OK
        page = lxml.html.fromstring(response.content)
        rows = {
            row.xpath("string(./th/a)"): row.xpath("string(./td[1])")
            for row in page.xpath('//table[contains(@class, "guidance-table")]/tbody/tr')
        }
        assert list(rows) == ["Health", "Massage", "Sports massage", "Law", "Pets"]
        assert MEDICAL in rows["Health"] and "Its own" in rows["Health"]
        assert MEDICAL in rows["Sports massage"]
        assert "Inherited from Health" in rows["Sports massage"]
        assert "None" in rows["Pets"]
        assert edit_url(tree["pets"]) in response.text
        # Linked from the moderation area's navigation.
        queue = moderator_client.get(reverse("moderation:queue")).text
        assert f'href="{LIST}"' in queue

    def test_the_list_costs_the_same_for_5_or_105_categories(self, tree, moderator_client):
        def queries():
            cache.clear()
            moderator_client.session.load()
            with CaptureQueriesContext(connection) as captured:
                assert moderator_client.get(LIST).status_code == HTTPStatus.OK
            return len(captured)

        small = queries()
        for n in range(100):
            CategoryFactory(slug=f"sub-{n}", parent=tree["massage"], guidance=f"Sub {n}.")
        large = queries()

        assert small == large
        # A bounded page: 100 rows, the rest on the next.
        assert len(moderator_client.get(LIST).context["page_obj"]) == 100
        assert moderator_client.get(LIST, {"page": 2}).status_code == HTTPStatus.OK

    def test_the_edit_page_shows_the_form_and_its_heirs(self, tree, moderator_client):
        response = moderator_client.get(edit_url(tree["health"]))

        assert response.status_code == HTTPStatus.OK
        page = lxml.html.fromstring(response.content)
        (form,) = page.xpath('//form[@method="post"][.//textarea[@name="guidance"]]')
        assert set(form.xpath(".//textarea/@name") + form.xpath(".//input/@name")) == {
            "csrfmiddlewaretoken",
            "guidance",
            "based_on",
        }
        assert form.xpath("string(.//textarea)").strip() == MEDICAL
        heirs = page.xpath('string(//section[@aria-labelledby="heirs-title"])')
        assert "Massage" in heirs and "Sports massage" in heirs

        child = moderator_client.get(edit_url(tree["sports"])).text
        assert "shows the guidance of Health" in child

    def test_a_moderator_edits_it(self, tree, moderator, moderator_client):
        response = moderator_client.post(
            edit_url(tree["massage"]), {"guidance": "Massage text.", "based_on": ""}
        )

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == LIST
        assert fresh(tree["massage"]).guidance == "Massage text."
        assert AuditEntry.objects.get(action=AuditAction.EDIT_GUIDANCE).actor == moderator

    def test_a_stale_form_is_a_visible_conflict(self, tree, moderator_client):
        set_guidance(moderator=ModeratorFactory(), category=tree["law"], guidance="Newer.")

        response = moderator_client.post(
            edit_url(tree["law"]), {"guidance": "Mine.", "based_on": LEGAL}
        )

        assert response.status_code == HTTPStatus.CONFLICT
        assert "not saved" in response.text
        assert "Newer." in response.text and "Mine." in response.text
        assert fresh(tree["law"]).guidance == "Newer."
        # Saved again from the page it answered: based on the text now there.
        again = moderator_client.post(
            edit_url(tree["law"]), {"guidance": "Mine.", "based_on": "Newer."}
        )
        assert again.status_code == HTTPStatus.FOUND
        assert fresh(tree["law"]).guidance == "Mine."

    def test_too_long_is_an_error_beside_the_field(self, tree, moderator_client):
        response = moderator_client.post(
            edit_url(tree["law"]), {"guidance": "x" * 1001, "based_on": LEGAL}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "at most 1000 characters" in response.text
        assert fresh(tree["law"]).guidance == LEGAL

    def test_an_unknown_category_is_404(self, tree, moderator_client):
        assert moderator_client.get("/moderation/categories/999999/guidance/").status_code == 404

    def test_it_needs_the_csrf_token(self, tree, moderator):
        client = client_for(moderator, enforce_csrf_checks=True)
        response = client.post(edit_url(tree["law"]), {"guidance": "Mine.", "based_on": LEGAL})
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert fresh(tree["law"]).guidance == LEGAL

        page = lxml.html.fromstring(client.get(edit_url(tree["law"])).content)
        token = page.xpath('string(//input[@name="csrfmiddlewaretoken"]/@value)')
        response = client.post(
            edit_url(tree["law"]),
            {"guidance": "Mine.", "based_on": LEGAL, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == HTTPStatus.FOUND
        assert fresh(tree["law"]).guidance == "Mine."

    def test_hostile_text_is_escaped_on_the_moderators_pages(self, tree, moderator_client):
        set_guidance(moderator=ModeratorFactory(), category=tree["law"], guidance=HOSTILE)
        for url in (LIST, edit_url(tree["law"])):
            html = moderator_client.get(url).text
            assert "<script>alert(1)</script>" not in html
            assert "<b>bold</b>" not in html
            assert "&lt;b&gt;bold&lt;/b&gt;" in html


# -- Where it shows ------------------------------------------------------------------------------


def notes(html, within="//main"):
    page = lxml.html.fromstring(html)
    return [
        note.text_content().strip()
        for note in page.xpath(f'{within}//aside[contains(@class, "guidance-note")]')
    ]


class TestShown:
    def test_on_the_category_page_of_a_subcategory(self, tree, client):
        response = client.get(tree["sports"].get_absolute_url())
        assert notes(response.content) == [MEDICAL]
        assert 'role="note"' in response.text

    def test_not_on_a_category_without_any(self, tree, client):
        assert notes(client.get(tree["pets"].get_absolute_url()).content) == []

    def test_at_the_top_of_each_answer(self, thread, client):
        page = lxml.html.fromstring(client.get(thread.get_absolute_url()).content)
        answers = page.xpath('//article[contains(@class, "answer")]')
        assert len(answers) == 2
        for answer in answers:
            (note,) = answer.xpath('.//aside[contains(@class, "guidance-note")]')
            assert note.text_content().strip() == MEDICAL
            # Above the answer's text.
            body = answer.xpath('.//div[contains(@class, "answer-body")]')[0]
            assert list(answer.iter()).index(note) < list(answer.iter()).index(body)

    def test_no_note_without_guidance(self, tree, client):
        answer = AnswerFactory(question__category=tree["pets"])
        html = client.get(answer.question.get_absolute_url()).text
        assert "guidance-note" not in html

    def test_a_cached_thread_shows_the_new_guidance_at_once(self, thread, settings):
        """Answers are cached fragments: an edit of the guidance moves the page cache on."""
        settings.PAGE_CACHE_SECONDS = 300
        moderator = ModeratorFactory()
        member = client_for(UserFactory())
        assert MEDICAL in member.get(thread.get_absolute_url()).text
        assert MEDICAL in Client().get(thread.get_absolute_url()).text

        set_guidance(moderator=moderator, category=tree_of(thread), guidance="Now this.")

        for client in (member, Client()):
            html = client.get(thread.get_absolute_url()).text
            assert notes(html).count("Now this.") == 2
            assert MEDICAL not in html

    def test_the_thread_page_costs_no_query_more(self, thread):
        """The guidance comes from the ancestors the breadcrumbs load anyway."""

        def queries():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(thread.get_absolute_url()).status_code == HTTPStatus.OK
            return len(captured)

        with_guidance_count = queries()
        Category.objects.update(guidance="")
        assert queries() == with_guidance_count

    def test_the_category_page_costs_no_query_more(self, tree):
        def queries():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                response = Client().get(tree["sports"].get_absolute_url())
                assert response.status_code == HTTPStatus.OK
            return len(captured)

        with_guidance_count = queries()
        Category.objects.update(guidance="")
        assert queries() == with_guidance_count

    def test_hostile_text_is_escaped_on_the_pages(self, thread, client):
        Category.objects.filter(slug="health").update(guidance=HOSTILE)
        for url in (thread.get_absolute_url(), tree_of(thread).get_absolute_url()):
            html = client.get(url).text
            assert "<script>alert(1)</script>" not in html
            assert "<b>bold</b>" not in html
            assert "&lt;b&gt;bold&lt;/b&gt;" in html


def tree_of(question):
    return Category.objects.get(pk=question.category_id)


# -- The ask form --------------------------------------------------------------------------------


class TestAskForm:
    @pytest.fixture
    def asker(self, tree):
        ExpertProfileFactory(categories=[tree["sports"], tree["law"], tree["pets"]])
        return client_for(UserFactory())

    def form_note(self, html):
        page = lxml.html.fromstring(html)
        (box,) = page.xpath("//form[@data-ask-form]//*[@data-category-guidance]")
        (note,) = box.xpath('.//aside[contains(@class, "guidance-note")]')
        return page, note

    def test_the_preselected_categorys_guidance_stands_before_the_question(self, tree, asker):
        response = asker.get("/ask/", {"category": "health/massage/sports"})

        page, note = self.form_note(response.content)
        assert note.get("hidden") is None
        assert note.text_content().strip() == MEDICAL
        fields = [
            element.get("name") or "guidance"
            for element in page.xpath(
                '//form[@data-ask-form]//*[@name="category" or @name="title" or @name="body"]'
                " | //form[@data-ask-form]//*[@data-category-guidance]"
            )
        ]
        assert fields == ["category", "guidance", "title", "body"]

    def test_none_chosen_none_shown(self, tree, asker):
        _, note = self.form_note(asker.get("/ask/").content)
        assert note.get("hidden") is not None
        assert note.text_content().strip() == ""

    def test_after_the_no_javascript_refresh(self, tree, asker):
        """ "Show experts for this category" posts the form: the chosen category's guidance."""
        form = {
            "category": str(tree["law"].pk),
            "title": "My landlord keeps the deposit",
            "body": "What can I do?",
            "visibility": "public",
            "submission_key": "3f1a1a1a-1a1a-4a1a-8a1a-1a1a1a1a1a1a",
            "action": "preview",
        }
        response = asker.post("/ask/", form)
        assert response.status_code == HTTPStatus.OK
        _, note = self.form_note(response.content)
        assert note.text_content().strip() == LEGAL

        response = asker.post("/ask/", {**form, "category": str(tree["pets"].pk)})
        _, note = self.form_note(response.content)
        assert note.get("hidden") is not None

    def test_a_form_sent_back_with_errors_keeps_it(self, tree, asker):
        response = asker.post("/ask/", {"category": str(tree["law"].pk), "title": ""})
        _, note = self.form_note(response.content)
        assert note.text_content().strip() == LEGAL

    def test_the_data_for_javascript(self, tree, asker):
        page = lxml.html.fromstring(asker.get("/ask/").content)
        (script,) = page.xpath('//script[@id="category-guidance-data"]')
        data = json.loads(script.text)
        # Each text once, each category with one pointing at it.
        assert sorted(data["texts"]) == sorted([MEDICAL, LEGAL])
        of = {int(pk): data["texts"][n] for pk, n in data["of"].items()}
        assert of == {
            tree["health"].pk: MEDICAL,
            tree["massage"].pk: MEDICAL,
            tree["sports"].pk: MEDICAL,
            tree["law"].pk: LEGAL,
        }

    def test_hostile_text_is_escaped_in_the_form_and_its_data(self, tree, asker):
        Category.objects.filter(pk=tree["law"].pk).update(guidance=HOSTILE)
        html = asker.get("/ask/", {"category": "law"}).text
        assert "<script>alert(1)</script>" not in html
        assert "</script><script>" not in html
        assert "<b>bold</b>" not in html
        page, note = self.form_note(html)
        assert note.text_content().strip() == HOSTILE.strip()
        data = json.loads(page.xpath('//script[@id="category-guidance-data"]')[0].text)
        assert HOSTILE in data["texts"]


# -- Feeds, API, JSON-LD: a field of its own -----------------------------------------------------


def feed(url):
    response = Client().get(url)
    assert response.status_code == HTTPStatus.OK
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed


def ns_texts(content, path):
    tree = lxml.etree.fromstring(content)
    return [element.text for element in tree.xpath(path, namespaces={"ate": NS})]


class TestFeeds:
    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_each_item_carries_it_apart_from_the_description(self, thread, kind):
        for route in ("answered/", "c/health/", f"q/{thread.pk}/"):
            response, parsed = feed(f"/feeds/{kind}/{route}")
            items = "//item" if kind == "rss" else "//*[local-name()='entry']"
            item_path = f"{items}/ate:guidance"
            texts = ns_texts(response.content, item_path)
            assert texts and set(texts) == {MEDICAL}, route
            for entry in parsed.entries:
                assert MEDICAL not in entry.get("summary", ""), route
                assert MEDICAL not in str(entry.get("content", "")), route

    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_a_feed_of_one_category_or_thread_carries_it_too(self, thread, kind):
        channel = "/rss/channel" if kind == "rss" else "/*[local-name()='feed']"
        for route in ("c/health/massage/sports/", f"q/{thread.pk}/"):
            response, _ = feed(f"/feeds/{kind}/{route}")
            assert ns_texts(response.content, f"{channel}/ate:guidance") == [MEDICAL], route
        response, _ = feed(f"/feeds/{kind}/answered/")
        assert ns_texts(response.content, f"{channel}/ate:guidance") == []

    def test_the_experts_feed(self, thread):
        author = thread.answers.order_by("pk").first().author
        response, _ = feed(f"/feeds/rss/experts/{author.handle}/")
        assert ns_texts(response.content, "//item/ate:guidance") == [MEDICAL]

    def test_no_element_without_guidance(self, tree):
        AnswerFactory(question__category=tree["pets"])
        response, _ = feed("/feeds/rss/answered/")
        assert b"ate:guidance" not in response.content

    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_hostile_text_is_escaped_xml(self, thread, kind):
        Category.objects.filter(slug="health").update(guidance=HOSTILE)
        response, _ = feed(f"/feeds/{kind}/q/{thread.pk}/")
        assert b"<script>" not in response.content
        assert ns_texts(response.content, "//ate:guidance")[0] == HOSTILE


class TestApi:
    def test_categories_carry_their_own_or_inherited(self, tree):
        rows = {row["path"]: row for row in Client().get("/api/v1/categories").json()}
        assert rows["health"]["guidance"] == MEDICAL
        assert rows["health/massage/sports"]["guidance"] == MEDICAL
        assert rows["law"]["guidance"] == LEGAL
        assert rows["pets"]["guidance"] == ""

    def test_questions_and_a_thread_carry_it_apart_from_the_body(self, thread, tree):
        QuestionFactory(category=tree["pets"])
        items = Client().get("/api/v1/questions").json()["items"]
        assert {item["category"]["path"]: item["guidance"] for item in items} == {
            "health/massage/sports": MEDICAL,
            "pets": "",
        }
        data = Client().get(f"/api/v1/questions/{thread.pk}").json()
        assert data["guidance"] == MEDICAL
        assert MEDICAL not in data["body_html"]
        assert all(MEDICAL not in answer["body_html"] for answer in data["answers"])

    def test_the_schema_documents_it(self, tree):
        schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
        assert "guidance" in schemas["CategoryOut"]["properties"]
        assert "guidance" in schemas["QuestionDetail"]["properties"]
        assert "guidance" in schemas["QuestionItem"]["properties"]

    def test_hostile_text_is_data(self, thread):
        Category.objects.filter(slug="health").update(guidance=HOSTILE)
        response = Client().get(f"/api/v1/questions/{thread.pk}")
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["guidance"] == HOSTILE

    @pytest.mark.parametrize("path", ["/categories", "/questions", "/questions/{pk}"])
    def test_no_query_more(self, thread, path):
        url = "/api/v1" + path.format(pk=thread.pk)

        def queries():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(url).status_code == HTTPStatus.OK
            return len(captured)

        with_guidance_count = queries()
        Category.objects.update(guidance="")
        assert queries() == with_guidance_count


class TestJsonLd:
    def question_entity(self, client, thread):
        page = lxml.html.fromstring(client.get(thread.get_absolute_url()).content)
        (script,) = page.xpath('//script[@type="application/ld+json"]')
        graph = {item["@type"]: item for item in json.loads(script.text)["@graph"]}
        return graph["QAPage"]["mainEntity"], script.text

    def test_the_question_carries_usage_info(self, thread, client):
        entity, _ = self.question_entity(client, thread)
        assert entity["usageInfo"] == {
            "@type": "CreativeWork",
            "name": "Guidance for Sports massage",
            "text": MEDICAL,
        }
        assert MEDICAL not in entity["text"]
        assert all(MEDICAL not in answer["text"] for answer in entity["suggestedAnswer"])

    def test_none_without_guidance(self, tree, client):
        answer = AnswerFactory(question__category=tree["pets"])
        entity, _ = self.question_entity(client, answer.question)
        assert "usageInfo" not in entity

    def test_hostile_text_stays_inside_the_script(self, thread, client):
        Category.objects.filter(slug="health").update(guidance=HOSTILE)
        entity, raw = self.question_entity(client, thread)
        assert entity["usageInfo"]["text"] == HOSTILE
        assert "</script>" not in raw and "<script>" not in raw
