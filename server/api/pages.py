"""What every HTML page of Visage answers with: a strict Content Security Policy and no caching.

The pages (signup, token recovery, the landing page and the web console) load scripts and styles
only from Visage's own files, never inline, from a CDN or into a frame; the API's Swagger UI at /docs
likewise, with inline styles allowed.
"""

from __future__ import annotations

from flask import Response

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""The pages load nothing from elsewhere and may not be framed; the one-time links' tokens must not
leak in a Referer."""

DOCS_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
"""The Swagger UI page at /docs: the same, except that Swagger UI sets style attributes and draws its
icons as data: URLs. Scripts still come only from Visage's own files."""


def protect_pages(response: Response) -> Response:
    """An after_request hook: pages are never cached (they may show a secret once) and carry PAGE_HEADERS."""
    response.headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        response.headers.update(PAGE_HEADERS)
    return response


def protect_docs(response: Response) -> Response:
    """An after_request hook for /docs: its page carries DOCS_HEADERS (its assets are cached as files)."""
    if response.mimetype == "text/html":
        response.headers.update(DOCS_HEADERS)
    return response
