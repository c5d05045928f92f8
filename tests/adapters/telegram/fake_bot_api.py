"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for end-to-end tests of the Telegram adapter.

The real python-telegram-bot `Application` talks HTTP to it through `base_url`, exactly as it talks to
api.telegram.org or a self-hosted Bot API server. The fake queues updates that tests inject, records
every call the bot makes, and validates what Telegram validates (HTML entities, text length, callback
data size), answering 400 like Telegram does, so a rendering bug fails a test instead of a user's chat.
It can also answer 429 (flood control) or drop the connection for the next N calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64

# Telegram's HTML parse mode: the only tags it accepts, and the attributes each may carry.
ALLOWED_TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'|[^\s\"'<>]+))?)*)\s*>"
)
ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?")


class EntityParseError(ValueError):
    """What Telegram calls "can't parse entities"."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape(fragment: str, where: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(fragment):
        ch = fragment[i]
        if ch == "&":
            m = ENTITY.match(fragment, i)
            if not m:
                raise EntityParseError(f"Unsupported entity or unescaped '&' at byte offset {where + i}")
            name = m.group(1)
            if name in NAMED:
                out.append(NAMED[name])
            else:
                out.append(chr(int(name[2:], 16) if name.startswith("#x") else int(name[1:])))
            i = m.end()
            continue
        if ch == ">":
            raise EntityParseError(f"Unescaped '>' at byte offset {where + i}")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_html(text: str) -> str:
    """The plain text Telegram would show for `text` in HTML parse mode; raises like Telegram."""
    plain: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        lt = text.find("<", i)
        if lt < 0:
            plain.append(_unescape(text[i:], i))
            break
        plain.append(_unescape(text[i:lt], i))
        m = TAG.match(text, lt)
        if not m:
            raise EntityParseError(f"Unexpected '<' (unescaped) at byte offset {lt}")
        closing, name, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if name not in ALLOWED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {lt}')
        if closing:
            if attrs.strip():
                raise EntityParseError(f'Unexpected attributes in end tag "{name}" at byte offset {lt}')
            if not stack or stack[-1] != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {lt}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"'
                )
            stack.pop()
        else:
            for attr, value in ATTR.findall(attrs):
                if attr.lower() not in ALLOWED_TAGS[name]:
                    raise EntityParseError(
                        f'Unsupported attribute "{attr}" in tag "{name}" at byte offset {lt}'
                    )
                if name == "a" and value:
                    _unescape(value.strip("\"'"), lt)
            if name == "a" and "a" in stack:
                raise EntityParseError(f"Nested links are not allowed at byte offset {lt}")
            stack.append(name)
        i = m.end()
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(plain)


@dataclass
class Call:
    """One request the bot made: method name, decoded parameters, uploaded files, and our answer."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    ok: bool = True
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def plain(self) -> str:
        """The text as the user would read it (entities parsed)."""
        return parse_html(self.text) if self.params.get("parse_mode") == "HTML" else self.text

    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "max_connections"}


class FakeBotAPI:
    """An in-process Bot API: start it, point PTB's `base_url` at `base_url`, inject updates, read calls."""

    def __init__(
        self, token: str = "123456:TEST-fake-token-abcdef", username: str = "candidate_test_bot"
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": 900001,
            "is_bot": True,
            "first_name": "Candidate Assistant",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.chat_commands: dict[tuple[int, str], list[dict[str, Any]]] = {}
        """Menus set for one chat (scope `chat`), by (chat id, language code)."""
        self.webhook: dict[str, Any] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.admins: dict[tuple[int, int], str] = {}
        """(chat_id, user_id) -> "administrator" | "creator"; everyone else is a plain member."""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._changed = asyncio.Event()
        self._failures: list[tuple[str, int, set[str] | None]] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0
        self.chats: dict[int, dict[str, Any]] = {}

    # server lifecycle ------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> FakeBotAPI:
        """Listen on 127.0.0.1 (`port` 0: any free port; a given one to come up where a bot waits)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        self._closing = True
        self._new_update.set()  # release pending long polls now instead of at their timeout
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def base_url_at(self, port: int) -> str:
        """The base URL the fake will have once started on `port`."""
        return f"http://127.0.0.1:{port}/bot"

    # what tests inject -------------------------------------------------------------------------------
    def user(self, user_id: int, language_code: str = "fr") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
            "language_code": language_code,
        }

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        chat = {"id": chat_id, "type": chat_type}
        chat.update(
            {"title": f"Group {chat_id}"} if chat_type != "private" else {"first_name": f"User{chat_id}"}
        )
        self.chats[chat_id] = chat
        return chat

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self._new_update.set()
        return update_id

    def new_message(
        self,
        user_id: int,
        text: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
        language_code: str = "fr",
        **extra: Any,
    ) -> dict[str, Any]:
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/") and entities is None:
                command = text.split()[0]
                entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra)
        return message

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        """Inject a text message (a command if it starts with "/") as if `user_id` typed it."""
        return self.push("message", self.new_message(user_id, text, **kwargs))

    def mention(self, user_id: int, chat_id: int, text: str) -> int:
        """Inject a group message that mentions the bot with @username in front of `text`."""
        handle = "@" + self.bot_user["username"]
        entities = [{"type": "mention", "offset": 0, "length": utf16_len(handle)}]
        return self.push(
            "message",
            self.new_message(
                user_id, f"{handle} {text}", chat_id=chat_id, chat_type="group", entities=entities
            ),
        )

    def press(self, user_id: int, message: Call | dict[str, Any], data: str) -> int:
        """Inject a callback query: `user_id` pressed the button carrying `data` under a bot message."""
        msg = message.result if isinstance(message, Call) else message
        buttons = [
            b.get("callback_data")
            for row in (msg.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        assert data in buttons, f"no button {data!r} under that message: {buttons}"
        query = {
            "id": str(next(self._callback_ids)),
            "from": self.user(user_id),
            "chat_instance": "ci",
            "message": msg,
            "data": data,
        }
        return self.push("callback_query", query)

    def fail_next(
        self, count: int, status: int = 429, retry_after: int = 1, methods: set[str] | None = None
    ) -> None:
        """Answer the next `count` calls (of `methods`, default all but getUpdates) with an error.

        `status` 429 answers Telegram's flood control message; 0 drops the connection (a network error).
        """
        kind = "flood" if status == 429 else "disconnect" if status == 0 else str(status)
        self._failures.extend([(kind, retry_after, methods)] * count)

    # what tests read -----------------------------------------------------------------------------------
    def sent(
        self, method: str | None = "sendMessage", chat_id: int | None = None, ok: bool | None = True
    ) -> list[Call]:
        return [
            c
            for c in self.calls
            if (method is None or c.method == method)
            and (chat_id is None or c.chat_id == chat_id)
            and (ok is None or c.ok is ok)
        ]

    def rejected(self) -> list[Call]:
        return [c for c in self.calls if not c.ok and c.error and c.error.startswith("Bad Request")]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked after every call the bot makes)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"condition not met in {timeout}s; last calls: "
                    f"{[(c.method, c.text[:60]) for c in self.calls[-8:]]}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))

    async def wait_sent(
        self, count: int, method: str = "sendMessage", chat_id: int | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """Wait until at least `count` successful `method` calls were made (to `chat_id`)."""
        return await self.wait_for(
            lambda: (lambda s: s if len(s) >= count else None)(self.sent(method, chat_id)), timeout
        )

    async def deliver_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to the registered webhook, as Telegram does; returns the HTTP status."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with (
            ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as resp,
        ):
            return resp.status

    def next_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), kind: payload}

    # HTTP side ----------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        for key, value in list(params.items()):
            if key in JSON_FIELDS and isinstance(value, str):
                params[key] = json.loads(value)
            elif key in INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
                params[key] = int(value)
        return params, files

    def _take_failure(self, method: str) -> tuple[str, int] | None:
        for i, (kind, retry_after, methods) in enumerate(self._failures):
            if (methods is None and method != "getUpdates") or (methods is not None and method in methods):
                del self._failures[i]
                return kind, retry_after
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params, files = await self._params(request)
        call = Call(method, params, files)
        failure = self._take_failure(method)
        if failure is not None:
            kind, retry_after = failure
            call.ok = False
            call.error = kind
            self._record(call)
            if kind == "disconnect":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            if kind == "flood":
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                    status=429,
                )
            return web.json_response(
                {"ok": False, "error_code": int(kind), "description": "Injected error"}, status=int(kind)
            )
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            call.ok, call.error = False, "Not Found: method not found"
            self._record(call)
            return web.json_response({"ok": False, "error_code": 404, "description": call.error}, status=404)
        try:
            result = (
                await handler(params, files)
                if asyncio.iscoroutinefunction(handler)
                else handler(params, files)
            )
        except BadRequestError as exc:
            call.ok, call.error = False, f"Bad Request: {exc}"
            self._record(call)
            return web.json_response({"ok": False, "error_code": 400, "description": call.error}, status=400)
        call.result = result
        if method != "getUpdates" or result:
            self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    # validation ------------------------------------------------------------------------------------------
    def _check_text(self, text: Any, parse_mode: Any) -> None:
        if not isinstance(text, str):
            raise BadRequestError("message text is empty")
        plain = text
        if parse_mode == "HTML":
            try:
                plain = parse_html(text)
            except EntityParseError as exc:
                raise BadRequestError(f"can't parse entities: {exc}") from None
        elif parse_mode not in (None, ""):
            raise BadRequestError(f"unsupported parse_mode {parse_mode!r}")
        if not plain.strip():
            raise BadRequestError("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise BadRequestError("message is too long")

    def _check_markup(self, markup: Any) -> None:
        if not markup:
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise BadRequestError("BUTTON_TEXT_EMPTY")
                if "callback_data" in button:
                    size = len(button["callback_data"].encode("utf-8"))
                    if not 1 <= size <= MAX_CALLBACK_DATA:
                        raise BadRequestError("BUTTON_DATA_INVALID")

    def _chat_of(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise BadRequestError("chat not found")
        return self.chats.get(chat_id) or self.chat(chat_id)

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat_of(params)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    # Bot API methods --------------------------------------------------------------------------------------
    def api_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def api_getChatMember(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = self.admins.get((chat_id, user_id), "member")
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "U"},
        }
        if status == "administrator":  # Telegram sends the administrator's rights with the status
            rights = (
                "can_be_edited",
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            )
            member.update({r: r != "can_be_edited" for r in rights}, is_anonymous=False)
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    async def api_getUpdates(self, params: dict[str, Any], files: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                break
        return self._updates[:limit]

    def api_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        return self._message(params, text=params["text"])

    def api_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        message = self._existing(params)
        if message.get("text") == params["text"] and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            raise BadRequestError(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        message["text"] = params["text"]
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def api_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        self._check_markup(params.get("reply_markup"))
        message = self._existing(params)
        if message.get("reply_markup") == (params.get("reply_markup") or None):
            raise BadRequestError("message is not modified")
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        if key not in self.messages:
            raise BadRequestError("message to edit not found")
        return self.messages[key]  # type: ignore[index]

    def api_deleteMessage(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        if self.messages.pop((params.get("chat_id"), params.get("message_id")), None) is None:  # type: ignore[arg-type]
            raise BadRequestError("message to delete not found")
        return True

    def api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        if len(str(params.get("text", ""))) > 200:
            raise BadRequestError("MESSAGE_TOO_LONG")
        return True

    def api_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        if "document" not in files:
            raise BadRequestError("there is no document in the request")
        name, data = files["document"]
        if not data:
            raise BadRequestError("file must be non-empty")
        if params.get("caption"):
            self._check_text(params["caption"], params.get("parse_mode"))
        document = {
            "file_id": f"doc{len(self.calls)}",
            "file_unique_id": f"u{len(self.calls)}",
            "file_name": name,
            "file_size": len(data),
        }
        return self._message(params, document=document, caption=params.get("caption"))

    def api_sendChatAction(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        self._chat_of(params)
        return True

    def api_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise BadRequestError("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise BadRequestError("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        if scope and scope.get("type") == "chat":  # one chat's own menu
            self.chat_commands[(int(scope["chat_id"]), params.get("language_code") or "")] = commands
        else:
            self.commands[params.get("language_code") or ""] = commands
        return True

    def api_getMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(params.get("language_code") or "", [])

    def api_deleteMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        self.commands.pop(params.get("language_code") or "", None)
        return True

    def api_setWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BadRequestError("secret token contains unallowed characters")
        self.webhook = {"url": params.get("url"), "secret_token": secret}
        return True

    def api_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def api_getWebhookInfo(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def api_close(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        return True


class BadRequestError(Exception):
    """Answered as HTTP 400 "Bad Request: <message>"."""
