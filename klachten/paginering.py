"""Pagination helpers."""

from django.core.paginator import Paginator


class BekendAantalPaginator(Paginator):
    """A Paginator whose number of items is known already (from counts the page shows anyway),
    so it runs no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, aantal: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = aantal  # Paginator.count is a cached_property
