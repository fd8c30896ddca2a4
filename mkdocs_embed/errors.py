"""The one exception type users see: a message, never a traceback."""


class EmbedError(Exception):
    """A problem the user can fix; its message says how."""
