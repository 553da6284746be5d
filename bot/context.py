"""The typed context handlers receive: services reach them through it, not through globals."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from briefings.config import Settings
from briefings.service.app import BriefingService

SERVICE_KEY = "service"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def service(self) -> BriefingService:
        service = self.application.bot_data[SERVICE_KEY]
        assert isinstance(service, BriefingService)
        return service

    @property
    def settings(self) -> Settings:
        return self.service.settings


CONTEXT_TYPES = ContextTypes(context=BotContext)

BotApp = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
