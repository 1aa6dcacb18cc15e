"""Background tasks of the site as a whole: purging the proxy in front by key."""

import logging
from urllib.error import URLError
from urllib.request import Request, urlopen

from django.conf import settings
from django.tasks import task

logger = logging.getLogger(__name__)
PURGE_TIMEOUT_SECONDS = 5


@task
def purge_keys(names):
    """Send PURGE to the proxy (PURGE_URL), naming the keys whose pages changed.

    deploy/varnish.vcl drops every page whose Surrogate-Key holds one of them. A
    proxy that cannot be reached is logged and left: its pages expire after
    SHARED_CACHE_SECONDS anyway, and the site never serves an outdated one itself.
    """
    url = settings.PURGE_URL
    if not url.startswith(("http://", "https://")):
        logger.error("PURGE_URL must be an http(s) URL, not %r", url)
        return
    # The URL is the operator's own setting, checked above; never a visitor's.
    request = Request(url, method="PURGE", headers={"xkey-purge": " ".join(names)})  # noqa: S310
    try:
        with urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except (URLError, OSError) as error:
        logger.warning("Purging %s at the proxy failed: %s", " ".join(names), error)
