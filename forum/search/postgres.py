"""Search on PostgreSQL: a weighted tsvector per entry with a GIN index, websearch queries,
ts_rank over a bounded candidate set, ts_headline snippets, pg_trgm for similar titles."""

import re
from contextlib import contextmanager

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat

from ..models import Question, SearchEntry
from .words import OPERATORS, STOP_WORDS, TOKEN, WORD, is_term

CONFIG = "english"
# Terms in capitals that "english" drops as stop words (IT) are indexed and searched as
# they are, lower-cased, by this configuration besides (words.is_term).
TERMS_CONFIG = "simple"
# Title words weigh most, then the question's text, the answers, the follow-ups.
WEIGHTS = {SearchEntry.Kind.QUESTION: ("A", "B"), SearchEntry.Kind.ANSWER: "C",
           SearchEntry.Kind.FOLLOW_UP: "D"}  # fmt: skip


# The GIN indexes made by migration forum 0005, by name, with the SQL that makes them.
GIN_INDEXES = {
    "forum_search_vector_gin": "CREATE INDEX forum_search_vector_gin "
    "ON forum_searchentry USING gin (vector)",
    "forum_question_title_trgm": "CREATE INDEX forum_question_title_trgm "
    "ON forum_question USING gin (title gin_trgm_ops)",
}


@contextmanager
def bulk_load():
    """Around loading many threads at once (manage.py seed_demo), inside a transaction.

    Entries written meanwhile without their vectors get them at the end, in one
    statement per kind. Building a GIN index once is several times faster than
    keeping it up to date row by row, so the indexes are dropped first and
    made again then.
    """
    with connection.cursor() as cursor:
        for name in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    yield
    missing = SearchEntry.objects.filter(vector=None)
    missing.filter(kind=SearchEntry.Kind.QUESTION).update(vector=_vector(F("title"), F("text")))
    for kind in (SearchEntry.Kind.ANSWER, SearchEntry.Kind.FOLLOW_UP):
        missing.filter(kind=kind).update(vector=_vector(None, F("text"), kind=kind))
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; an index cannot be made while checks wait.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in GIN_INDEXES.values():
            cursor.execute(sql)


class Terms(Func):
    """The words of a text that are terms in capitals (words.is_term), space-separated.

    In SQL, so that the bulk load computes them as the row-by-row save does.
    """

    _words = ", ".join(
        f"'{word.upper()}'" for word in sorted(STOP_WORDS - OPERATORS) if len(word) > 1
    )
    # Built from a fixed list of letters only: no input reaches this SQL.
    template = (
        "array_to_string(ARRAY(SELECT m[1] FROM regexp_matches(%(expressions)s, "  # noqa: S608
        f"'\\m([A-Z]{{2,}})\\M', 'g') AS m WHERE m[1] IN ({_words})), ' ')"
    )
    output_field = TextField()


def _part(text, weight):
    return SearchVector(text, weight=weight, config=CONFIG) + SearchVector(
        Terms(text), weight=weight, config=TERMS_CONFIG
    )


def _vector(title, text, kind=SearchEntry.Kind.QUESTION):
    """The weighted vector of an entry's title (questions only) and text."""
    weight = WEIGHTS[kind]
    if kind == SearchEntry.Kind.QUESTION:
        return _part(title, weight[0]) + _part(text, weight[1])
    return _part(text, weight)


def save(entries):
    """Save new entries with their vectors, computed by the database in the same INSERT."""
    for entry in entries:
        entry.vector = _vector(Value(entry.title), Value(entry.text), kind=entry.kind)
    return SearchEntry.objects.bulk_create(entries, batch_size=2_000)


def remove(entry_ids):
    """Nothing beyond the rows themselves: the vector lives on the entry."""


def _terms(text):
    """The terms in capitals of a query, outside phrases (in order, each once)."""
    words = (w for phrase, token in TOKEN.findall(text) if not phrase for w in WORD.findall(token))
    return list(dict.fromkeys(w.lower() for w in words if is_term(w)))


def _query(text):
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    for term in _terms(text):
        query &= SearchQuery(term, config=TERMS_CONFIG)
    return query


def candidates(text, entries, limit):
    """[(entry id, question id, score, answered, featured, kind, post id)], at most `limit`.

    A common word can match tens of thousands of entries: only the newest
    `limit` of them are ranked, so the cost stays bounded.
    """
    query = _query(text)
    ids = list(
        entries.filter(vector=query).order_by("-question_id").values_list("id", flat=True)[:limit]
    )
    if not ids:
        return []
    return list(
        SearchEntry.objects.filter(pk__in=ids)
        .annotate(score=SearchRank(F("vector"), query))
        .values_list("id", "question_id", "score", "answered", "featured", "kind", "post_id")
    )


def snippets(text, entry_ids, start, stop):
    """{entry id: text around the matches, the matched words between start and stop}."""
    rows = (
        SearchEntry.objects.filter(pk__in=entry_ids)
        .annotate(
            snippet=SearchHeadline(
                Concat("title", Value(" "), "text", output_field=TextField()),
                _query(text),
                config=CONFIG,
                start_sel=start,
                stop_sel=stop,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("id", "snippet")
    )
    # "english" reads a term in capitals as a stop word, so ts_headline cannot mark it.
    terms = _terms(text)
    if not terms:
        return dict(rows)
    pattern = re.compile(r"\b(" + "|".join(t.upper() for t in terms) + r")\b")
    return {pk: pattern.sub(f"{start}\\1{stop}", snippet) for pk, snippet in rows}


def similar(title, words, limit, newest):
    """Public answered questions whose titles look like `title` (trigrams) or that match any
    of `words` (full text: the best of the `newest` matches, as in a search)."""
    scores = {}
    trigram = (
        Question.objects.public()
        .answered()
        .filter(title__trigram_similar=title)
        .annotate(similarity=TrigramSimilarity("title", title))
        .order_by("-similarity", "-pk")
        .values_list("pk", "similarity")[: limit * 4]
    )
    for pk, similarity in trigram:
        scores[pk] = scores.get(pk, 0) + similarity
    if words:
        query = _query(" OR ".join(words))
        newest = (
            SearchEntry.objects.filter(
                kind=SearchEntry.Kind.QUESTION, is_public=True, answered=True, vector=query
            )
            .order_by("-question_id")
            .values("id")[:newest]
        )
        ranked = (
            SearchEntry.objects.filter(pk__in=newest)
            .annotate(score=SearchRank(F("vector"), query))
            .order_by("-score", "-question_id")
            .values_list("question_id", "score")[: limit * 4]
        )
        for pk, score in ranked:
            scores[pk] = scores.get(pk, 0) + score
    # Equal scores (titles alike but for a word): the newest question first.
    return sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]
