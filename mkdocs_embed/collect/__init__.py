"""Collect: the content pages of a built site."""

from .pages import Page, collect_pages, page_url

__all__ = ["Page", "collect_pages", "page_url"]
