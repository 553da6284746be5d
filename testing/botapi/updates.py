"""Bot API methods that hand updates to the bot: getUpdates (long polling) and webhooks
(setWebhook, deleteWebhook, getWebhookInfo, and the POSTs of updates to the webhook)."""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import json
import re
from urllib.parse import urlsplit

import aiohttp

from testing.botapi.context import ApiError, CallContext, MethodHandler, bad_request
from testing.botapi.core import ServerCore
from testing.botapi.records import JSONDict, WebhookDelivery
from testing.botapi.world import BotInfo


class UpdateMethods(ServerCore):
    """getUpdates and webhooks."""

    def _update_methods(self) -> dict[str, MethodHandler]:
        return {
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    async def _get_updates(self, ctx: CallContext) -> list[JSONDict]:
        bot = ctx.bot
        if bot.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete"
                " the webhook first",
            )
        offset = ctx.get_int("offset")
        limit = max(1, min(100, ctx.get_int("limit") or 100))
        timeout = max(0.0, ctx.get_float("timeout") or 0.0)
        allowed = ctx.params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
                raise bad_request("can't parse allowed_updates JSON array")
            bot.allowed_updates = list(allowed)
        if offset is not None:
            bot.drop_acknowledged(offset)
        bot.poll_generation += 1
        generation = bot.poll_generation
        self._notify()

        def ready() -> str | None:
            if bot.poll_generation != generation:
                return "conflict"
            return "updates" if bot.updates else None

        bot.polling += 1
        try:
            outcome = await self._wait_for(ready, timeout) if timeout > 0 else ready()
        finally:
            bot.polling -= 1
        if outcome == "conflict":
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request;"
                " make sure that only one bot instance is running",
            )
        return copy.deepcopy(list(bot.updates)[:limit])

    async def _set_webhook(self, ctx: CallContext) -> bool:
        bot = ctx.bot
        url = ctx.get_str("url") or ""
        if not url:
            return await self._delete_webhook(ctx)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid webhook URL specified")
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = ctx.get_str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_\-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = ctx.params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        if ctx.get_bool("drop_pending_updates"):
            bot.updates.clear()
        same = bot.webhook.url == url
        bot.webhook.url = url
        bot.webhook.secret_token = secret
        bot.webhook.max_connections = ctx.get_int("max_connections") or 40
        bot.webhook.ip_address = ctx.get_str("ip_address")
        if allowed is not None:
            bot.webhook.allowed_updates = list(allowed)
            bot.allowed_updates = list(allowed)
        bot.poll_generation += 1  # a waiting getUpdates now conflicts
        ctx.description = "Webhook is already set" if same else "Webhook was set"
        if self.deliver_webhooks:
            self._start_webhook_task(bot)
        self._notify()
        return True

    async def _delete_webhook(self, ctx: CallContext) -> bool:
        bot = ctx.bot
        if ctx.get_bool("drop_pending_updates"):
            bot.updates.clear()
        existed = bool(bot.webhook.url)
        bot.webhook.url = ""
        bot.webhook.secret_token = None
        task = self._webhook_tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
        ctx.description = "Webhook was deleted" if existed else "Webhook is already deleted"
        self._notify()
        return True

    async def _get_webhook_info(self, ctx: CallContext) -> JSONDict:
        return webhook_info_of(ctx.bot)

    def _start_webhook_task(self, bot: BotInfo) -> None:
        task = self._webhook_tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
        self._webhook_tasks[bot.token] = asyncio.create_task(self._webhook_loop(bot))

    async def _webhook_loop(self, bot: BotInfo) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        session = self._session
        url = bot.webhook.url
        while not self._stopping and bot.webhook.url == url:
            if not bot.updates:
                await self._wait_for(lambda: True if bot.updates or bot.webhook.url != url else None, 1.0)
                continue
            update = bot.updates[0]
            headers = {"Content-Type": "application/json"}
            if bot.webhook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = bot.webhook.secret_token
            status: int | None = None
            error: str | None = None
            try:
                async with session.post(url, data=json.dumps(update), headers=headers) as response:
                    status = response.status
                    await response.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {response.reason}"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection refused, timeout...
                error = f"Connection failed: {exc.__class__.__name__}: {exc}"
            self._webhook_log.append(
                WebhookDelivery(bot.token, update["update_id"], status, error, self.clock.monotonic())
            )
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.popleft()
                self._notify()
                continue
            bot.webhook.last_error_date = int(self.clock.time())
            bot.webhook.last_error_message = error
            self._notify()
            await self._sleep(self.webhook_retry_delay)


def webhook_info_of(bot: BotInfo) -> JSONDict:
    """The WebhookInfo of ``bot``."""
    hook = bot.webhook
    info: JSONDict = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
