"""The community on the web: one module per feature, each with its page forms and its JSON
routes (under /api/v1/) side by side.

  votes.py        the ▲ button and POST/DELETE /api/v1/papers/{id}/upvote
  comments.py     comment, reply, edit, delete, report, hide / restore
  submissions.py  /submit and POST /api/v1/submissions
  claims.py       "I am an author"
  library.py      save, not interested, seen, private notes; /library
  collections.py  /collections, a collection's page, feeds and exports
  profiles.py     /users/{name}
  moderation.py   /moderation and /moderation/audit
  cards.py        the reader's own part of a page of cards (fetched once a page)
  paper_page.py   the paper page's community part
  common.py       what they share: the rules, rate limits, the way back after a form
  setup.py        putting them into the app

Who may do what is never decided here: each handler hands the viewer to the community
operation, which asks the site's rules (paperwire.community.rules).
"""
