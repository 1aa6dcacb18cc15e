"""Read-only pages for visitors: home, the category tree, a category, the archive."""

from django.shortcuts import get_object_or_404, render

from config.pagecache import anonymous_cache
from experts.models import DEFAULT_EXPERT_ORDER, EXPERT_ORDERS, ExpertProfile

from ..archive import ORDERS, Archive
from ..forms_archive import ArchiveFilterForm, UnansweredFilterForm
from ..models import Answer, Category, Question
from ..structured_data import category_meta
from ..text import excerpt

# Characters of each question shown in the lists, cut between words.
EXCERPT_LENGTH = 220


def with_excerpts(page):
    for question in page:
        question.excerpt = excerpt(question.body_html, EXCERPT_LENGTH, one_line=True)
    return page


@anonymous_cache
def home(request):
    recent = Question.objects.public().answered().with_listing_data().order_by("-answered_at")
    featured = (
        Answer.objects.public()
        .filter(is_featured=True)
        .select_related("question__category", "author")
        .order_by("-featured_at")
    )
    return render(
        request,
        "forum/home.html",
        {"tree": Archive().tree(), "recent": recent[:10], "featured": featured[:5]},
    )


@anonymous_cache
def categories(request):
    return render(request, "forum/categories.html", {"tree": Archive().tree()})


@anonymous_cache
def category(request, path):
    category = get_object_or_404(Category, path=path)
    archive = Archive()
    page = archive.page(request, category)
    # Editor's picks lead the archive on its first page.
    featured = (
        Answer.objects.public()
        .filter(category.subtree_q("question__category"), is_featured=True)
        .select_related("question__category", "author")
        .order_by("-featured_at")[:3]
        if page.number == 1
        else []
    )
    order = request.GET.get("order")
    order = order if order in EXPERT_ORDERS else DEFAULT_EXPERT_ORDER
    experts = (
        ExpertProfile.objects.in_category(category)
        .ordered_by(order)
        .with_questions_today()
        .select_related("user")
    )
    # A list: the trail and the structured data's breadcrumbs share one query.
    ancestors = list(category.ancestors())
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "ancestors": ancestors,
            "page_meta": category_meta(category, ancestors, page.number),
            "subcategories": archive.tree(root=category),
            "page_obj": page,
            "featured": featured,
            "experts": experts[:12],
            # Whether an open question asked here would reach anyone.
            "served": ExpertProfile.objects.serve(category),
            "order": order,
            "orders": EXPERT_ORDERS,
        },
    )


@anonymous_cache
def answers(request):
    """All Answers: the public archive, filtered by category, expert and editor's picks, sorted."""
    archive = Archive()
    experts = (
        ExpertProfile.objects.approved()
        .filter(answer_total__gt=0)
        .order_by("user__display_name", "user_id")
        .values_list("user__handle", "user__display_name", "user_id")
    )
    form = ArchiveFilterForm(request.GET or None, archive=archive, experts=experts)
    category, expert = form.chosen_category(), form.chosen_expert()
    order, featured = form.chosen_order(), form.value("featured", False)
    page = archive.page(
        request,
        category,
        order=order,
        expert=expert[1] if expert else None,
        featured=featured,
    )
    return render(
        request,
        "forum/answers.html",
        {
            "page_obj": with_excerpts(page),
            "form": form,
            "category": category,
            "expert_name": expert[0] if expert else "",
            "featured": featured,
            "order": order,
            "order_label": ORDERS[order][0],
            "filtered": bool(category or expert or featured),
        },
    )


@anonymous_cache
def unanswered(request):
    """Public questions still waiting for an answer, newest first, by category if chosen."""
    archive = Archive()
    form = UnansweredFilterForm(request.GET or None, archive=archive)
    category = form.chosen_category()
    page = archive.unanswered_page(request, category)
    return render(
        request,
        "forum/unanswered.html",
        {"page_obj": with_excerpts(page), "form": form, "category": category},
    )
