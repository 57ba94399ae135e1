"""Fetching papers from arXiv politely, with retries and resumable checkpoints.

http      one connection, a minimum interval, Retry-After and backoff
oai       OAI-PMH ListRecords: resumption tokens, checkpoints, incremental from-dates
api       the export API's query results, page by page
rss       the daily listing feeds
pages     fetch-and-parse with refetch of unreadable (truncated) pages
run       a harvest recorded as an import run, storing through the importer
"""
