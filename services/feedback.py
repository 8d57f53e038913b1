"""Family feedback: one-time invitation tokens, and the answers they let a family give.

A token is signed, not stored: it carries the area, the month it was sent and a one-time number,
and nothing about the case or the family. Only the family's message holds it. The answer's id is
derived from the one-time number, so a token answers once; no record anywhere else holds that
number, so nothing joins the answer to the case it was sent from.

Paper questionnaires carry a short code instead, signed the same way (month, one-time number,
signature over those and the area). They are printed in stacks for no one in particular, and one
goes into each envelope, so not even the printing joins a code to a family.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

import jwt

from domain.case import Case
from domain.errors import InvalidValue, NotAllowedNow
from domain.feedback import FAMILY, FeedbackAnswer, Occasion, invitation_month
from services.application import KeyworkApplication
from services.commands import Command, Outcome, VersionConflict

AUDIENCE = "keywork-feedback"
ALGORITHM = "HS256"
ANSWER_NAMESPACE = uuid5(NAMESPACE_URL, "urn:keywork:feedback-answer")
# A token can be answered until this long after the end of the month it was sent in.
ANSWERABLE_DAYS = 120
PAPER_CODE_LENGTH = 20
ANSWERED = "this questionnaire has been answered: thank you"


@dataclass(frozen=True)
class Invitation:
    """What a valid token says: where and when it was sent, and its one-time number."""

    area: str
    month: str
    once: str

    @property
    def answer_id(self) -> UUID:
        return uuid5(ANSWER_NAMESPACE, self.once)


def closes_on(sent_on: date) -> date:
    """The day a questionnaire sent on `sent_on` closes: a time after its month's end."""
    following = date(sent_on.year + sent_on.month // 12, sent_on.month % 12 + 1, 1)
    return following + timedelta(days=ANSWERABLE_DAYS)


class FeedbackTokens:
    def __init__(self, signing_secret: str) -> None:
        # A key of its own, so that a bearer token is never a feedback token or the reverse.
        self._key = hmac.new(signing_secret.encode(), b"feedback tokens", hashlib.sha256).digest()

    def issue(self, area: str, sent_on: date) -> str:
        # No issue time: `exp` is reckoned from the month, so it tells no more than the month.
        expires = datetime.combine(closes_on(sent_on), time(), UTC)
        claims = {
            "aud": AUDIENCE,
            "area": area,
            "month": invitation_month(sent_on),
            "once": secrets.token_urlsafe(16),
            "exp": expires,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> Invitation:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                options={"require": ["aud", "area", "month", "once", "exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidValue("token", "in_time", "this questionnaire has closed") from None
        except jwt.PyJWTError:
            raise InvalidValue("token", "valid_token", "this is not a questionnaire link") from None
        return Invitation(str(claims["area"]), str(claims["month"]), str(claims["once"]))

    def paper_code(self, area: str, sent_on: date) -> str:
        """A code short enough to type from paper (20 characters): the month, a one-time
        number and a signature over both and the area."""
        month = sent_on.strftime("%y%m")
        once = _base32(secrets.token_bytes(5))
        raw = f"{month}{once}{self._paper_signature(area, month, once)}"
        return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))

    def read_paper_code(self, code: str, areas: list[str], today: date) -> Invitation:
        raw = re.sub(r"[\s-]", "", code).upper()
        month, once, signature = raw[:4], raw[4:12], raw[12:]
        if len(raw) == PAPER_CODE_LENGTH and month.isdigit() and 1 <= int(month[2:]) <= 12:
            for area in areas:
                if hmac.compare_digest(signature, self._paper_signature(area, month, once)):
                    sent = date(2000 + int(month[:2]), int(month[2:]), 1)
                    if closes_on(sent) < today:
                        raise InvalidValue("code", "in_time", "this questionnaire has closed")
                    return Invitation(area, invitation_month(sent), f"paper:{area}:{once}")
        raise InvalidValue("code", "valid_code", "this is not a questionnaire's code")

    def _paper_signature(self, area: str, month: str, once: str) -> str:
        signed = hmac.new(self._key, f"{area}|{month}|{once}".encode(), hashlib.sha256)
        return _base32(signed.digest()[:5])


def _base32(five_bytes: bytes) -> str:
    return base64.b32encode(five_bytes).decode()  # 8 characters, A-Z and 2-7


class FeedbackCommands(KeyworkApplication):
    def record_feedback_invitation(
        self, command: Command, case_id: UUID, *, occasion: Occasion, emailed: int, posted: int
    ) -> Outcome:
        """That a family was sent a questionnaire, by email or post, after a review or closure."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.record_feedback_invitation(
                stamp, occasion=occasion, emailed=emailed, posted=posted
            ),
        )

    def require_unanswered(self, invitation: Invitation) -> None:
        if any(True for _ in self.events.get(invitation.answer_id)):
            raise NotAllowedNow("token", "answered_once", ANSWERED)

    def give_feedback(self, invitation: Invitation, answers: dict[str, int]) -> None:
        """Records the answers; a second answer to the same invitation is refused."""
        try:
            self.create(
                Command(actor=FAMILY),
                lambda stamp: FeedbackAnswer.give(
                    stamp,
                    answer_id=invitation.answer_id,
                    area=invitation.area,
                    month=invitation.month,
                    answers=answers,
                ),
            )
        except VersionConflict:
            raise NotAllowedNow("token", "answered_once", ANSWERED) from None
