"""GET /search: the site's own search, with the same results and limits as its page."""

from django.contrib.auth import get_user_model
from django.core.paginator import EmptyPage, Paginator
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .. import search as engine
from ..models import Category
from ..views.searching import MAX_QUERY_LENGTH, PAGE_SIZE
from .auth import reader
from .common import ERRORS
from .questions import summary
from .schemas import SearchPage

router = Router(tags=["search"])

# Pages past this one are never reached: the engines rank at most CANDIDATES posts.
MAX_PAGE = engine.CANDIDATES // PAGE_SIZE + 1


class SearchFilters(Schema):
    q: str = Field(
        "",
        max_length=1000,
        description=f"The words to find; the first {MAX_QUERY_LENGTH} characters are used, "
        "as on the search page (“quoted phrases” and -word work there too).",
    )
    category: str | None = Field(None, max_length=255, description="A category's path.")
    expert: str | None = Field(None, max_length=150, description="An expert's handle.")
    answered: bool = Field(False, description="Only threads with an answer.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"{PAGE_SIZE} threads a page.")


@router.get("", response={200: SearchPage, **ERRORS}, summary="Search the threads")
def search(request, filters: Query[SearchFilters]):
    """The search page's results as data, best first, with its snippets: the reader finds
    exactly what the page finds for them. `capped` says the engines ranked their most
    (1,000 matching posts, the newest), as the page warns."""
    user = reader(request)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    category = None
    if filters.category:
        category = Category.objects.filter(path=filters.category.strip("/")).first()
        if category is None:
            raise HttpError(404, f"No category “{filters.category}”.")
    expert = None
    if filters.expert:
        expert = get_user_model().objects.filter(handle=filters.expert.strip().lower()).first()
        if expert is None:
            raise HttpError(404, f"No expert with the handle “{filters.expert}”.")
    results = engine.search(
        user, text, category=category, expert=expert, answered_only=filters.answered
    )
    paginator = Paginator(results.hits, PAGE_SIZE)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        page = None
    hits = engine.load_hits(user, text, list(page)) if page is not None and text else []
    return {
        "q": text,
        "items": [
            {"question": summary(hit.question), "snippet_html": str(hit.snippet)} for hit in hits
        ],
        "page": filters.page,
        "next_page": page.next_page_number() if page is not None and page.has_next() else None,
        "capped": results.capped,
        "ignored_words": engine.ignored_words(text),
    }
