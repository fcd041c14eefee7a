"""Data, not code: what library callables do, shared by the static rules and the runtime hooks.

Names are fully qualified (``time.sleep``); methods are ``Type.method`` where ``Type`` is the
qualified class name (``requests.Session.get``).
"""
