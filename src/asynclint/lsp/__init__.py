"""``asynclint server``: the language server (LSP over stdio) on the Workspace API."""
