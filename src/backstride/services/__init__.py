"""Use cases shared by the CLI and the web app: read the store, call the pure stages, save."""
