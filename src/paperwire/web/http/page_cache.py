"""Serving anonymous pages from the worker's cache: one render per URL per cache period.

The lookup runs on the event loop; a miss is rendered in a thread. When many readers
ask for the same missing page at once, one renders it and the others wait for that
render instead of repeating it. A page just past its age is served stale while one
background render refreshes it, so a popular page never makes its readers wait.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from paperwire.web.http.templating import RenderedPage, is_anonymous, page_response, with_gzip

log = logging.getLogger(__name__)


def cached_page(handler):
    """Wrap a page handler returning a RenderedPage (or a redirect Response)."""

    @functools.wraps(handler)
    async def wrapper(request: Request, **params):
        if not is_anonymous(request):
            result = await run_in_threadpool(handler, request, **params)
            return page_response(request, result, cacheable=False) if isinstance(result, RenderedPage) else result
        key = f"{request.url.path}?{request.url.query}"
        renders: dict[str, asyncio.Future] = request.app.state.page_renders
        found = request.app.state.page_cache.lookup(key)
        page = found[0] if found else None
        if found and not found[1] and key not in renders:
            _refresh_in_background(request, key, handler, params)
        if page is None:
            if key in renders:
                page = await asyncio.shield(renders[key])
            if page is None:
                result = await _render_once(request, key, handler, params)
                if not isinstance(result, RenderedPage):
                    return result  # a redirect
                page = result
        return page_response(request, page)

    return wrapper


def _refresh_in_background(request: Request, key: str, handler, params: dict) -> None:
    async def refresh() -> None:
        try:
            await _render_once(request, key, handler, params)
        except Exception:  # the stale copy stays; the next reader after it expires retries
            log.warning("refreshing %s failed", key, exc_info=True)

    tasks: set = request.app.state.page_refreshes  # held so the task is not collected mid-way
    task = asyncio.get_running_loop().create_task(refresh())
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def _render_once(request: Request, key: str, handler, params: dict):
    renders: dict[str, asyncio.Future] = request.app.state.page_renders
    waiting = asyncio.get_running_loop().create_future()
    renders[key] = waiting
    page = None
    try:
        result = await run_in_threadpool(handler, request, **params)
        if isinstance(result, RenderedPage):
            page = with_gzip(result)
            request.app.state.page_cache.put(key, page, nbytes=page.nbytes + len(key))
            return page
        return result
    finally:
        # Waiters get the page, or None (an error or a redirect) and then render themselves.
        waiting.set_result(page)
        if renders.get(key) is waiting:
            del renders[key]
