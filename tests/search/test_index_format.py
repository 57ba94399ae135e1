"""An index written in another format (an older paperwire's fields or analyzers) is never read:
search says there is no index, and the next `paperwire index` rebuilds it from the catalog."""

import json

import pytest

from paperwire.search import IndexMissing, SearchService, build_indexes
from paperwire.search.local.generations import FORMAT, state_path


def test_an_index_of_an_older_format_is_not_served_and_is_rebuilt(settings, catalog, fake_embedder, real_papers):
    catalog.store(real_papers(10))
    build_indexes(settings, catalog, progress=False, embedder=fake_embedder)
    path = state_path(settings.index_dir)
    path.write_text(json.dumps({**json.loads(path.read_text()), "format": FORMAT - 1}))

    service = SearchService(settings, catalog, embedder=fake_embedder)
    with pytest.raises(IndexMissing, match="run `paperwire index`"):
        service.search("learning", mode="keyword")

    fake_embedder.embedded = 0
    report = build_indexes(settings, catalog, progress=False, embedder=fake_embedder)
    assert report.rebuilt and report.papers == 10 and report.embedded == 0  # vectors come from the store
    title = real_papers(1)[0].title
    assert real_papers(1)[0].id in [hit.paper.paper.id for hit in service.search(title, mode="keyword").hits]
