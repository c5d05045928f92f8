"""Personalised checklists: what a candidate must do, by when and why, from the knowledge base.

`build_checklist` walks a programme's eligibility rules, documents, requirements, steps and events
with a candidate `Profile`; `Questionnaire` builds that profile in a dialogue; renderers turn the
result into text, Markdown, JSON (`Checklist.model_dump(mode="json")`) or an iCalendar file. Every
channel lays out the one `checklist_view` (wording decided once: verdict, dates, past/overdue).
"""

_LAZY = {
    "Checklist": ("assistant.checklist.model", "Checklist"),
    "ChecklistItem": ("assistant.checklist.model", "ChecklistItem"),
    "ChecklistView": ("assistant.checklist.view", "ChecklistView"),
    "ItemView": ("assistant.checklist.view", "ItemView"),
    "MissingField": ("assistant.checklist.model", "MissingField"),
    "Profile": ("assistant.checklist.profile", "Profile"),
    "ProfileError": ("assistant.checklist.profile", "ProfileError"),
    "Questionnaire": ("assistant.checklist.questionnaire", "Questionnaire"),
    "QuestionnaireStep": ("assistant.checklist.questionnaire", "Step"),
    "ReminderTime": ("assistant.checklist.reminders", "ReminderTime"),
    "build_checklist": ("assistant.checklist.build", "build_checklist"),
    "checklist_view": ("assistant.checklist.view", "checklist_view"),
    "load_profile": ("assistant.checklist.profile", "load_profile"),
    "parse_profile": ("assistant.checklist.profile", "parse_profile"),
    "reminder_text": ("assistant.checklist.reminders", "reminder_text"),
    "reminder_times": ("assistant.checklist.reminders", "reminder_times"),
    "render_markdown": ("assistant.checklist.render", "render_markdown"),
    "render_text": ("assistant.checklist.render", "render_text"),
    "saved_profile": ("assistant.checklist.reminders", "saved_profile"),
    "subscribe": ("assistant.checklist.reminders", "subscribe"),
    "to_ics": ("assistant.checklist.ics", "to_ics"),
}
"""Name -> (module, attribute): the package's API, imported on first use so that reading a fact in a
chat message (assistant.checklist.parse) does not load the checklist builder, its renderers and .ics."""


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy attribute
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


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
