"""Sign-in on the web: who is asking (viewer), CSRF protection, the account pages, /api/v1/me.

Handlers build on three names: ``viewer.current_viewer`` (the Member or None),
``viewer.require_viewer`` (401 for APIs, a redirect to /signin for pages) and
``viewer.require_write_scope``; forms put ``{{ csrf_field() }}`` inside.
"""
