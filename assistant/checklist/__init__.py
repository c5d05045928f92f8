"""Personalised checklists: what a candidate must do, by when and why, from the knowledge base.

`build_checklist` walks a programme's eligibility rules, documents, requirements, steps and events
with a candidate `Profile`; `Questionnaire` builds that profile in a dialogue; renderers turn the
result into text, Markdown, JSON (`Checklist.model_dump(mode="json")`) or an iCalendar file. Every
channel lays out the one `checklist_view` (wording decided once: verdict, dates, past/overdue).
"""

from assistant.checklist.build import build_checklist
from assistant.checklist.ics import to_ics
from assistant.checklist.model import Checklist, ChecklistItem, MissingField
from assistant.checklist.profile import Profile, ProfileError, load_profile, parse_profile
from assistant.checklist.questionnaire import Questionnaire
from assistant.checklist.questionnaire import Step as QuestionnaireStep
from assistant.checklist.reminders import (
    ReminderTime,
    reminder_text,
    reminder_times,
    saved_profile,
    subscribe,
)
from assistant.checklist.render import render_markdown, render_text
from assistant.checklist.view import ChecklistView, ItemView, checklist_view

__all__ = [
    "Checklist",
    "ChecklistView",
    "ItemView",
    "ChecklistItem",
    "MissingField",
    "Profile",
    "ProfileError",
    "Questionnaire",
    "QuestionnaireStep",
    "ReminderTime",
    "build_checklist",
    "checklist_view",
    "load_profile",
    "parse_profile",
    "reminder_text",
    "reminder_times",
    "saved_profile",
    "subscribe",
    "render_markdown",
    "render_text",
    "to_ics",
]
