class Chat:
    def __init__(self, chat_id: int) -> None:
        self.id = chat_id

    @property
    def bot(self):
        from .bot import Bot

        return Bot.current()

    async def limit(self, user_id: int) -> bool:
        return self.bot.limit_member(self.id, user_id=user_id)  # realbug
