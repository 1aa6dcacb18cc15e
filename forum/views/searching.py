"""The search page and the ask form's similar questions."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import search
from ..models import Category

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


def search_page(request):
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    category = Category.objects.filter(path=request.GET.get("category", "")).first()
    handle = request.GET.get("expert", "").strip().lower()
    expert = get_user_model().objects.filter(handle=handle).first() if handle else None
    answered_only = request.GET.get("answered") == "1"
    results = search.search(
        request.user, text, category=category, expert=expert, answered_only=answered_only
    )
    page = Paginator(results.hits, PAGE_SIZE).get_page(request.GET.get("page"))
    hits = search.load_hits(request.user, text, list(page)) if text else []
    context = {
        "q": text,
        "category": category,
        "expert": expert,
        "expert_handle": handle,
        "answered_only": answered_only,
        "page_obj": page,
        "hits": hits,
        "capped": results.capped,
        "ignored": (ignored := search.ignored_words(text)),
        # "it" may have been meant as a term (IT): say how to search for one.
        "term_hint": any(len(word) == 2 for word in ignored),
        "categories": Category.objects.order_by("path").only("name", "path", "parent_id"),
    }
    if text and not results.hits:
        # No results: suggest categories whose names share a word with the query.
        words = [w for w in text.split() if len(w) > 2][:5]
        related = Category.objects.none()
        for word in words:
            related = related | Category.objects.filter(name__icontains=word)
        context["related_categories"] = related.distinct()[:6]
    return render(request, "forum/search.html", context)


def similar(request):
    """Similar public answered questions for a title, as an HTML fragment for the ask form."""
    questions = search.similar_questions(request.GET.get("title", "")[:MAX_QUERY_LENGTH])
    return render(request, "forum/_similar.html", {"similar": questions})
