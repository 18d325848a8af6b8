"""Analysis over the store: pure functions over query results, shared by the CLI and the web app."""
