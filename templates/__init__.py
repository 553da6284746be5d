"""The Jinja2 templates, shipped inside the package as ``briefings.templates`` (see pyproject.toml)."""
