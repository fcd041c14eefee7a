class Bot:
    _current = None

    @classmethod
    def current(cls) -> "Bot":
        return cls._current

    async def limit_member(self, chat_id: int, user_id: int) -> bool:
        return True
