"""Bot API methods on messages: sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage,
answerCallbackQuery; and the checks of a message's text and keyboard, like Telegram's."""

from __future__ import annotations

import copy

from testing.botapi.context import CallContext, MethodHandler, bad_request, lower_first
from testing.botapi.core import ServerCore
from testing.botapi.entities import parse_text
from testing.botapi.entity import (
    EmptyTextError,
    EntityParseError,
    EntityRangeError,
    FormattedText,
    check_link,
    utf16_len,
)
from testing.botapi.records import CallbackAnswer, Delivery, EditRecord, JSONDict
from testing.botapi.world import ChatInfo, StoredMessage

MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly"
    " the same as a current content and reply markup of the message"
)

CALLBACK_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class MessageMethods(ServerCore):
    """sendMessage, edits, deletion and callback answers."""

    def _message_methods(self) -> dict[str, MethodHandler]:
        return {
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
        }

    def format_text(self, ctx: CallContext, text: str | None) -> FormattedText:
        """Parse ``text`` with the call's ``parse_mode``/``entities`` like Telegram (400 on errors)."""
        if text is None or text == "":
            raise bad_request("message text is empty")
        entities = ctx.params.get("entities")
        if entities is not None and not isinstance(entities, list):
            raise bad_request("can't parse entities JSON object")
        try:
            formatted = parse_text(
                text, ctx.get_str("parse_mode"), entities=entities, strict=self.strict_html
            )
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        except EntityRangeError as error:
            raise bad_request(lower_first(str(error))) from None
        except EmptyTextError:
            raise bad_request("message text is empty") from None
        except ValueError:
            raise bad_request("unsupported parse_mode") from None
        if utf16_len(formatted.text) > self.max_text_length:
            raise bad_request("message is too long")
        return formatted

    def reply_markup(self, ctx: CallContext, *, inline_only: bool = False) -> JSONDict | None:
        """The validated ``reply_markup`` parameter (400 like Telegram when invalid)."""
        markup = ctx.params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
            return {"inline_keyboard": markup["inline_keyboard"]}
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
            return markup
        if "remove_keyboard" in markup or "force_reply" in markup:
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_target(self, ctx: CallContext, chat: ChatInfo) -> StoredMessage | None:
        parameters = ctx.params.get("reply_parameters")
        if parameters is None or parameters == "":
            reply_to = ctx.get_int("reply_to_message_id")
            if reply_to is None:
                return None
            parameters = {
                "message_id": reply_to,
                "allow_sending_without_reply": ctx.get_bool("allow_sending_without_reply"),
            }
        if not isinstance(parameters, dict) or not isinstance(parameters.get("message_id"), int):
            raise bad_request("can't parse reply parameters JSON object")
        target_chat = chat
        if parameters.get("chat_id") is not None:
            target_chat = self.resolve_chat(ctx.bot, parameters["chat_id"])
        stored = self.stored_message(target_chat, parameters["message_id"])
        if stored is None:
            if parameters.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        quote = parameters.get("quote")
        if isinstance(quote, str) and quote and quote not in str(stored.payload.get("text", "")):
            raise bad_request("quote not found")
        return stored

    async def _send_message(self, ctx: CallContext) -> JSONDict:
        bot = ctx.bot
        chat_ref = ctx.get_chat()
        formatted = self.format_text(ctx, ctx.get_str("text"))
        markup = self.reply_markup(ctx)
        chat = self.resolve_chat(bot, chat_ref)
        self.check_can_write(bot, chat)
        reply = self._reply_target(ctx, chat)
        thread = ctx.get_int("message_thread_id")
        self.take_rate_limit(ctx, chat)

        payload: JSONDict = {"message_id": self._next_message_id(chat)}
        if chat.type == "channel":
            payload["sender_chat"] = chat.to_api()
        else:
            payload["from"] = bot.user()
        payload["chat"] = chat.to_api()
        payload["date"] = int(self.clock.time())
        if thread is not None and chat.is_forum:
            payload["message_thread_id"] = thread
            payload["is_topic_message"] = True
        if reply is not None:
            payload["reply_to_message"] = self._reply_copy(reply)
        payload["text"] = formatted.text
        if formatted.entities:
            payload["entities"] = formatted.to_api(self._user_json)
        preview = ctx.params.get("link_preview_options")
        if isinstance(preview, dict) and preview:
            payload["link_preview_options"] = preview
        elif ctx.get_bool("disable_web_page_preview"):
            payload["link_preview_options"] = {"is_disabled": True}
        if markup is not None and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        if ctx.get_bool("protect_content"):
            payload["has_protected_content"] = True
        stored = self._store(chat, payload, f"bot:{bot.token}", bot.token)
        self._deliveries.append(Delivery(chat.id, stored.message_id, formatted.text, bot.token, stored.at))
        self._notify()
        return copy.deepcopy(payload)

    def _editable(self, ctx: CallContext, chat: ChatInfo) -> StoredMessage:
        message_id = ctx.get_int("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        stored = self.stored_message(chat, message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if stored.token != ctx.bot.token:
            raise bad_request("message can't be edited")
        return stored

    def _record_edit(self, ctx: CallContext, stored: StoredMessage, before: JSONDict) -> JSONDict:
        stored.payload["edit_date"] = int(self.clock.time())
        self._edits.append(
            EditRecord(
                ctx.method,
                stored.chat_id,
                stored.message_id,
                before,
                copy.deepcopy(stored.payload),
                self.clock.monotonic(),
            )
        )
        self._notify()
        return copy.deepcopy(stored.payload)

    async def _edit_message_text(self, ctx: CallContext) -> JSONDict | bool:
        if ctx.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat_ref = ctx.get_chat()
        formatted = self.format_text(ctx, ctx.get_str("text"))
        markup = self.reply_markup(ctx, inline_only=True)
        chat = self.resolve_chat(ctx.bot, chat_ref)
        self.check_can_write(ctx.bot, chat)
        stored = self._editable(ctx, chat)
        entities = formatted.to_api(self._user_json)
        current = stored.payload
        if (
            current.get("text") == formatted.text
            and current.get("entities", []) == entities
            and current.get("reply_markup") == markup
        ):
            raise bad_request(MESSAGE_NOT_MODIFIED.removeprefix("Bad Request: "))
        self.take_rate_limit(ctx, chat)
        before = copy.deepcopy(current)
        current["text"] = formatted.text
        if entities:
            current["entities"] = entities
        else:
            current.pop("entities", None)
        if markup is not None:
            current["reply_markup"] = markup
        else:
            current.pop("reply_markup", None)
        return self._record_edit(ctx, stored, before)

    async def _edit_message_reply_markup(self, ctx: CallContext) -> JSONDict | bool:
        if ctx.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        markup = self.reply_markup(ctx, inline_only=True)
        self.check_can_write(ctx.bot, chat)
        stored = self._editable(ctx, chat)
        if stored.payload.get("reply_markup") == markup:
            raise bad_request(MESSAGE_NOT_MODIFIED.removeprefix("Bad Request: "))
        self.take_rate_limit(ctx, chat)
        before = copy.deepcopy(stored.payload)
        if markup is not None:
            stored.payload["reply_markup"] = markup
        else:
            stored.payload.pop("reply_markup", None)
        return self._record_edit(ctx, stored, before)

    async def _delete_message(self, ctx: CallContext) -> bool:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        message_id = ctx.get_int("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        stored = self.stored_message(chat, message_id)
        if stored is None:
            raise bad_request("message to delete not found")
        membership = chat.bots.get(ctx.bot.token)
        is_admin = membership is not None and membership.status in ("administrator", "creator")
        if stored.token != ctx.bot.token and chat.type != "private" and not is_admin:
            raise bad_request("message can't be deleted")
        stored.deleted = True
        stored.deleted_at = self.clock.monotonic()
        self._notify()
        return True

    async def _answer_callback_query(self, ctx: CallContext) -> bool:
        query_id = ctx.get_str("callback_query_id", required=True, empty="query_id is empty")
        assert query_id is not None
        state = self._queries.get(query_id)
        if state is None or state.answered or state.token != ctx.bot.token:
            raise bad_request(CALLBACK_QUERY_INVALID.removeprefix("Bad Request: "))
        if (
            self.callback_query_ttl is not None
            and self.clock.monotonic() - state.at > self.callback_query_ttl
        ):
            raise bad_request(CALLBACK_QUERY_INVALID.removeprefix("Bad Request: "))
        text = ctx.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        state.answered = True
        self._answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=text,
                show_alert=ctx.get_bool("show_alert"),
                url=ctx.get_str("url"),
                cache_time=ctx.get_int("cache_time") or 0,
                query=copy.deepcopy(state.query),
                at=self.clock.monotonic(),
            )
        )
        self._notify()
        return True


def _validate_inline_keyboard(rows: object) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton should be an Object"
                )
            if not isinstance(button.get("text"), str):
                raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
            actions = [action for action in _BUTTON_ACTIONS if action in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or check_link(url) is None:
                    raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    if count > 100:
        raise bad_request("reply markup is too long")
