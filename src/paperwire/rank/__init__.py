"""Recommendations: a model per reader over the stored paper embeddings, and the For-you feed."""
