"""Read-only pages for visitors: home, the category tree, a category, the archive."""

from django.shortcuts import get_object_or_404, render

from config.pagecache import anonymous_cache
from experts.models import DEFAULT_EXPERT_ORDER, EXPERT_ORDERS, ExpertProfile

from ..archive import Archive
from ..models import Answer, Category, Question


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
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "ancestors": category.ancestors(),
            "subcategories": archive.tree(root=category),
            "page_obj": page,
            "featured": featured,
            "experts": experts[:12],
            # Whether an open question asked here would reach anyone.
            "served": ExpertProfile.objects.covering(category).taking_questions().exists(),
            "order": order,
            "orders": EXPERT_ORDERS,
        },
    )


@anonymous_cache
def answers(request):
    """All Answers: the site-wide public archive, newest first."""
    page = Archive().page(request)
    return render(request, "forum/answers.html", {"page_obj": page})
