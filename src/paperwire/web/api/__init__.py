"""The JSON APIs: the native /api/v1, the Hugging Face papers API, the arXiv query API, and their docs."""
