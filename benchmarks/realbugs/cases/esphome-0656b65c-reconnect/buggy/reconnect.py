import asyncio


class Reconnector:
    async def stop(self) -> None:
        ...

    def stop_callback(self) -> None:
        asyncio.create_task(self.stop())  # realbug
