"""The site's recurring jobs, and the two ways a worker runs them.

``steps`` holds the jobs themselves (harvest, embed, index, trending, compose, deliver):
plain functions of a :class:`~paperwire.jobs.steps.Workplace` that say what they did.
``local`` runs them in-process on a timer, one worker per home (SQLite); ``queue`` runs
them through procrastinate's PostgreSQL queue, shared by any number of workers.
"""
