"""The community: votes, trending, comments, submissions, authorship claims, library,
collections and moderation. The rules of who may do what live in ``rules``; every
function here checks them, so pages, APIs and the CLI cannot disagree."""
