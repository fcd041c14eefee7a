import asyncio

from .servers import ServerManager


class Proxyserver:
    def __init__(self) -> None:
        self.servers = ServerManager()
        self.is_running = False

    def configure(self, modes: list[str]) -> None:
        if self.is_running:
            asyncio.create_task(self.servers.update(modes))  # realbug
