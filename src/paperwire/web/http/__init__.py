"""How the app serves: middleware (limits, headers, encodings, HEAD), caches, templates and filters."""
