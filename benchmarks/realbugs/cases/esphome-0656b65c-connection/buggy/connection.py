import asyncio
from typing import Awaitable, Callable, Optional


class DeviceConnection:
    def __init__(self, on_stop: Optional[Callable[[], Awaitable[None]]]) -> None:
        self.on_stop = on_stop
        self._complete = False

    def _cleanup(self) -> None:
        if self.on_stop and self._complete:
            asyncio.create_task(self.on_stop())  # realbug
            self.on_stop = None
