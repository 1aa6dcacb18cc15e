"""{{ document|ld_json }}: a dict as a <script type="application/ld+json"> element.

Inside <script> the HTML parser reads raw text until "</script", so text a member
wrote (a title such as "</script><script>alert(1)</script>") must not be able to
end the element: every "<", ">" and "&" of the JSON becomes its \\u escape, which
JSON parsers read back as the same character. U+2028 and U+2029 are escaped too,
as JavaScript string literals once could not hold them.

The element is a data block, which browsers never run: the CSP's script-src does
not apply to it and it needs no nonce (a nonce would also differ from the copy
the page cache serves). Django's json_script is not used because it sets an id
and no type, and search engines read only type="application/ld+json".
"""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def dumps(document):
    """The JSON text of `document`, safe between <script> and </script>."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_ESCAPES)


@register.filter(is_safe=True)
def ld_json(document):
    if not document:
        return ""
    # dumps() leaves no "<", ">" or "&" in the JSON: nothing in it can end the element.
    return mark_safe(f'<script type="application/ld+json">{dumps(document)}</script>')  # noqa: S308
