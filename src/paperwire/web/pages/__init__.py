"""The HTML pages of the catalog: a day's papers, trending, search, a paper, categories, authors."""
