"""Search on PostgreSQL: a weighted tsvector per entry with a GIN index, websearch queries,
ts_rank over a bounded candidate set, ts_headline snippets, pg_trgm for similar titles."""

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat

from ..models import Question, SearchEntry

CONFIG = "english"
# Title words weigh most, then the question's text, the answers, the follow-ups.
WEIGHTS = {SearchEntry.Kind.QUESTION: ("A", "B"), SearchEntry.Kind.ANSWER: "C",
           SearchEntry.Kind.FOLLOW_UP: "D"}  # fmt: skip


def add(entries):
    """Compute the vectors of freshly saved entries, in the database."""
    ids = [entry.pk for entry in entries]
    SearchEntry.objects.filter(pk__in=ids, kind=SearchEntry.Kind.QUESTION).update(
        vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("text", weight="B", config=CONFIG)
    )
    for kind in (SearchEntry.Kind.ANSWER, SearchEntry.Kind.FOLLOW_UP):
        SearchEntry.objects.filter(pk__in=ids, kind=kind).update(
            vector=SearchVector("text", weight=WEIGHTS[kind], config=CONFIG)
        )


def remove(entry_ids):
    """Nothing beyond the rows themselves: the vector lives on the entry."""


def _query(text):
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def candidates(text, entries, limit):
    """[(entry id, question id, score, answered, featured)] for at most `limit` matches.

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
        .values_list("id", "question_id", "score", "answered", "featured")
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
    return dict(rows)


def similar(title, limit):
    """Public answered questions whose titles look like `title`: trigram and full text."""
    scores = {}
    trigram = (
        Question.objects.public()
        .answered()
        .filter(title__trigram_similar=title)
        .annotate(similarity=TrigramSimilarity("title", title))
        .order_by("-similarity")
        .values_list("pk", "similarity")[: limit * 4]
    )
    for pk, similarity in trigram:
        scores[pk] = scores.get(pk, 0) + similarity
    words = " OR ".join(word for word in title.split() if word.isalnum())
    if words:
        query = _query(words)
        ranked = (
            SearchEntry.objects.filter(
                kind=SearchEntry.Kind.QUESTION, is_public=True, answered=True, vector=query
            )
            .annotate(score=SearchRank(F("vector"), query))
            .order_by("-score")
            .values_list("question_id", "score")[: limit * 4]
        )
        for pk, score in ranked:
            scores[pk] = scores.get(pk, 0) + score
    return sorted(scores, key=scores.get, reverse=True)[:limit]
