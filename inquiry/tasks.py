"""Celery tasks of the inquiry app: credit report generation and government batch checks.

Shared by two parts of the app: append your own task functions; do not reorder others'."""
