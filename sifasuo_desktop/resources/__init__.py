"""Package data (JSON defaults, tables) shipped with the app."""
