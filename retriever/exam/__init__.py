"""Exam practice: items and papers from the articles, scoring, export, learners and the 错题本."""
