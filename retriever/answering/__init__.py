"""Answering: read the question, retrieve, compose the answer, cite, follow-ups, generative mode."""
