"""The moderators' pages for per-category guidance: the tree with what applies where, and
one category's own text to edit (forum.actions.set_guidance)."""

from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from accounts.actions import Conflict, Refused
from accounts.decorators import moderator_required

from ..actions import set_guidance
from ..forms_guidance import GuidanceForm
from ..guidance import resolve_tree
from ..models import Category

# Rows of the tree a page; a site's tree is far smaller, but a page is bounded all the same.
PAGE_SIZE = 100


def tree_rows(categories):
    """Each category in tree order (depth first, siblings by position), with what applies to it."""
    resolved = resolve_tree(categories)
    children = {}
    for category in categories:  # Already in position order.
        children.setdefault(category.parent_id, []).append(category)
    rows = []

    def walk(parent_id):
        for category in children.get(parent_id, ()):
            text, source = resolved[category.pk]
            rows.append({"category": category, "guidance": text, "source": source})
            walk(category.pk)

    walk(None)
    return rows


@moderator_required
def categories(request):
    """Every category, with its own guidance or the one it inherits, and from where."""
    rows = tree_rows(list(Category.objects.all()))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/guidance.html", {"page_obj": page})


@moderator_required
def edit(request, pk):
    """One category's own guidance: what it shows now, and which categories inherit it."""
    category = get_object_or_404(Category, pk=pk)
    form = GuidanceForm(
        request.POST or None,
        initial={"guidance": category.guidance, "based_on": category.guidance},
    )
    status = HTTPStatus.OK
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            set_guidance(
                moderator=request.user,
                category=category,
                guidance=form.cleaned_data["guidance"],
                based_on=form.cleaned_data["based_on"],
            )
        except Conflict as error:
            conflict = error.current
            category = conflict
            form = GuidanceForm(
                initial={"guidance": form.cleaned_data["guidance"], "based_on": conflict.guidance}
            )
            status = HTTPStatus.CONFLICT
        except Refused as refused:
            form.add_error("guidance", str(refused))
            status = HTTPStatus.BAD_REQUEST
        else:
            messages.success(request, f"Saved: the guidance of {category.name} is updated.")
            return redirect("moderation:category_guidance")
    elif request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
    # The whole tree in one query: this category's inherited text and its subtree's sources.
    everything = list(Category.objects.all())
    resolved = resolve_tree(everything)
    ancestors = [c for c in everything if c.path in set(category.ancestor_paths())]
    inherited, inherited_from = "", None
    for ancestor in sorted(ancestors, key=lambda a: a.depth, reverse=True):
        if ancestor.guidance.strip():
            inherited, inherited_from = ancestor.guidance.strip(), ancestor
            break
    below = [c for c in everything if c.path.startswith(f"{category.path}/")]
    heirs = [
        c for c in below if resolved[c.pk][1] is not None and resolved[c.pk][1].pk == category.pk
    ]
    own_text = [c for c in below if c.guidance.strip()]
    return render(
        request,
        "moderation/guidance_edit.html",
        {
            "category": category,
            "form": form,
            "conflict": conflict,
            "ancestors": sorted(ancestors, key=lambda a: a.depth),
            "inherited": inherited,
            "inherited_from": inherited_from,
            "heirs": heirs,
            "own_below": own_text,
        },
        status=status,
    )
