"""The one error a harvest ends with when it cannot go on."""


class HarvestError(Exception):
    """The harvest could not continue (network, server refusal, unreadable pages, OAI error).

    The message names the URL and what to do next; the papers stored before it stay stored
    and, where a checkpoint exists, a rerun resumes from it.
    """
