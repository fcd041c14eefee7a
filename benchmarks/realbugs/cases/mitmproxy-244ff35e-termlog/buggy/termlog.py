import asyncio


class TermLog:
    async def _teardown(self) -> None:
        ...

    def done(self) -> None:
        closing = self._teardown()
        try:
            asyncio.create_task(closing)  # realbug
        except RuntimeError:
            closing.close()
