"""SMS: the contract's generic JSON gateway, Aliyun SMS and Tencent Cloud SMS.

``GOVWATCH_SMS_URL`` selects the provider:

* ``http(s)://host[:port]/path`` — the generic gateway: one ``POST`` per recipient, JSON body
  ``{"mobile": "13800000000", "text": "…", "id": "<outbox id>"}``; any 2xx = delivered. ``id`` is the
  idempotency key (a gateway that remembers it drops a repeat).
* ``aliyun://AccessKeyId:AccessKeySecret@dysmsapi.aliyuncs.com?sign_name=…&template_code=…[&region=cn-hangzhou]``
  — Aliyun ``SendSms`` (API 2017-05-25, RPC style, signature v1 HMAC-SHA1). The template must take the
  parameters ``${unit}``, ``${count}``, ``${due}``; ``OutId`` carries the outbox id.
* ``tencent://SecretId:SecretKey@sms.tencentcloudapi.com?sdk_app_id=…&sign_name=…&template_id=…&region=ap-guangzhou``
  — Tencent Cloud ``SendSms`` (API 2021-01-11, TC3-HMAC-SHA256). The template takes three positional
  parameters {1}=unit, {2}=count, {3}=due; ``SessionContext`` carries the outbox id.

Key and secret may be percent-encoded in the URL. Every client takes an ``httpx`` transport so that tests
can mock the provider at the transport only; the signing is the real one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx

from govwatch.errors import InputError

TIMEOUT = httpx.Timeout(15.0, connect=10.0)


@dataclass
class SmsResult:
    ok: bool
    answer: str
    #: A permanent refusal (bad number, unapproved template…): retrying will not help.
    permanent: bool = False


@dataclass
class SmsMessage:
    mobile: str
    text: str
    idempotency_key: str
    template_params: dict[str, str] = field(default_factory=dict)


class SmsClient:
    """Base class: ``send`` delivers one message to one mobile."""

    name = "sms"

    def __init__(self, transport: httpx.BaseTransport | None = None):
        self.transport = transport

    def _client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, timeout=TIMEOUT, follow_redirects=False)

    def send(self, msg: SmsMessage) -> SmsResult:  # pragma: no cover - abstract
        raise NotImplementedError


class GenericGatewayClient(SmsClient):
    """The contract's JSON gateway."""

    name = "gateway"

    def __init__(self, url: str, transport: httpx.BaseTransport | None = None):
        super().__init__(transport)
        self.url = url

    def send(self, msg: SmsMessage) -> SmsResult:
        body = {"mobile": msg.mobile, "text": msg.text, "id": msg.idempotency_key}
        with self._client() as client:
            resp = client.post(self.url, json=body)
        answer = f"HTTP {resp.status_code} {resp.text[:500]}".strip()
        return SmsResult(
            ok=200 <= resp.status_code < 300,
            answer=answer,
            permanent=resp.status_code in (400, 401, 403, 404, 422),
        )


# --- Aliyun -----------------------------------------------------------------------------------------


def aliyun_percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun's POP signature wants it: only ``A-Za-z0-9-_.~`` stay literal."""
    return quote(value, safe="-_.~")


def aliyun_string_to_sign(params: dict[str, str], method: str = "GET") -> str:
    canonical = "&".join(
        f"{aliyun_percent_encode(k)}={aliyun_percent_encode(v)}" for k, v in sorted(params.items())
    )
    return f"{method}&{aliyun_percent_encode('/')}&{aliyun_percent_encode(canonical)}"


def aliyun_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """Base64(HMAC-SHA1(secret + "&", StringToSign)) over every parameter but ``Signature``."""
    digest = hmac.new(
        (secret + "&").encode(), aliyun_string_to_sign(params, method).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsClient(SmsClient):
    name = "aliyun"
    version = "2017-05-25"

    def __init__(
        self,
        key_id: str,
        secret: str,
        host: str,
        sign_name: str,
        template_code: str,
        region: str = "cn-hangzhou",
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: uuid.uuid4().hex,
    ):
        super().__init__(transport)
        self.key_id, self.secret, self.host = key_id, secret, host
        self.sign_name, self.template_code, self.region = sign_name, template_code, region
        self.clock, self.nonce = clock, nonce

    def signed_params(self, msg: SmsMessage) -> dict[str, str]:
        params = {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON", "Version": self.version,
            "RegionId": self.region, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
            "SignatureNonce": self.nonce(),
            "Timestamp": datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": msg.mobile, "SignName": self.sign_name, "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(msg.template_params, ensure_ascii=False, separators=(",", ":")),
            "OutId": msg.idempotency_key,
        }  # fmt: skip
        params["Signature"] = aliyun_signature(params, self.secret, "POST")
        return params

    def send(self, msg: SmsMessage) -> SmsResult:
        params = self.signed_params(msg)
        body = "&".join(f"{aliyun_percent_encode(k)}={aliyun_percent_encode(v)}" for k, v in params.items())
        with self._client() as client:
            resp = client.post(
                f"https://{self.host}/", content=body.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
        answer = f"HTTP {resp.status_code} {resp.text[:500]}"
        try:
            data = resp.json()
        except ValueError:
            return SmsResult(False, answer)
        code = str(data.get("Code", ""))
        ok = resp.status_code == 200 and code == "OK"
        # Throttling and server-side errors are worth a retry; a refused template or number is not.
        permanent = not ok and code.startswith("isv.") and "BUSINESS_LIMIT_CONTROL" not in code
        return SmsResult(ok, answer, permanent)


# --- Tencent ----------------------------------------------------------------------------------------


def _hmac256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_canonical_request(
    payload: str,
    host: str,
    content_type: str = "application/json; charset=utf-8",
    method: str = "POST",
    uri: str = "/",
    query: str = "",
) -> str:
    headers = f"content-type:{content_type}\nhost:{host}\n"
    hashed = hashlib.sha256(payload.encode()).hexdigest()
    return f"{method}\n{uri}\n{query}\n{headers}\ncontent-type;host\n{hashed}"


def tc3_string_to_sign(canonical_request: str, timestamp: int, service: str) -> str:
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    hashed = hashlib.sha256(canonical_request.encode()).hexdigest()
    return f"TC3-HMAC-SHA256\n{timestamp}\n{day}/{service}/tc3_request\n{hashed}"


def tc3_signature(secret_key: str, string_to_sign: str, timestamp: int, service: str) -> str:
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    k = _hmac256(("TC3" + secret_key).encode(), day)
    k = _hmac256(k, service)
    k = _hmac256(k, "tc3_request")
    return hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_authorization(
    secret_id: str, secret_key: str, payload: str, host: str, timestamp: int, service: str
) -> str:
    """The ``Authorization`` header of Tencent Cloud API v3 for a JSON POST to ``/``."""
    canonical = tc3_canonical_request(payload, host)
    signature = tc3_signature(
        secret_key, tc3_string_to_sign(canonical, timestamp, service), timestamp, service
    )
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{day}/{service}/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class TencentSmsClient(SmsClient):
    name = "tencent"
    version = "2021-01-11"
    service = "sms"

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        host: str,
        sdk_app_id: str,
        sign_name: str,
        template_id: str,
        region: str = "ap-guangzhou",
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(transport)
        self.secret_id, self.secret_key, self.host = secret_id, secret_key, host
        self.sdk_app_id, self.sign_name, self.template_id, self.region = (
            sdk_app_id,
            sign_name,
            template_id,
            region,
        )
        self.clock = clock

    def request(self, msg: SmsMessage) -> tuple[dict[str, str], str]:
        mobile = msg.mobile if msg.mobile.startswith("+") else "+86" + msg.mobile
        params = msg.template_params
        payload = json.dumps({
            "PhoneNumberSet": [mobile], "SmsSdkAppId": self.sdk_app_id, "SignName": self.sign_name,
            "TemplateId": self.template_id,
            "TemplateParamSet": [params.get("unit", ""), params.get("count", ""), params.get("due", "")],
            "SessionContext": msg.idempotency_key,
        }, ensure_ascii=False, separators=(",", ":"))  # fmt: skip
        ts = int(self.clock())
        headers = {
            "Authorization": tc3_authorization(
                self.secret_id, self.secret_key, payload, self.host, ts, self.service
            ),
            "Content-Type": "application/json; charset=utf-8",
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": self.version,
            "X-TC-Timestamp": str(ts),
            "X-TC-Region": self.region,
        }
        return headers, payload

    def send(self, msg: SmsMessage) -> SmsResult:
        headers, payload = self.request(msg)
        with self._client() as client:
            resp = client.post(f"https://{self.host}/", content=payload.encode(), headers=headers)
        answer = f"HTTP {resp.status_code} {resp.text[:500]}"
        try:
            data = resp.json().get("Response", {})
        except (ValueError, AttributeError):
            return SmsResult(False, answer)
        if "Error" in data:
            code = str(data["Error"].get("Code", ""))
            return SmsResult(False, answer, permanent=code.startswith(("AuthFailure", "InvalidParameter")))
        statuses = data.get("SendStatusSet") or []
        ok = resp.status_code == 200 and bool(statuses) and all(s.get("Code") == "Ok" for s in statuses)
        return SmsResult(ok, answer)


# --- configuration ----------------------------------------------------------------------------------


def _q(query: dict[str, list[str]], key: str, url_kind: str, required: bool = True, default: str = "") -> str:
    value = (query.get(key) or [default])[0]
    if required and not value:
        raise InputError(f"GOVWATCH_SMS_URL ({url_kind}): missing query parameter `{key}`")
    return value


def client_from_url(url: str, transport: httpx.BaseTransport | None = None) -> SmsClient:
    """The SMS client named by ``GOVWATCH_SMS_URL`` (see the module docstring for the shapes)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return GenericGatewayClient(url, transport)
    query = parse_qs(parts.query)
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if scheme == "aliyun":
        if not user or not password:
            raise InputError("GOVWATCH_SMS_URL (aliyun): needs AccessKeyId:AccessKeySecret@host")
        return AliyunSmsClient(
            user, password, parts.hostname or "dysmsapi.aliyuncs.com",
            _q(query, "sign_name", "aliyun"), _q(query, "template_code", "aliyun"),
            region=_q(query, "region", "aliyun", False, "cn-hangzhou"), transport=transport,
        )  # fmt: skip
    if scheme == "tencent":
        if not user or not password:
            raise InputError("GOVWATCH_SMS_URL (tencent): needs SecretId:SecretKey@host")
        return TencentSmsClient(
            user, password, parts.hostname or "sms.tencentcloudapi.com",
            _q(query, "sdk_app_id", "tencent"), _q(query, "sign_name", "tencent"),
            _q(query, "template_id", "tencent"), region=_q(query, "region", "tencent", False, "ap-guangzhou"),
            transport=transport,
        )  # fmt: skip
    raise InputError(
        f"GOVWATCH_SMS_URL: unknown scheme {parts.scheme!r} (expected http(s)://, aliyun:// or tencent://)"
    )


def describe(url: str) -> str:
    """The URL without its credentials, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def answer_summary(answer: Any) -> str:
    return str(answer)[:1000]
