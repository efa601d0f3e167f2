"""One customer's story: every step the engine took or refused for them, and why."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.channels import BY_NAME as CHANNEL_SPECS
from engine.channels import reason_texts
from engine.customers.phone import normalize_phone
from engine.delivery.rules import DECIDED_APART
from engine.journey.registry import REGISTRY, summarize
from engine.journey_store import StoreError
from engine.kinds import reason_texts as kind_reason_texts
from storage.models import Customer, Journey, JourneyVersion, OutboxMessage, StepLog

EVENT_TEXT = {
    "entered": "entered the journey",
    "entry_blocked": "did not enter",
    "waiting": "waits until {until}",
    "resumed": "moved on",
    "event": "did what the journey waited for",
    "goal": "reached the goal",
    "branch": "took the '{reason}' branch",
    "split": "was placed in group {reason}",
    "queued": "message prepared ({channel})",
    "sent": "message sent",
    "skipped": "message not sent",
    "deferred": "message delayed",
    "held": "message held for review",
    "released": "held message released by the owner",
    "cancelled": "message dropped by the owner",
    "failed": "failed",
    "action": "action done",
    "moved": "moved to the new version",
    "completed": "finished the journey",
    "exited": "left the journey",
}
EVENT_TEXT_KO = {
    "entered": "여정에 들어옴",
    "entry_blocked": "들어오지 않음",
    "waiting": "{until}까지 기다림",
    "resumed": "다음 단계로",
    "event": "기다리던 행동을 함",
    "goal": "목표 달성",
    "branch": "'{reason}' 쪽으로",
    "split": "{reason} 그룹에 배정",
    "queued": "메시지 준비 ({channel})",
    "sent": "메시지 보냄",
    "skipped": "메시지 보내지 않음",
    "deferred": "메시지 미룸",
    "held": "메시지 확인 대기",
    "released": "확인 대기 메시지를 보내기로 함",
    "cancelled": "메시지를 보내지 않기로 함",
    "failed": "실패",
    "action": "동작 실행",
    "moved": "새 버전으로 옮김",
    "completed": "여정 마침",
    "exited": "여정에서 나감",
}
REASON_TEXT = {
    "no_consent": "no consent for this channel",
    "no_address": "no phone number or email",
    "quiet_hours": "ads are not sent 21:00–08:00",
    "frequency_cap": "too many ads to this customer already",
    "late": "too late to send",
    "late_seen": "too late to send (the owner saw it)",
    "late_resent": "the owner chose to send it late",
    "ambiguous_send": "unclear whether it was sent before a crash",
    "released": "the owner chose to send it",
    "dropped_by_owner": "the owner chose not to send it",
    "late_moved": "moved to the same time the next day",
    "no_channel": "no way to send on this channel is set up",
    "send_retry": "the provider did not answer; trying again later",
    "exclusion": "already in another journey of the same group today",
    "reentry": "the journey does not let them in again yet",
    "render_error": "the message template has an error",
    "goal_reached": "reached the goal",
    "end_of_path": "end of the path",
    "exit_node": "exit",
    "node_removed": "their step was removed in a new version",
    "republished": "the journey was republished",
    "stale_data": "shop data not synced since {since}; waiting",
    "consent_reconfirmed": "ad consent re-confirmed ({consents})",
}

REASON_TEXT_KO = {
    "no_consent": "이 채널 수신 동의 없음",
    "no_address": "전화번호나 이메일 없음",
    "quiet_hours": "21:00~08:00에는 광고를 보내지 않음",
    "frequency_cap": "이 고객에게 보낸 광고가 이미 많음",
    "late": "너무 늦어서 보내지 않음",
    "late_seen": "너무 늦어서 보내지 않음 (확인함)",
    "late_resent": "가게 주인이 늦게라도 보내기로 함",
    "late_moved": "다음 날 같은 시각으로 옮김",
    "ambiguous_send": "오류로 보냈는지 확실하지 않음: 확인 필요",
    "released": "가게 주인이 보내기로 함",
    "dropped_by_owner": "가게 주인이 보내지 않기로 함",
    "no_channel": "이 채널로 보낼 방법이 설정되지 않음",
    "send_retry": "발송사가 응답하지 않아 다시 시도",
    "retry_after_crash": "중단 뒤 다시 보냄",
    "render_error": "메시지 문장에 오류",
    "exclusion": "오늘 같은 그룹의 다른 여정에 이미 들어감",
    "reentry": "아직 이 여정에 다시 들어올 수 없음",
    "goal_reached": "목표 달성",
    "end_of_path": "경로 끝",
    "exit_node": "종료",
    "node_removed": "새 버전에서 이 단계가 없어짐",
    "republished": "여정을 다시 게시함",
    "confirmed_after_crash": "중단 뒤 보낸 것을 확인함",
    "stale_data": "쇼핑몰 데이터가 {since} 이후 동기화되지 않아 보내지 않고 기다림",
    "consent_reconfirmed": "광고 수신 동의 재확인 안내함 ({consents})",
}

# each channel's own failure codes (an SMTP refusal…), from its module; each node kind's step-log
# reasons (a coupon issued, a tag added …), from its module (engine/kinds/)
for _code, (_ko, _en) in {**reason_texts(), **kind_reason_texts()}.items():
    REASON_TEXT_KO.setdefault(_code, _ko)
    REASON_TEXT.setdefault(_code, _en)


@dataclass(frozen=True)
class NodeRef:
    """The step a timeline entry happened at, as the canvas shows it (its title and one-line summary)."""

    kind: str
    label: str
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        spec = REGISTRY.get(self.kind)
        title = self.label or (spec.label(lang) if spec else self.kind)
        summary = summarize(self.kind, self.params, lang)
        if not summary or summary.startswith(title):  # "세그먼트 진입: 이탈 위험" already names its kind
            return summary or title
        return f"{title}: {summary}"

    def port(self, name: str, lang: str) -> str:
        """An output port's name in words ("yes" → "예")."""
        spec = REGISTRY.get(self.kind)
        for port in spec.outputs if spec else ():
            if port.name == name:
                return port.label_ko if lang == "ko" else port.label_en
        return name

    def has_port(self, name: str) -> bool:
        spec = REGISTRY.get(self.kind)
        return any(port.name == name for port in (spec.outputs if spec else ()))


# how a decision is named beside its time: "planned 03-04 11:02, skipped 03-11 11:00: too late to send"
DECISION_TEXT = {"skipped": "skipped", "deferred": "delayed", "held": "held", "failed": "failed"}
DECISION_TEXT_KO = {"skipped": "건너뜀", "deferred": "미룸", "held": "보류", "failed": "실패"}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    journey: str
    node_id: str | None
    event: str
    reason: str | None
    detail: dict[str, Any]
    node: NodeRef | None = None

    @property
    def planned(self) -> datetime:
        """When the step was meant to happen (a step run late is logged at this time)."""
        return _instant(self.detail.get("planned")) or self.at

    @property
    def decided(self) -> datetime:
        """When the engine made the call (a delivery decision is logged at this time)."""
        return _instant(self.detail.get("decided")) or self.at

    def decided_late(self) -> bool:
        """Whether planned and decided are far enough apart to tell both."""
        return self.decided - self.planned > DECIDED_APART

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "journey": self.journey, "node": self.node_id,
                "node_label": self.node.text("en") if self.node else None, "event": self.event,
                "reason": self.reason, "detail": self.detail, "planned": self.planned.isoformat(),
                "decided": self.decided.isoformat()}

    def text(self, zone: ZoneInfo, lang: str = "en") -> str:
        local = self.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        events, reasons = (EVENT_TEXT_KO, REASON_TEXT_KO) if lang == "ko" else (EVENT_TEXT, REASON_TEXT)
        values = _fmt(self.detail, zone)
        spec = CHANNEL_SPECS.get(str(values.get("channel") or ""))
        if spec is not None:  # the channel by its short name ("문자", "SMS"), from its module
            if spec.node is not None:
                values["channel"] = spec.node.short_ko if lang == "ko" else spec.node.short_en
            else:
                values["channel"] = spec.label_ko if lang == "ko" else spec.label_en
        reason = self.reason or ""
        if self.event in {"branch", "split"} and self.node is not None:
            reason = self.node.port(reason, lang)
        what = events.get(self.event, self.event).format(**{**values, "reason": reason})
        why = reasons.get(self.reason or "", self.reason or "") if self.event not in {"branch", "split"} else ""
        if self.reason in reasons:  # a reason's text may name a time from the detail ("since")
            why = why.format(**values)
        if self.event == "resumed" and self.node is not None and self.reason and self.node.has_port(self.reason):
            why = self.node.port(self.reason, lang)  # the way it left a wait ("시간 초과"), not a reason code's text
        if self.node is not None:
            node = f" [{self.node.text(lang)}]"
        else:
            node = f" [{self.node_id}]" if self.node_id else ""
        if self.decided_late():
            why = self._both_times(zone, lang) + (f": {why}" if why else "")
        return f"{local}  {self.journey}{node}: {what}" + (f" ({why})" if why else "")

    def _both_times(self, zone: ZoneInfo, lang: str) -> str:
        planned, decided = self.planned.astimezone(zone), self.decided.astimezone(zone)
        shape = "%m-%d %H:%M" if planned.year == decided.year else "%Y-%m-%d %H:%M"
        if lang == "ko":
            verb = DECISION_TEXT_KO.get(self.event, "결정")
            return f"예정 {planned.strftime(shape)}, {decided.strftime(shape)}에 {verb}"
        verb = DECISION_TEXT.get(self.event, "decided")
        return f"planned {planned.strftime(shape)}, {verb} {decided.strftime(shape)}"


def _fmt(detail: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    result = {"until": "", "since": "", "channel": "", "code": "", "tag": "", "field": "", **detail}
    for key in ("until", "since"):
        if result.get(key):
            with contextlib.suppress(ValueError):
                result[key] = datetime.fromisoformat(str(result[key])).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return result


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def find_customer(session: Session, ref: str) -> Customer:
    """A customer by id, phone number, email, shop member id or name.

    Several customers with that name: a StoreError ("ambiguous") listing them by id, each with the last
    four digits of the phone number to tell them apart.
    """
    ref = ref.strip()
    conditions = [Customer.email == ref, Customer.external_id == ref]
    if ref.isdigit() and len(ref) < 9:
        conditions.append(Customer.id == int(ref))
    phone = normalize_phone(ref)
    if phone:
        conditions.append(Customer.phone == phone)
    matches = list(session.scalars(select(Customer).where(or_(*conditions)).limit(2)))
    if not matches and ref:
        matches = list(session.scalars(select(Customer).where(Customer.name == ref).order_by(Customer.id).limit(11)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise StoreError("not_found", f"no customer '{ref}' (give a name, id, phone number, email or member id)")
    if all(match.name == ref for match in matches):
        shown = ", ".join(f"#{match.id}" + (f" (…{match.phone[-4:]})" if match.phone else "")
                          for match in matches[:10])
        more = ", …" if len(matches) > 10 else ""
        raise StoreError("ambiguous", f"{len(matches) if not more else 'more than 10'} customers are called "
                                      f"'{ref}': {shown}{more}; give the customer id")
    raise StoreError("ambiguous", f"'{ref}' matches more than one customer; give the customer id")


def timeline(session: Session, customer_id: int) -> list[TimelineEntry]:
    """The customer's story: the step log, and each message sent (told by its outbox row, which records
    the send: a second row in the step log would cost a random page write per message)."""
    names = {row[0]: row[1] for row in session.execute(select(Journey.id, Journey.name))}
    logs = list(session.scalars(select(StepLog).where(StepLog.customer_id == customer_id)))
    nodes = _Nodes(session)
    entries = [(row.at, 0, row.id, TimelineEntry(row.at, names.get(row.journey_id or "", "-"), row.node_id,
                                                 row.event, row.reason, dict(row.detail or {}),
                                                 nodes.find(row.journey_id, row.version_id, row.node_id)))
               for row in logs]
    # sends logged as steps (before this was so, and a send confirmed after a crash) are not told twice
    logged = Counter((row.enrollment_id, row.node_id) for row in logs if row.event == "sent")
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id,
                                                                OutboxMessage.status == "sent")
                                   .order_by(OutboxMessage.id)):
        if logged[(message.enrollment_id, message.node_id)] > 0:
            logged[(message.enrollment_id, message.node_id)] -= 1
            continue
        at = message.sent_at or message.not_before
        entries.append((at, 1, message.id, TimelineEntry(at, names.get(message.journey_id or "", "-"),
                                                          message.node_id, "sent", None,
                                                          {"channel": message.channel},
                                                          nodes.find(message.journey_id, None, message.node_id))))
    return [entry for *_, entry in sorted(entries, key=lambda item: item[:3])]


class _Nodes:
    """The nodes of the journey versions a customer's story mentions, read once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_version: dict[int, dict[str, NodeRef]] = {}
        self.by_journey: dict[str, dict[str, NodeRef]] = {}

    def find(self, journey_id: str | None, version_id: int | None, node_id: str | None) -> NodeRef | None:
        if not node_id:
            return None
        if version_id is not None:
            if version_id not in self.by_version:
                graph = self.session.scalar(select(JourneyVersion.graph).where(JourneyVersion.id == version_id))
                self.by_version[version_id] = _refs(graph)
            if node_id in self.by_version[version_id]:
                return self.by_version[version_id][node_id]
        if not journey_id:
            return None
        if journey_id not in self.by_journey:  # no version known: every version, newest last, then the draft
            found: dict[str, NodeRef] = {}
            for graph in self.session.scalars(select(JourneyVersion.graph).where(JourneyVersion.journey_id == journey_id)
                                              .order_by(JourneyVersion.version)):
                found.update(_refs(graph))
            draft = self.session.scalar(select(Journey.draft).where(Journey.id == journey_id))
            self.by_journey[journey_id] = {**_refs(draft), **found}
        return self.by_journey[journey_id].get(node_id)


def _refs(graph: Any) -> dict[str, NodeRef]:
    refs: dict[str, NodeRef] = {}
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and isinstance(node.get("id"), str) and isinstance(node.get("kind"), str):
            params = node.get("params")
            refs[node["id"]] = NodeRef(node["kind"], str(node.get("label") or ""),
                                       dict(params) if isinstance(params, dict) else {})
    return refs


def messages(session: Session, customer_id: int) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.customer_id == customer_id).order_by(OutboxMessage.created_at)
    ))
