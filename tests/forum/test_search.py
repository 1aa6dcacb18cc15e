"""Search runs the same tests on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import io
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forum import search
from forum.actions import edit_answer, edit_question, hide
from forum.models import Answer, Question, SearchEntry
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def find(text, user=None, **params):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("forum:search"), {"q": text, **params})
    assert response.status_code == HTTPStatus.OK
    return response


def titles(response):
    return [hit.question.title for hit in response.context["hits"]]


def test_it_band_finds_the_seed_thread_first_with_a_highlighted_snippet():
    call_command("seed", verbosity=0)
    QuestionFactory(title="Band practice schedule", body="Our band plays on Fridays.")

    response = find("IT band")

    assert titles(response)[0] == "IT band pain need help"
    assert "<mark>" in response.text
    assert "<mark>band</mark>" in response.text.lower() or "<mark>Band</mark>" in response.text


def test_title_words_weigh_more_than_body_words():
    QuestionFactory(title="Something about shoulders", body="Also my elbow aches.")
    QuestionFactory(title="Elbow pain after tennis", body="It hurts.")

    assert titles(find("elbow")) == ["Elbow pain after tennis", "Something about shoulders"]


def test_answered_and_featured_threads_rank_higher_at_equal_relevance():
    plain = QuestionFactory(title="Sciatica question one", body="x")
    answered = QuestionFactory(title="Sciatica question two", body="x")
    AnswerFactory(question=answered, body="unrelated words")
    featured = QuestionFactory(title="Sciatica question six", body="x")
    AnswerFactory(question=featured, body="unrelated words", is_featured=True)

    order = titles(find("sciatica"))

    assert order == [featured.title, answered.title, plain.title]


def test_stemming_and_stop_words():
    QuestionFactory(title="Knee hurts when running downhill", body="x")

    assert titles(find("runs")) == ["Knee hurts when running downhill"]
    assert titles(find("the knee of the runner")) == []  # "runner" is another stem
    assert titles(find("the knee")) == ["Knee hurts when running downhill"]


def test_phrase_search_with_quotes():
    QuestionFactory(title="Foam roller technique", body="How long on the foam roller?")
    QuestionFactory(title="Roller skates and foam pads", body="Which pads?")

    assert titles(find('"foam roller"')) == ["Foam roller technique"]
    assert len(titles(find("foam roller"))) == 2


def test_answers_and_follow_ups_are_searched_too():
    answer = AnswerFactory(question__title="Shin pain", body="Try orthotic insoles.")
    FollowUpFactory(answer=answer, body="Are podiatrists expensive?")

    assert titles(find("orthotic")) == ["Shin pain"]
    assert titles(find("podiatrists")) == ["Shin pain"]


def test_filters_category_with_subcategories_expert_and_answered():
    health = CategoryFactory(slug="health")
    massage = CategoryFactory(slug="massage", parent=health)
    law = CategoryFactory(slug="law")
    expert = ExpertProfileFactory(categories=[massage]).user
    AnswerFactory(question__category=massage, question__title="Tension headache", author=expert)
    QuestionFactory(category=massage, title="Tension in the neck")
    QuestionFactory(category=law, title="Tension with my landlord")

    assert len(titles(find("tension", category="health"))) == 2
    assert titles(find("tension", category="law")) == ["Tension with my landlord"]
    assert titles(find("tension", expert=expert.handle)) == ["Tension headache"]
    assert titles(find("tension", answered="1")) == ["Tension headache"]


def test_private_words_are_found_by_the_asker_expert_and_moderators_only():
    expert = ExpertProfileFactory().user
    question = QuestionFactory(
        title="Confidential rash", body="zymurgy", visibility="private", expert=expert
    )

    assert titles(find("zymurgy", question.asker)) == ["Confidential rash"]
    assert titles(find("zymurgy", expert)) == ["Confidential rash"]
    assert titles(find("zymurgy", ModeratorFactory())) == ["Confidential rash"]
    assert titles(find("zymurgy", UserFactory())) == []
    assert titles(find("zymurgy")) == []


def test_a_hidden_answers_words_are_found_by_moderators_only():
    answer = AnswerFactory(question__title="Back pain", body="Buy quackery pills")
    hide(item=answer, moderator=ModeratorFactory(), reason="Spam")

    assert titles(find("quackery")) == []
    assert titles(find("quackery", UserFactory())) == []
    assert titles(find("quackery", answer.author)) == []
    assert titles(find("quackery", ModeratorFactory())) == ["Back pain"]


def test_the_index_follows_edits_and_moves():
    answer = AnswerFactory(question__title="Hip pain", body="Use ice")
    edit_answer(answer=answer, editor=answer.author, body="Use warmth", base_version=1)
    assert titles(find("ice")) == []
    assert titles(find("warmth")) == ["Hip pain"]

    yoga = CategoryFactory(slug="yoga")
    question = answer.question
    edit_question(
        question=question,
        moderator=ModeratorFactory(),
        title="Hip pain in yoga",
        body=question.body,
        category=yoga,
        base_version=question.version,
    )
    assert titles(find("warmth", category="yoga")) == ["Hip pain in yoga"]


def test_no_results_suggests_categories_and_asking():
    CategoryFactory(name="Gardening", slug="gardening")

    response = find("gardening xylophones")

    assert "No results" in response.text
    assert "Gardening" in response.text
    assert reverse("forum:ask") in response.text


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced quote',
        "NEAR(a b)",
        "a* OR -b",
        "'; DROP TABLE forum_question; --",
        "^^^ !!! ???",
        "AND OR NOT",
        "x" * 500,
        "%_\\",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_are_handled(text):
    QuestionFactory(title="Ordinary question")

    response = find(text)

    assert "<script>alert(1)</script>" not in response.text
    assert Question.objects.exists()


def test_snippets_escape_the_text_around_matches():
    QuestionFactory(
        title="Markup", body="Write `<script>alert(1)</script>` and 5 < 6 & 7 near lozenges"
    )

    response = find("lozenges")
    snippet = str(response.context["hits"][0].snippet)

    assert "<script>" not in response.text.split("</header>", 1)[1]
    assert "&amp;" in snippet and "&lt;" in snippet
    assert "<mark>lozenges</mark>" in snippet


def test_results_are_paginated():
    for n in range(25):
        QuestionFactory(title=f"Plantar fasciitis case {n}")

    first = find("plantar")
    second = find("plantar", page=2)

    assert first.context["page_obj"].paginator.count == 25
    assert len(first.context["hits"]) == 20 and len(second.context["hits"]) == 5


def test_search_queries_do_not_grow_with_hits(django_assert_num_queries):
    """Guards against N+1 queries over questions, categories and snippets."""
    # The candidates are found, then ranked, in two queries on either database.
    SEARCH_QUERIES = 6
    for n in range(3):
        AnswerFactory(question__title=f"Bursitis {n}")
    with django_assert_num_queries(SEARCH_QUERIES):
        find("bursitis")
    for n in range(30):
        AnswerFactory(question__title=f"Bursitis more {n}")
    with django_assert_num_queries(SEARCH_QUERIES):
        find("bursitis")


def test_similar_questions_while_asking(member_client):
    AnswerFactory(question__title="IT band pain when running")
    QuestionFactory(title="IT band pain unanswered")
    private = QuestionFactory(
        title="IT band pain private", visibility="private", expert=ExpertProfileFactory().user
    )
    AnswerFactory(question=private, author=private.expert)

    fragment = member_client.get(reverse("forum:similar"), {"title": "pain in my IT band"})

    assert "IT band pain when running" in fragment.text
    assert "unanswered" not in fragment.text
    assert "private" not in fragment.text
    preview = member_client.post(
        reverse("forum:ask"),
        {"title": "IT band pain", "body": "", "action": "preview", "category": ""},
    )
    assert "IT band pain when running" in preview.text


def test_the_rebuild_command_reindexes_everything():
    AnswerFactory(question__title="Tendinitis")
    SearchEntry.objects.all().delete()
    if search.backend() is search.sqlite:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM forum_search_fts")
    assert titles(find("tendinitis")) == []

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert "Indexed 1 threads." in out.getvalue()
    assert titles(find("tendinitis")) == ["Tendinitis"]
    assert SearchEntry.objects.count() == Question.objects.count() + Answer.objects.count()


def test_a_stale_index_row_never_shows_what_the_reader_may_not_see():
    """Hits are loaded through the visibility rules, not trusted from the index."""
    answer = AnswerFactory(question__title="Elbow pain", body="Buy frobnitz cream")
    hide(item=answer, moderator=ModeratorFactory(), reason="Spam")
    # As if the index had missed the hide.
    SearchEntry.objects.filter(kind="a", post_id=answer.pk).update(is_public=True, is_hidden=False)

    response = find("frobnitz")

    assert titles(response) == []
    assert "cream" not in response.text  # no snippet of it either


def test_one_entry_per_post_whatever_the_writes():
    answer = AnswerFactory()
    FollowUpFactory(answer=answer)
    hide(item=answer, moderator=ModeratorFactory(), reason="Spam")
    edit_answer(answer=answer, editor=answer.author, body="Changed", base_version=1)

    kinds = list(SearchEntry.objects.values_list("kind", "post_id"))
    assert len(kinds) == len(set(kinds)) == 3


# The work of one search or one title's similar questions is bounded whatever is typed:
# at most search.MAX_TERMS words reach the engine, at most CANDIDATES posts are ranked.

LONG_QUERY = " ".join(f"word{n}" for n in range(200))


def engine_words(text):
    """The words of a query that an engine matches: stop words aside, each once."""
    return {w for w in search.words.WORD.findall(text.lower()) if w not in search.words.STOP_WORDS}


def test_a_query_reaches_the_engine_as_its_first_words():
    assert search.bounded_query(LONG_QUERY) == " ".join(f"word{n}" for n in range(8))
    assert search.MAX_TERMS == 8
    # A phrase's words count, and a long phrase or hyphenated word is cut.
    assert (
        search.bounded_query('"' + LONG_QUERY + '"')
        == '"word0 word1 word2 word3 word4 word5 word6 word7"'
    )
    assert search.bounded_query("-".join(["knee"] * 50 + ["pain"])) == "knee pain"
    # Repeats and stop words are not counted (nor repeats kept); the first new words are.
    repeated = "the knee " * 50 + "hip ankle shin calf heel toe foot thigh"
    assert engine_words(search.bounded_query(repeated)) == {
        "knee", "hip", "ankle", "shin", "calf", "heel", "toe", "foot"
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["IT band", '"foam roller" technique', "knee -surgery", "knee or hip", "a* OR -b",
     '"unbalanced quote', "tennis elbow after a long match on clay courts"],
)  # fmt: skip
def test_an_ordinary_query_reaches_the_engine_as_typed(text):
    assert search.bounded_query(text) == text


def test_a_200_word_query_costs_what_a_short_one_does(django_assert_max_num_queries, monkeypatch):
    QuestionFactory(title="Plantar fasciitis heel pain", body="word3 word5 word7")
    engine = search.backend()
    given = []
    for name in ("candidates", "snippets"):
        real = getattr(engine, name)
        monkeypatch.setattr(
            engine, name, lambda text, *args, real=real: given.append(text) or real(text, *args)
        )

    with django_assert_max_num_queries(2):
        search.search(AnonymousUser(), LONG_QUERY)
    with django_assert_max_num_queries(6):  # the page: as many as for one word
        find(LONG_QUERY)

    assert given and all(len(engine_words(text)) <= search.MAX_TERMS for text in given)


def test_words_past_the_limit_are_ignored_not_required():
    QuestionFactory(
        title="Plantar fasciitis heel pain", body="Worse in the morning following rest."
    )
    words = "plantar fasciitis heel pain worse morning following rest"

    assert titles(find(words)) == ["Plantar fasciitis heel pain"]
    assert titles(find(words + " zebra giraffe")) == ["Plantar fasciitis heel pain"]
    assert titles(find("zebra " + words)) == []


def test_only_the_newest_matches_are_ranked(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    questions = [QuestionFactory(title=f"Sciatica case {n}") for n in range(5)]

    results = search.search(AnonymousUser(), "sciatica")

    assert {hit.question_id for hit in results.hits} == {q.pk for q in questions[2:]}
    assert results.capped


def test_similar_questions_for_a_long_title_are_bounded(client, django_assert_max_num_queries):
    AnswerFactory(question__title="Knee hurts following running downhill")
    AnswerFactory(question__title="Shoulder clicks when lifting")
    title = ("knee hurts following running " + " ".join(f"word{n}" for n in range(60)))[:200]
    assert len(title) == 200
    engine = search.backend()
    given = []
    real = engine.similar

    def spy(title, words, limit, newest):
        given.append((title, words, newest))
        return real(title, words, limit, newest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "similar", spy)
        with django_assert_max_num_queries(3):
            fragment = client.get(reverse("forum:similar"), {"title": title + " more" * 500})

    assert "Knee hurts following running downhill" in fragment.text
    assert "Shoulder" not in fragment.text
    [(passed_title, words, newest)] = given
    assert len(passed_title) <= search.MAX_TITLE
    assert words == ["knee", "hurts", "following", "running", "word0", "word1", "word2", "word3"]
    assert newest == search.CANDIDATES


def test_similar_terms_skip_short_words_stop_words_and_repeats():
    assert search.similar_terms("Is my IT band OK? band, band, band... knee!") == ["band", "knee"]
    assert len(search.similar_terms(LONG_QUERY)) == search.MAX_SIMILAR_TERMS
    assert search.similar_terms("abc " * 50 + LONG_QUERY) == ["abc"]  # its first 200 characters


def test_similar_questions_rank_only_the_newest_matches(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    answered = [
        AnswerFactory(
            question__title=f"Sciatica flares up after every long drive home from work, case {n}"
        ).question
        for n in range(4)
    ]

    found = search.similar_questions("sciatica")

    assert {q.pk for q in found} == {q.pk for q in answered[2:]}


# -- Short words that are real terms (IT band), and saying which words were ignored ----------


def test_a_short_term_in_capitals_is_found_and_highlighted():
    """The engines skip "it" as a common word; "IT" in capitals is the term."""
    call_command("seed", verbosity=0)
    QuestionFactory(title="Band practice schedule", body="Our band plays on Fridays.")

    response = find("IT")
    assert titles(response) == ["IT band pain need help"]
    assert "<mark>IT</mark>" in response.text

    response = find("IT band")
    assert titles(response) == ["IT band pain need help"]
    assert "<mark>IT</mark>" in response.text
    assert "was ignored" not in response.text


def test_a_term_is_found_only_as_a_term_on_postgresql_and_everywhere_as_a_word(db):
    QuestionFactory(title="Switching careers into IT", body="Is a degree needed?")
    QuestionFactory(title="Ankle brace", body="Should I wear it while running?")

    assert titles(find("IT careers")) == ["Switching careers into IT"]
    assert titles(find("IT brace")) == (
        ["Ankle brace"] if search.backend() is search.sqlite else []
    )  # FTS5 reads "it" and "IT" alike


def test_the_results_page_says_which_common_words_were_ignored():
    QuestionFactory(title="Knee pain when cycling", body="x")

    response = find("the knee of it")

    assert titles(response) == ["Knee pain when cycling"]
    assert "“the”, “of”, “it” were ignored: too common." in response.text
    assert "in capitals" in response.text  # how to search for "it" as a term
    one = find("the knee")
    assert "“the” was ignored: too common." in one.text
    assert "in capitals" not in one.text
    assert "ignored" not in find("knee OR hip").text  # an operator is not ignored
    assert "ignored" not in find('"knee of"').text  # a phrase keeps its words


def test_a_query_all_in_capitals_has_no_terms():
    assert search.bounded_query("IT BAND") == "it band"
    assert search.ignored_words("HOW DO I FIX IT") == ["how", "do", "i", "it"]
    assert search.ignored_words("IT band") == []
    # A term counts towards the limit of words the engines get.
    assert search.bounded_query("IT " + LONG_QUERY) == "IT " + " ".join(
        f"word{n}" for n in range(7)
    )
