"""asynclint: find asyncio pitfalls statically and at run time."""

__version__ = "0.1.0"
DOCS_URL = "https://asynclint.readthedocs.io/en/latest"
