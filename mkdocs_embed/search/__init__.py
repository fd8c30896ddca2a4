"""Read the emitted assets and answer queries the way the browser does."""
