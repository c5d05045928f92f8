"""A fake Discord (REST + gateway) on 127.0.0.1, good enough for a real discord.py client.

Why: the adapter must be proven against the wire protocol discord.py really speaks (login, gateway
handshake with zlib-stream compression, interactions, webhooks, 429 handling), not against mocks of
discord.py objects. The fake enforces the message limits and error shapes Discord documents, records
every REST call for assertions, and can inject rate limits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
MANAGE_MESSAGES = 1 << 13
SEND_MESSAGES = 1 << 11
VIEW_CHANNEL = 1 << 10
READ_HISTORY = 1 << 16
EVERYONE_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_HISTORY

# Discord's documented limits (https://discord.com/developers/docs/resources/message#create-message)
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_ITEMS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    status: int = 0
    response: Any = None


@dataclass
class RateLimitRule:
    method: str
    pattern: re.Pattern[str]
    times: int
    retry_after: float
    is_global: bool


@dataclass
class Interaction:
    id: str
    token: str
    payload: dict[str, Any]
    responded: bool = False
    response_type: int | None = None
    original: dict[str, Any] | None = None
    autocomplete: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    """The form the bot opened in answer (response type 9)."""


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with Discord's exact content type (discord.py compares it verbatim)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return json_response(body, status=status)


def _length_error(limit: int) -> dict[str, Any]:
    return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]}


def validate_message(
    payload: dict[str, Any], files: list[tuple[str, str, bytes]], *, edit: bool = False
) -> dict:
    """Return Discord's `errors` object for an invalid message payload ({} when valid)."""
    errors: dict[str, Any] = {}
    content = payload.get("content")
    if isinstance(content, str) and len(content) > CONTENT_MAX:
        errors["content"] = _length_error(CONTENT_MAX)
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        errors["embeds"] = _length_error(EMBEDS_MAX)
    for i, embed in enumerate(embeds):
        e_err: dict[str, Any] = {}
        total = 0
        for key, limit in (("title", EMBED_TITLE_MAX), ("description", EMBED_DESCRIPTION_MAX)):
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limit:
                e_err[key] = _length_error(limit)
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > EMBED_FOOTER_MAX:
            e_err["footer"] = {"text": _length_error(EMBED_FOOTER_MAX)}
        if len(author) > EMBED_AUTHOR_MAX:
            e_err["author"] = {"name": _length_error(EMBED_AUTHOR_MAX)}
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            e_err["fields"] = _length_error(EMBED_FIELDS_MAX)
        for j, f in enumerate(fields):
            name, value = f.get("name") or "", f.get("value") or ""
            total += len(name) + len(value)
            f_err: dict[str, Any] = {}
            if not name or len(name) > EMBED_FIELD_NAME_MAX:
                f_err["name"] = _length_error(EMBED_FIELD_NAME_MAX)
            if not value or len(value) > EMBED_FIELD_VALUE_MAX:
                f_err["value"] = _length_error(EMBED_FIELD_VALUE_MAX)
            if f_err:
                e_err.setdefault("fields", {})[str(j)] = f_err
        if total > EMBED_TOTAL_MAX:
            e_err["_errors"] = [
                {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
            ]
        if e_err:
            errors.setdefault("embeds", {})[str(i)] = e_err
    rows = payload.get("components") or []
    if len(rows) > ACTION_ROWS_MAX:
        errors["components"] = _length_error(ACTION_ROWS_MAX)
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if not items or len(items) > ROW_ITEMS_MAX:
            errors.setdefault("components", {})[str(i)] = {"components": _length_error(ROW_ITEMS_MAX)}
        for j, item in enumerate(items):
            cid = item.get("custom_id")
            label = item.get("label") or ""
            i_err: dict[str, Any] = {}
            if cid is not None and len(cid) > CUSTOM_ID_MAX:
                i_err["custom_id"] = _length_error(CUSTOM_ID_MAX)
            if len(label) > BUTTON_LABEL_MAX:
                i_err["label"] = _length_error(BUTTON_LABEL_MAX)
            if i_err:
                errors.setdefault("components", {}).setdefault(str(i), {}).setdefault("components", {})[
                    str(j)
                ] = i_err
    empty = not content and not embeds and not files and not rows and not payload.get("attachments")
    if empty and not edit and not payload.get("poll"):
        errors["_empty"] = True
    return errors


NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


def _check_name(obj: dict[str, Any], chat_input: bool, errors: dict[str, Any]) -> None:
    names = [obj.get("name") or ""] + list((obj.get("name_localizations") or {}).values())
    for name in names:
        ok = NAME_RE.match(name) and name == name.lower() if chat_input else 1 <= len(name) <= 32
        if not ok:
            errors["name"] = {
                "_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME", "message": f"Invalid name {name!r}"}]
            }
    if chat_input:
        for desc in [obj.get("description") or ""] + list(
            (obj.get("description_localizations") or {}).values()
        ):
            if not 1 <= len(desc) <= 100:
                errors["description"] = _length_error(100)


def validate_commands(commands: list[dict[str, Any]]) -> dict[str, Any]:
    """Discord's checks on a bulk overwrite: names, descriptions, at most 100 slash commands."""
    errors: dict[str, Any] = {}
    if len([c for c in commands if c.get("type", 1) == 1]) > 100:
        errors["_errors"] = [{"code": "APPLICATION_COMMANDS_COUNT_EXCEEDED", "message": "Too many commands"}]
    for i, cmd in enumerate(commands):
        c_err: dict[str, Any] = {}
        _check_name(cmd, cmd.get("type", 1) == 1, c_err)
        for j, opt in enumerate(cmd.get("options") or []):
            o_err: dict[str, Any] = {}
            _check_name(opt, True, o_err)
            for k, sub in enumerate(opt.get("options") or []):
                s_err: dict[str, Any] = {}
                _check_name(sub, True, s_err)
                if s_err:
                    o_err.setdefault("options", {})[str(k)] = s_err
            if o_err:
                c_err.setdefault("options", {})[str(j)] = o_err
        if c_err:
            errors[str(i)] = c_err
    return errors


class FakeDiscord:
    """Start with `await fake.start()`; point discord.py at `fake.api_base` / `fake.gateway_url`."""

    def __init__(self) -> None:
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self.token = "fake-token." + "x" * 20
        self.app_id = self.new_id()
        self.bot_user = self.user_payload(self.app_id, "candidate-assistant", bot=True)
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {self.bot_user["id"]: self.bot_user}
        self.guilds: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.rate_limits: list[RateLimitRule] = []
        self.sockets: list[tuple[web.WebSocketResponse, Any]] = []
        self.identified = asyncio.Event()
        self.identify_payloads: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.gateway_queries: list[dict[str, str]] = []
        self.refused_intents = 0
        """Intent bits the application was not granted: IDENTIFY with any of them is closed with 4014."""
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- world building
    def new_id(self) -> str:
        return str(next(self._ids))

    def user_payload(self, uid: str, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": uid,
            "username": name,
            "discriminator": "0",
            "global_name": name,
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
            "flags": 0,
        }

    def add_user(self, name: str, *, bot: bool = False) -> dict[str, Any]:
        user = self.user_payload(self.new_id(), name, bot=bot)
        self.users[user["id"]] = user
        return user

    def add_guild(self, name: str = "Admissions") -> dict[str, Any]:
        gid = self.new_id()
        owner = self.add_user("owner")
        everyone = {
            "id": gid,
            "name": "@everyone",
            "permissions": str(EVERYONE_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        guild = {
            "id": gid,
            "name": name,
            "owner_id": owner["id"],
            "roles": [everyone],
            "channels": [],
            "members": [],
            "threads": [],
        }
        self.guilds[gid] = guild
        self.add_member(guild, owner)
        self.add_member(guild, self.bot_user)
        return guild

    def add_role(self, guild: dict[str, Any], name: str, permissions: int = 0) -> dict[str, Any]:
        role = {
            "id": self.new_id(),
            "name": name,
            "permissions": str(permissions),
            "position": len(guild["roles"]),
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }
        guild["roles"].append(role)
        return role

    def add_channel(self, guild: dict[str, Any], name: str) -> dict[str, Any]:
        channel = {
            "id": self.new_id(),
            "type": 0,
            "guild_id": guild["id"],
            "name": name,
            "position": len(guild["channels"]),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
        }
        guild["channels"].append(channel)
        self.channels[channel["id"]] = channel
        return channel

    def add_member(
        self, guild: dict[str, Any], user: dict[str, Any], roles: list[dict] | None = None
    ) -> dict:
        member = {
            "user": user,
            "roles": [r["id"] for r in roles or []],
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "nick": None,
            "flags": 0,
            "avatar": None,
            "pending": False,
        }
        guild["members"].append(member)
        return member

    def member_of(self, guild: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        return next(m for m in guild["members"] if m["user"]["id"] == user["id"])

    def permissions_of(self, guild: dict[str, Any], user: dict[str, Any]) -> int:
        if user["id"] == guild["owner_id"]:
            return (1 << 53) - 1
        member = self.member_of(guild, user)
        perms = 0
        for role in guild["roles"]:
            if role["id"] == guild["id"] or role["id"] in member["roles"]:
                perms |= int(role["permissions"])
        return perms

    def guild_create_payload(self, guild: dict[str, Any]) -> dict[str, Any]:
        return {
            **guild,
            "unavailable": False,
            "member_count": len(guild["members"]),
            "large": False,
            "emojis": [],
            "stickers": [],
            "features": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "afk_timeout": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "fr",
            "system_channel_id": None,
            "joined_at": _now(),
            "icon": None,
            "description": None,
            "nsfw_level": 0,
        }

    # ---------------------------------------------------------------- server lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (`port` 0: any free port; a given one to come up where a bot waits)."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws, _ in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        entry = (ws, compressor)
        await self._send(entry, {"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                op = data.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await self._send(entry, {"op": 11})
                elif op == 2:
                    self.identify_payloads.append(data["d"])
                    if data["d"].get("token") != self.token:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    if data["d"].get("intents", 0) & self.refused_intents:
                        await ws.close(code=4014, message=b"Disallowed intent(s).")
                        break
                    self.sockets.append(entry)
                    await self._dispatch_to(
                        entry,
                        "READY",
                        {
                            "v": 10,
                            "user": self.bot_user,
                            "session_id": "fake-session",
                            "resume_gateway_url": self.gateway_url,
                            "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
                            "application": {"id": self.app_id, "flags": 0},
                        },
                    )
                    for guild in self.guilds.values():
                        await self._dispatch_to(entry, "GUILD_CREATE", self.guild_create_payload(guild))
                    self.identified.set()
                elif op == 6:
                    self.sockets.append(entry)
                    await self._dispatch_to(entry, "RESUMED", {})
        finally:
            if entry in self.sockets:
                self.sockets.remove(entry)
        return ws

    async def _send(self, entry: tuple[web.WebSocketResponse, Any], payload: dict[str, Any]) -> None:
        ws, compressor = entry
        raw = json.dumps(payload)
        if compressor is None:
            await ws.send_str(raw)
        else:
            await ws.send_bytes(compressor.compress(raw.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))

    async def _dispatch_to(self, entry: tuple[web.WebSocketResponse, Any], event: str, data: dict) -> None:
        self._seq += 1
        await self._send(entry, {"op": 0, "t": event, "s": self._seq, "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        for entry in list(self.sockets):
            await self._dispatch_to(entry, event, data)

    # ---------------------------------------------------------------- what the tests "do" as users
    def _message_payload(self, channel_id: str, author: dict[str, Any], content: str, **extra: Any) -> dict:
        channel = self.channels.get(channel_id)
        msg: dict[str, Any] = {
            "id": self.new_id(),
            "channel_id": channel_id,
            "author": author,
            "content": content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if channel and channel.get("guild_id"):
            guild = self.guilds[channel["guild_id"]]
            msg["guild_id"] = guild["id"]
            member = next((m for m in guild["members"] if m["user"]["id"] == author["id"]), None)
            if member is not None:
                msg["member"] = {k: v for k, v in member.items() if k != "user"}
        msg.update(extra)
        return msg

    async def user_message(
        self, channel: dict[str, Any], author: dict[str, Any], content: str, **extra: Any
    ) -> dict[str, Any]:
        """A user posts in a channel: the message is stored and MESSAGE_CREATE dispatched."""
        mentions = [self.users[uid] for uid in re.findall(r"<@!?(\d+)>", content) if uid in self.users]
        roles = re.findall(r"<@&(\d+)>", content)
        everyone = "@everyone" in content or "@here" in content
        msg = self._message_payload(
            channel["id"],
            author,
            content,
            mentions=mentions,
            mention_roles=roles,
            mention_everyone=everyone,
            **extra,
        )
        self.messages[msg["id"]] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    def dm_channel(self, user: dict[str, Any]) -> dict[str, Any]:
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = {"id": self.new_id(), "type": 1, "recipients": [user], "last_message_id": None}
        self.channels[channel["id"]] = channel
        return channel

    def _interaction_base(
        self,
        itype: int,
        user: dict[str, Any],
        channel: dict[str, Any],
        data: dict[str, Any] | None,
        locale: str,
    ) -> Interaction:
        iid, token = self.new_id(), "itoken-" + self.new_id()
        payload: dict[str, Any] = {
            "id": iid,
            "application_id": self.app_id,
            "type": itype,
            "token": token,
            "version": 1,
            "channel_id": channel["id"],
            "locale": locale,
            "app_permissions": str((1 << 53) - 1),
            "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {},
        }
        if data is not None:
            payload["data"] = data
        if channel.get("guild_id"):
            guild = self.guilds[channel["guild_id"]]
            member = dict(self.member_of(guild, user))
            member["permissions"] = str(self.permissions_of(guild, user))
            payload.update(
                guild_id=guild["id"], member=member, guild_locale="fr", context=0, channel={**channel}
            )
        else:
            payload.update(user=user, context=1, channel={**channel})
        interaction = Interaction(iid, token, payload)
        self.interactions[token] = interaction
        return interaction

    async def slash(
        self,
        name: str,
        user: dict[str, Any],
        channel: dict[str, Any],
        options: list | None = None,
        *,
        locale: str = "en-US",
        resolved: dict | None = None,
    ) -> Interaction:
        """A user runs a slash command (`options` as Discord sends them, sub-commands nested)."""
        data: dict[str, Any] = {"id": self.new_id(), "name": name, "type": 1, "options": options or []}
        if resolved:
            data["resolved"] = resolved
        interaction = self._interaction_base(2, user, channel, data, locale)
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def autocomplete(
        self,
        name: str,
        user: dict[str, Any],
        channel: dict[str, Any],
        options: list,
        *,
        locale: str = "en-US",
    ) -> Interaction:
        data = {"id": self.new_id(), "name": name, "type": 1, "options": options}
        interaction = self._interaction_base(4, user, channel, data, locale)
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def message_command(
        self,
        name: str,
        user: dict[str, Any],
        channel: dict[str, Any],
        target: dict[str, Any],
        *,
        locale: str = "en-US",
    ) -> Interaction:
        data = {
            "id": self.new_id(),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        interaction = self._interaction_base(2, user, channel, data, locale)
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        user: dict[str, Any],
        *,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """A user presses a button (or picks `values` in a select menu) on a stored message."""
        channel = self.channels[message["channel_id"]]
        component_type = 2 if values is None else 3
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        interaction = self._interaction_base(3, user, channel, data, locale)
        interaction.payload["message"] = self.public(self.messages.get(message["id"], message))
        interaction.original = self.messages.get(message["id"])
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def submit_modal(
        self, opened: Interaction, values: dict[str, str], user: dict[str, Any], *, locale: str = "en-US"
    ) -> Interaction:
        """A user submits the form the bot opened in answer to `opened`: `values` by input custom id, sent
        as Discord sends them (each text input inside its label)."""
        modal = opened.modal
        assert modal is not None, "the bot opened no form"
        inputs = [
            (row.get("component") or {}).get("custom_id")
            or next(iter(row.get("components") or []), {}).get("custom_id")
            for row in modal.get("components") or []
        ]
        assert set(values) <= set(inputs), f"no such inputs: {set(values) - set(inputs)}"
        components = [
            {
                "type": 18,
                "id": i + 1,
                "component": {"type": 4, "id": i + 2, "custom_id": cid, "value": values.get(cid, "")},
            }
            for i, cid in enumerate(inputs)
        ]
        channel = self.channels[opened.payload["channel_id"]]
        data = {"custom_id": modal["custom_id"], "components": components}
        interaction = self._interaction_base(5, user, channel, data, locale)
        if "message" in opened.payload:
            interaction.payload["message"] = opened.payload["message"]
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    # ---------------------------------------------------------------- assertions helpers
    def rate_limit(
        self,
        method: str,
        path_regex: str,
        *,
        times: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
    ) -> None:
        """The next `times` matching requests get a 429 with Discord's headers and body."""
        self.rate_limits.append(RateLimitRule(method, re.compile(path_regex), times, retry_after, is_global))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked after every REST call); return its value."""

        async def _wait() -> Any:
            async with self._changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    await self._changed.wait()

        return await asyncio.wait_for(_wait(), timeout)

    async def wait_call(self, method: str, path_regex: str, timeout: float = 5.0, *, after: int = 0) -> Call:
        """Wait for a successful REST call matching `method` and `path_regex`, made after call index `after`."""
        pattern = re.compile(path_regex)

        def find() -> Call | None:
            for call in self.calls[after:]:
                if call.method == method and pattern.search(call.path) and call.status < 300:
                    return call
            return None

        return await self.wait_for(find, timeout)

    def find_calls(self, method: str, path_regex: str) -> list[Call]:
        pattern = re.compile(path_regex)
        return [c for c in self.calls if c.method == method and pattern.search(c.path)]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---------------------------------------------------------------- REST
    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]]]:
        files: list[tuple[str, str, bytes]] = []
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                raw = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(raw)
                else:
                    files.append((part.name or "", part.filename or "", bytes(raw)))  # type: ignore[union-attr]
            return payload, files
        raw = await request.read()
        if not raw:
            return None, files
        try:
            return json.loads(raw), files
        except ValueError:
            return raw.decode(errors="replace"), files

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        call = Call(request.method, path, dict(request.query), body, files)
        self.calls.append(call)
        try:
            if request.headers.get("Authorization") not in (f"Bot {self.token}", None) or (
                request.headers.get("Authorization") is None
                and not path.startswith(("/interactions", "/webhooks"))
            ):
                response = _error(401, 0, "401: Unauthorized")
            else:
                response = self._maybe_rate_limit(request.method, path) or await self._route(
                    request, path, body, files
                )
            call.status = response.status
            if isinstance(response, web.Response) and response.body is not None:
                call.response = json.loads(response.body) if response.status != 204 else None  # type: ignore[arg-type]
            return response
        finally:
            await self._notify()

    def _maybe_rate_limit(self, method: str, path: str) -> web.Response | None:
        for rule in self.rate_limits:
            if rule.times > 0 and rule.method == method and rule.pattern.search(path):
                rule.times -= 1
                reset = time.time() + rule.retry_after
                headers = {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{reset:.3f}",
                    "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
                    "X-RateLimit-Bucket": "fakebucket",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(max(1, round(rule.retry_after))),
                    "Via": "1.1 google",
                }
                if rule.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": rule.retry_after,
                    "global": rule.is_global,
                }
                return json_response(body, status=429, headers=headers)
        return None

    def _ok(self, data: Any, status: int = 200) -> web.Response:
        headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": "fakeok",
        }
        if data is None:
            return web.Response(status=204, headers=headers)
        return json_response(data, status=status, headers=headers)

    async def _route(self, request: web.Request, path: str, body: Any, files: list) -> web.Response:
        m = request.method
        parts = path.strip("/").split("/")
        if path == "/users/@me" and m == "GET":
            return self._ok(self.bot_user)
        if path == "/oauth2/applications/@me" and m == "GET":
            return self._ok(
                {
                    "id": self.app_id,
                    "name": "candidate-assistant",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": self.bot_user,
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "team": None,
                    "summary": "",
                    "rpc_origins": [],
                    "bot": self.bot_user,
                }
            )
        if path in ("/gateway", "/gateway/bot") and m == "GET":
            return self._ok(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            guild_id = parts[3] if len(parts) > 4 else None
            if m == "PUT":
                errors = validate_commands(body or [])
                if errors:
                    return _error(400, 50035, "Invalid Form Body", errors)
                stored = [
                    {
                        "description": "",
                        "options": [],
                        "default_member_permissions": None,
                        "nsfw": False,
                        **cmd,
                        "id": self.new_id(),
                        "application_id": self.app_id,
                        "version": self.new_id(),
                        **({"guild_id": guild_id} if guild_id else {}),
                    }
                    for cmd in body or []
                ]
                self.commands[guild_id] = stored
                return self._ok(stored)
            if m == "GET":
                return self._ok(self.commands.get(guild_id, []))
        if parts[0] == "interactions" and parts[-1] == "callback" and m == "POST":
            return self._interaction_callback(parts[2], body, files)
        if parts[0] == "webhooks":
            return self._webhook(m, parts, body, files, request.query)
        if re.fullmatch(r"/users/\d+", path) and m == "GET":
            user = self.users.get(parts[1])
            return self._ok(user) if user else _error(404, 10013, "Unknown User")
        if path == "/users/@me/channels" and m == "POST":
            user = self.users.get(str(body.get("recipient_id")))
            if user is None:
                return _error(400, 50007, "Cannot send messages to this user")
            return self._ok(self.dm_channel(user))
        if parts[0] == "channels":
            return self._channel(m, parts, body, files)
        return _error(404, 0, "404: Not Found")

    def _check_message(self, body: Any, files: list, *, edit: bool = False) -> web.Response | None:
        errors = validate_message(body or {}, files, edit=edit)
        ref = (body or {}).get("message_reference") or {}
        if ref and str(ref.get("message_id")) not in self.messages and ref.get("fail_if_not_exists", True):
            errors["message_reference"] = {
                "_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]
            }
        if errors.pop("_empty", False):
            return _error(400, 50006, "Cannot send an empty message")
        if errors:
            return _error(400, 50035, "Invalid Form Body", errors)
        return None

    def _store_message(
        self, channel_id: str, body: dict[str, Any], files: list, *, author: dict | None = None, **extra: Any
    ) -> dict[str, Any]:
        attachments = [
            {
                "id": self.new_id(),
                "filename": fn,
                "size": len(data),
                "url": f"{self.base_url}/f/{fn}",
                "proxy_url": f"{self.base_url}/f/{fn}",
                "content_type": "application/octet-stream",
            }
            for _, fn, data in files
        ]
        msg = self._message_payload(
            channel_id,
            author or self.bot_user,
            body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=attachments,
            flags=body.get("flags") or 0,
            **extra,
        )
        ref = body.get("message_reference")
        if ref:
            ref = {k: str(v) if k.endswith("_id") and v is not None else v for k, v in ref.items()}
            msg["message_reference"] = ref
            msg["type"] = 19
            if ref.get("message_id") in self.messages:
                msg["referenced_message"] = self.messages[ref["message_id"]]
        msg["_files"] = files
        msg["_allowed_mentions"] = body.get("allowed_mentions")
        self.messages[msg["id"]] = msg
        return msg

    @staticmethod
    def public(msg: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in msg.items() if not k.startswith("_")}

    def _edit_message(self, msg: dict[str, Any], body: dict[str, Any], files: list) -> dict[str, Any]:
        for key in ("content", "embeds", "components", "flags"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if files:
            msg["_files"] = files
        msg["edited_timestamp"] = _now()
        return msg

    def _channel(self, m: str, parts: list[str], body: Any, files: list) -> web.Response:
        channel_id = parts[1]
        if channel_id not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        if len(parts) == 3 and parts[2] == "messages" and m == "POST":
            bad = self._check_message(body, files)
            if bad:
                return bad
            return self._ok(self.public(self._store_message(channel_id, body, files)))
        if len(parts) == 3 and parts[2] == "typing" and m == "POST":
            return self._ok(None)
        if len(parts) == 3 and parts[2] == "messages" and m == "GET":  # channel history, newest first
            in_channel = [msg for msg in self.messages.values() if msg["channel_id"] == channel_id]
            in_channel.sort(key=lambda msg: int(msg["id"]), reverse=True)
            return self._ok([self.public(msg) for msg in in_channel[:100]])
        if len(parts) >= 4 and parts[2] == "messages":
            msg = self.messages.get(parts[3])
            if msg is None or msg["channel_id"] != channel_id:
                return _error(404, 10008, "Unknown Message")
            if len(parts) == 5 and parts[4] == "threads" and m == "POST":
                thread = {
                    "id": msg["id"],
                    "type": 11,
                    "guild_id": self.channels[channel_id].get("guild_id"),
                    "name": (body or {}).get("name", "thread"),
                    "parent_id": channel_id,
                    "owner_id": self.app_id,
                    "message_count": 0,
                    "member_count": 1,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": _now(),
                        "locked": False,
                    },
                    "rate_limit_per_user": 0,
                    "last_message_id": None,
                }
                self.channels[thread["id"]] = thread
                return self._ok(thread, 201)
            if len(parts) == 4 and m == "GET":
                return self._ok(self.public(msg))
            if len(parts) == 4 and m == "DELETE":
                del self.messages[msg["id"]]
                return self._ok(None)
            if len(parts) == 4 and m == "PATCH":
                if msg["author"]["id"] != self.app_id:
                    return _error(403, 50005, "Cannot edit a message authored by another user")
                bad = self._check_message(body, files, edit=True)
                if bad:
                    return bad
                return self._ok(self.public(self._edit_message(msg, body or {}, files)))
        return _error(404, 0, "404: Not Found")

    def _interaction_callback(self, token: str, body: Any, files: list) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None:
            return _error(404, 10062, "Unknown interaction")
        if interaction.responded:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        rtype = body["type"]
        data = body.get("data") or {}
        channel_id = interaction.payload["channel_id"]
        result: dict[str, Any] = {"interaction": {"id": interaction.id, "type": interaction.payload["type"]}}
        if rtype == 4:
            bad = self._check_message(data, files)
            if bad:
                return bad
            msg = self._store_message(channel_id, data, files, interaction_token=token)
            interaction.original = msg
            result["interaction"].update(
                response_message_id=msg["id"], response_message_ephemeral=bool((data.get("flags") or 0) & 64)
            )
            result["resource"] = {"type": 4, "message": self.public(msg)}
        elif rtype == 5:
            msg = self._store_message(
                channel_id, {"content": "", "flags": data.get("flags") or 0}, [], interaction_token=token
            )
            interaction.original = msg
            result["interaction"].update(
                response_message_id=msg["id"],
                response_message_loading=True,
                response_message_ephemeral=bool((data.get("flags") or 0) & 64),
            )
            result["resource"] = {"type": 5, "message": self.public(msg)}
        elif rtype == 7:
            source = interaction.payload.get("message")
            if source is None or source["id"] not in self.messages:
                return _error(400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "INVALID"}]}})
            bad = self._check_message(data, files, edit=True)
            if bad:
                return bad
            msg = self._edit_message(self.messages[source["id"]], data, files)
            result["resource"] = {"type": 7, "message": self.public(msg)}
        elif rtype == 8:
            choices = data.get("choices") or []
            if len(choices) > 25:
                return _error(400, 50035, "Invalid Form Body", {"data": {"choices": _length_error(25)}})
            interaction.autocomplete = choices
        elif rtype == 9:
            if not data.get("custom_id") or not data.get("title") or len(data["title"]) > 45:
                return _error(400, 50035, "Invalid Form Body", {"data": {"title": _length_error(45)}})
            interaction.modal = data
        elif rtype != 6:
            return _error(400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "INVALID"}]}})
        interaction.responded = True
        interaction.response_type = rtype
        return self._ok(result)

    def _webhook(self, m: str, parts: list[str], body: Any, files: list, query: Any) -> web.Response:
        token = parts[2] if len(parts) > 2 else ""
        interaction = self.interactions.get(token)
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        channel_id = interaction.payload["channel_id"]
        if len(parts) == 3 and m == "POST":
            bad = self._check_message(body, files)
            if bad:
                return bad
            msg = self._store_message(
                channel_id, body, files, interaction_token=token, webhook_id=self.app_id
            )
            return self._ok(self.public(msg))
        if len(parts) == 5 and parts[3] == "messages":
            msg = interaction.original if parts[4] == "@original" else self.messages.get(parts[4])
            if msg is None:
                return _error(404, 10008, "Unknown Message")
            if m == "GET":
                return self._ok(self.public(msg))
            if m == "DELETE":
                self.messages.pop(msg["id"], None)
                return self._ok(None)
            if m == "PATCH":
                bad = self._check_message(body, files, edit=True)
                if bad:
                    return bad
                return self._ok(self.public(self._edit_message(msg, body or {}, files)))
        return _error(404, 0, "404: Not Found")

    # ---------------------------------------------------------------- reading what the bot sent
    def bot_messages(self, channel: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages.values()
            if m["author"]["id"] == self.app_id and (channel is None or m["channel_id"] == channel["id"])
        ]


def _now() -> str:
    return datetime.now(UTC).isoformat()
