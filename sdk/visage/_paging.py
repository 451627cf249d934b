"""`list_*` answers: a lazy iterable of items that fetches pages only as it is walked.

    for group in client.large_person_groups.list():         # every item, page after page
        ...
    for page in client.large_person_groups.list().by_page(): # page by page (a list each)
        ...

Visage pages like Azure: `start` is the last id seen, `top` the page size. A page shorter than
`top` is the last one. The continuation token of `by_page` is that last id. A page that ends where
an earlier one of the same walk ended (a server that ignores `start`) is a `ServiceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from visage.exceptions import ServiceError

T = TypeVar("T")

MAX_PAGE_SIZE = 1000
"""Azure's and Visage's largest `top`."""

PageFetcher = Callable[[str | None], tuple[list[T], str | None]]
"""Fetch the page after a continuation token: its items and the next token (None at the end)."""


class ItemPaged(Generic[T]):
    """Iterate the items of every page; nothing is fetched until iteration starts."""

    def __init__(self, fetch_page: PageFetcher[T]) -> None:
        self._fetch_page = fetch_page

    def __iter__(self) -> Iterator[T]:
        for page in self.by_page():
            yield from page

    def by_page(self, continuation_token: str | None = None) -> Iterator[list[T]]:
        """The pages, each a list; start after `continuation_token` (the last id seen) if given."""
        token = continuation_token
        seen = {token}
        while True:
            items, token = self._fetch_page(token)
            if token is not None and token in seen:
                # a server (or a cache in front of it) that ignores `start` would be walked forever
                raise ServiceError(f"The server answered the same page again (it ends at {token!r} once more): "
                                   "the list cannot be walked to its end")
            if items:
                yield items
            if token is None:
                return
            seen.add(token)

    def __repr__(self) -> str:
        return f"<ItemPaged of {getattr(self._fetch_page, '__qualname__', 'pages')}>"


def start_top_pager(fetch: Callable[[str | None, int], list[T]], id_of: Callable[[T], str],
                    page_size: int) -> ItemPaged[T]:
    """A pager over a `start`/`top` list route."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")

    def fetch_page(token: str | None) -> tuple[list[T], str | None]:
        items = fetch(token, page_size)
        return items, (id_of(items[-1]) if len(items) >= page_size else None)

    return ItemPaged(fetch_page)


def single_page(fetch: Callable[[], list[T]]) -> ItemPaged[T]:
    """A pager over a route that answers everything at once (it may page one day)."""
    return ItemPaged(lambda _token: (fetch(), None))
