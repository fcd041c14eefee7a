"""The project-wide step: per-file summaries -> an index -> cross-module facts."""
