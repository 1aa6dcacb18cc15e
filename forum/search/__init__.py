"""Full-text search: one interface, one implementation per database.

PostgreSQL (forum.search.postgres) uses a weighted tsvector with a GIN index;
SQLite (forum.search.sqlite) an FTS5 table. The index is one SearchEntry per
post, rebuilt with its thread by index_thread() on every write, visibility
copied in, so searches filter without joins.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.roles import is_moderator

from ..models import Question, SearchEntry
from . import postgres, sqlite
from .documents import entries_for

# At most this many matching posts are ranked for one search.
CANDIDATES = 1000
ANSWERED_BOOST = 0.25
FEATURED_BOOST = 0.25
# Private-use characters mark matches inside a snippet until it is escaped.
START, STOP = "\ue000", "\ue001"


def backend():
    return postgres if connection.vendor == "postgresql" else sqlite


@transaction.atomic
def index_thread(question_id):
    """Rebuild the index entries of one thread (question, answers, follow-ups)."""
    engine = backend()
    old = list(SearchEntry.objects.filter(question_id=question_id).values_list("id", flat=True))
    engine.remove(old)
    SearchEntry.objects.filter(pk__in=old).delete()
    question = Question.objects.select_related("category").filter(pk=question_id).first()
    if question is None:
        return
    engine.save(entries_for(question))


def rebuild_index():
    """Index every thread from scratch; returns how many threads were indexed."""
    count = 0
    for question_id in Question.objects.order_by("pk").values_list("pk", flat=True).iterator():
        index_thread(question_id)
        count += 1
    return count


def visible_entries(user):
    """The one visibility rule, on index entries: what `user` may find.

    Hidden posts are found by moderators only; private threads by their asker,
    their expert and moderators.
    """
    entries = SearchEntry.objects.all()
    if is_moderator(user):
        return entries
    if not user.is_authenticated:
        return entries.filter(is_public=True)
    return entries.filter(
        Q(is_public=True) | Q(question__asker=user) | Q(question__expert=user), is_hidden=False
    )


@dataclass
class Hit:
    question: Question
    snippet: str
    score: float


@dataclass
class Results:
    hits: list = field(default_factory=list)  # (question id, best entry id, score), best first
    capped: bool = False


def search(user, text, *, category=None, expert=None, answered_only=False) -> Results:
    """Threads matching `text` that `user` may see, best first (not yet loaded)."""
    text = (text or "").strip()
    if not text:
        return Results()
    entries = visible_entries(user)
    if category is not None:
        entries = entries.filter(
            Q(category_path=category.path) | Q(category_path__startswith=f"{category.path}/")
        )
    if expert is not None:
        entries = entries.filter(
            question__in=expert.answers.filter(is_hidden=False).values("question_id")
        )
    if answered_only:
        entries = entries.filter(answered=True)
    rows = backend().candidates(text, entries, CANDIDATES)
    best = {}
    for entry_id, question_id, score, answered, featured in rows:
        score = float(score) * (1 + ANSWERED_BOOST * answered + FEATURED_BOOST * featured)
        if question_id not in best or score > best[question_id][1]:
            best[question_id] = (entry_id, score)
    hits = sorted(
        ((question_id, entry_id, score) for question_id, (entry_id, score) in best.items()),
        key=lambda hit: (-hit[2], -hit[0]),
    )
    return Results(hits=hits, capped=len(rows) >= CANDIDATES)


def load_hits(text, page_hits):
    """Questions and highlighted snippets for one page of hits: two queries."""
    questions = Question.objects.select_related("category", "asker", "expert").in_bulk(
        [question_id for question_id, _, _ in page_hits]
    )
    raw = backend().snippets(text, [entry_id for _, entry_id, _ in page_hits], START, STOP)
    hits = []
    for question_id, entry_id, score in page_hits:
        if question_id in questions:
            hits.append(Hit(questions[question_id], highlight(raw.get(entry_id, "")), score))
    return hits


def highlight(snippet):
    """Escape a snippet, then turn the match markers into <mark> elements."""
    return mark_safe(  # noqa: S308 - everything but our own tags is escaped first
        escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    )


def similar_questions(title, limit=5):
    """Up to `limit` public answered questions like this title, for the ask form."""
    title = (title or "").strip()
    if len(title) < 3:
        return []
    ids = backend().similar(title[:200], limit)
    questions = Question.objects.select_related("category").in_bulk(ids)
    return [questions[pk] for pk in ids if pk in questions]
