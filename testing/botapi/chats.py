"""Bot API methods on chats and their members: getChat, getChatMember, getChatAdministrators,
getChatMemberCount, sendChatAction."""

from __future__ import annotations

from testing.botapi.context import CallContext, MethodHandler, bad_request
from testing.botapi.core import ServerCore
from testing.botapi.records import ChatAction, JSONDict
from testing.botapi.world import ChatInfo

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ChatMethods(ServerCore):
    """Chats, members and chat actions."""

    def _chat_methods(self) -> dict[str, MethodHandler]:
        return {
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "sendChatAction": self._send_chat_action,
        }

    async def _get_chat(self, ctx: CallContext) -> JSONDict:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": abs(chat.id) % 7,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    def _member(self, chat: ChatInfo, user: JSONDict, status: str) -> JSONDict:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights: JSONDict = {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": True,
                "can_edit_stories": True,
                "can_delete_stories": True,
            }
            if chat.type == "channel":
                rights.update({"can_post_messages": True, "can_edit_messages": True})
            else:
                rights["can_pin_messages"] = True
            return rights
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _status_of(self, chat: ChatInfo, user_id: int) -> str:
        if chat.creator == user_id:
            return "creator"
        if user_id in chat.admins:
            return "administrator"
        if user_id in chat.members or (chat.type == "private" and user_id == chat.id):
            return "member"
        return "left"

    async def _get_chat_member(self, ctx: CallContext) -> JSONDict:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        user_id = ctx.get_int("user_id", required=True, empty="user_id is empty")
        assert user_id is not None
        for bot in self._bots.values():
            if bot.id == user_id:
                membership = chat.bots.get(bot.token)
                status = membership.status if membership else "left"
                return self._member(chat, bot.user(), "member" if chat.type == "private" else status)
        if user_id not in self._users:
            raise bad_request("user not found")
        return self._member(chat, self._user_json(user_id), self._status_of(chat, user_id))

    async def _get_chat_administrators(self, ctx: CallContext) -> list[JSONDict]:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        result = []
        if chat.creator is not None:
            result.append(self._member(chat, self._user_json(chat.creator), "creator"))
        result += [
            self._member(chat, self._user_json(uid), "administrator")
            for uid in chat.admins
            if uid != chat.creator
        ]
        for bot in self._bots.values():
            membership = chat.bots.get(bot.token)
            if membership is not None and membership.status == "administrator":
                result.append(self._member(chat, bot.user(), "administrator"))
        return result

    async def _get_chat_member_count(self, ctx: CallContext) -> int:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        if chat.type == "private":
            return 2
        bots = sum(1 for m in chat.bots.values() if m.status in ("member", "administrator", "creator"))
        return len(chat.members | set(chat.admins)) + bots

    async def _send_chat_action(self, ctx: CallContext) -> bool:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        action = ctx.get_str("action", required=True, empty="action is empty")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.check_can_write(ctx.bot, chat)
        self._actions.append(ChatAction(chat.id, action, self.clock.monotonic(), ctx.bot.token))
        self._notify()
        return True
