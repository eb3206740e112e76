"""The one entry point for gunicorn and `flask --app wsgi`."""

from collab import create_app

app = create_app()
