"""How the local Bot API test server reads a request's parameters (query string, form data or JSON,
decoded the way the Bot API reads each parameter) and writes its JSON answers."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from testing.botapi.context import bad_request
from testing.botapi.records import JSONDict

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "results",
        "menu_button",
        "permissions",
    }
)

_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "max_connections",
        "until_date",
        "direct_messages_topic_id",
    }
)

_CHAT_PARAMS = frozenset({"chat_id", "from_chat_id"})

_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
        "only_if_banned",
        "revoke_messages",
    }
)


def json_response(body: JSONDict, status: int) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        charset="utf-8",
    )


def _decode_value(name: str, value: str) -> Any:
    """Decode a form/query value the way the Bot API reads that parameter."""
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_PARAMS or name in _CHAT_PARAMS:
        stripped = value.strip()
        if re.fullmatch(r"-?[0-9]+", stripped):
            return int(stripped)
        return value
    if name in _BOOL_PARAMS:
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
    return value


async def read_params(request: web.Request) -> JSONDict:
    params: JSONDict = {k: _decode_value(k, v) for k, v in request.query.items()}
    if not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected as request body")
        for key, value in body.items():
            params[key] = (
                _decode_value(key, value) if isinstance(value, str) and key in _JSON_PARAMS else value
            )
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = _decode_value(key, value)
            elif isinstance(value, web.FileField):  # an uploaded file
                params[key] = {"file_name": value.filename, "content_type": value.content_type}
            else:
                params[key] = value.decode("utf-8", "replace")
    return params
