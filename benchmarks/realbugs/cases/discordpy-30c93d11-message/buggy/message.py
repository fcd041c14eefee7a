import asyncio
from typing import Optional


class Message:
    async def _delete_now(self) -> None:
        ...

    async def delete(self, *, delay: Optional[float] = None) -> None:
        if delay is not None:

            async def later(seconds: float) -> None:
                await asyncio.sleep(seconds)
                await self._delete_now()

            asyncio.create_task(later(delay))  # realbug
        else:
            await self._delete_now()
