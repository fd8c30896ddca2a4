"""mkdocs-embed: static semantic search for documentation sites."""

__version__ = "0.1.0"
