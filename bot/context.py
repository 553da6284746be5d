"""What handlers and jobs receive: the service's parts and the sender, typed, through the context.

PTB makes ``bot_data`` from ``ContextTypes(bot_data=...)`` with no arguments, before the service
exists; :func:`bot.app.build_application` then installs the service and the sender once. Handlers
read them as ``context.reading``, ``context.subscriptions`` ...; code holding the Application uses
:func:`service_of` and :func:`sender_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from briefings.config import Settings
from briefings.service.app import BriefingService
from briefings.service.catalog import BeatCatalog
from briefings.service.delivering import Delivery
from briefings.service.ingesting import Ingestion
from briefings.service.reading import Reading
from briefings.service.subscribing import Subscriptions

if TYPE_CHECKING:
    from bot.delivery import Sender


class BotData:
    """The bot's shared objects (``context.bot_data``): the service and the outbox sender."""

    def __init__(self) -> None:
        self._service: BriefingService | None = None
        self._sender: Sender | None = None

    def install(self, service: BriefingService, sender: Sender) -> None:
        self._service, self._sender = service, sender

    @property
    def service(self) -> BriefingService:
        if self._service is None:
            raise RuntimeError("the bot's service is not installed (see bot.app.build_application)")
        return self._service

    @property
    def sender(self) -> Sender:
        if self._sender is None:
            raise RuntimeError("the bot's sender is not installed (see bot.app.build_application)")
        return self._sender


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def settings(self) -> Settings:
        return self.bot_data.service.settings

    @property
    def beats(self) -> BeatCatalog:
        return self.bot_data.service.beats

    @property
    def reading(self) -> Reading:
        return self.bot_data.service.reading

    @property
    def subscriptions(self) -> Subscriptions:
        return self.bot_data.service.subscriptions

    @property
    def delivery(self) -> Delivery:
        return self.bot_data.service.delivery

    @property
    def ingestion(self) -> Ingestion:
        return self.bot_data.service.ingestion

    @property
    def sender(self) -> Sender:
        return self.bot_data.sender


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)

BotApp = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]


def service_of(app: BotApp) -> BriefingService:
    """The service the Application was built with."""
    return app.bot_data.service


def sender_of(app: BotApp) -> Sender:
    """The Application's outbox sender."""
    return app.bot_data.sender
