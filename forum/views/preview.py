"""The markdown preview for the editor widget: the same render_markdown() as stored posts.

django-markdownx's own preview view renders unsanitised HTML for anyone, so
its URLs are not included; this view takes its place under the URL name the
widget expects.
"""

from http import HTTPStatus

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from ..markdown import MAX_BODY_LENGTH, render_markdown


@require_POST
def markdown_preview(request):
    if not request.user.is_authenticated:
        return HttpResponse("Sign in to preview.", status=HTTPStatus.FORBIDDEN)
    content = request.POST.get("content")
    if content is None:
        return HttpResponse("Nothing to preview.", status=HTTPStatus.BAD_REQUEST)
    if len(content) > MAX_BODY_LENGTH:
        return HttpResponse(
            f"Too long to preview: the limit is {MAX_BODY_LENGTH:,} characters.",
            status=HTTPStatus.BAD_REQUEST,
        )
    return HttpResponse(render_markdown(content), content_type="text/html; charset=utf-8")
