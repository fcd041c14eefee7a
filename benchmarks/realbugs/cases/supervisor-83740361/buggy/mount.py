from abc import ABC


class Mount(ABC):
    async def refresh_state(self) -> None:
        ...

    async def load(self) -> None:
        try:
            await self._connect()
        except OSError as err:
            raise RuntimeError("cannot read unit") from err

        self.refresh_state()  # realbug

    async def _connect(self) -> None:
        ...
