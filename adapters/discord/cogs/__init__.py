"""The Discord bot's features, one `commands.Cog` each: questions, checklist, reminders, moderation,
handovers to the admissions team, the live knowledge base."""

from adapters.discord.cogs.checklist import Checklist
from adapters.discord.cogs.handover import Handover
from adapters.discord.cogs.knowledge import Knowledge
from adapters.discord.cogs.moderation import Moderation
from adapters.discord.cogs.questions import Questions
from adapters.discord.cogs.reminders import Reminders

COGS = (Questions, Checklist, Reminders, Moderation, Handover, Knowledge)

__all__ = ["COGS", "Checklist", "Handover", "Knowledge", "Moderation", "Questions", "Reminders"]
