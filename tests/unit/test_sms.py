"""SMS providers: request signing against the providers' published worked examples, requests mocked at the
transport only (``httpx.MockTransport``), URL shapes, texts and segments. No network, no database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date
from urllib.parse import parse_qsl, quote

import httpx
import pytest

from govwatch.errors import InputError
from govwatch.masking import has_unmasked
from govwatch.notify import sms
from govwatch.notify.render import render, short_date, sms_segments


def test_aliyun_signature_matches_the_published_example():
    """Aliyun's RPC signature document (signature v1, HMAC-SHA1; e.g.
    https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism and the ECS 「签名机制」 page)
    works DescribeRegions with AccessKeyId ``testid``, AccessKeySecret ``testsecret``, nonce
    ``3ee8c1b8-…``, timestamp 2016-02-23T12:46:24Z and publishes this StringToSign and the signature
    ``OLeaidS1JvxuMvnyHOwuJ+uX5qY=``. (The search corpus held the vector as quoted by many independent
    implementations of that page; the values agree among all of them.)"""
    params = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
    }  # fmt: skip
    assert sms.aliyun_string_to_sign(params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )
    assert sms.aliyun_signature(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_aliyun_percent_encoding_rules():
    # Only A-Z a-z 0-9 - _ . ~ stay literal; space is %20 (not +), * is %2A, ~ stays, UTF-8 bytes.
    assert sms.aliyun_percent_encode("a b*c~d/e+f") == "a%20b%2Ac~d%2Fe%2Bf"
    assert sms.aliyun_percent_encode("阿里") == "%E9%98%BF%E9%87%8C"


def test_tencent_tc3_matches_the_published_cvm_example():
    """Tencent Cloud API 3.0 「签名方法 v3」 (TC3-HMAC-SHA256) works CVM DescribeInstances in ap-guangzhou
    at timestamp 1551113065 with the payload below and SecretKey ``Gu5t9xGARNpq86cd98joQYCN3*******``
    (the document masks the key with these literal asterisks and signs with them), publishing the
    hashed payload, the StringToSign and the signature 2230eefd…652c. The corpus held this vector as
    quoted by independent implementations of that document; they agree."""
    payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    canonical = sms.tc3_canonical_request(payload, "cvm.tencentcloudapi.com")
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
        "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    to_sign = sms.tc3_string_to_sign(canonical, 1551113065, "cvm")
    assert to_sign == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    secret = "Gu5t9xGARNpq86cd98joQYCN3*******"
    assert sms.tc3_signature(secret, to_sign, 1551113065, "cvm") == (
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )
    auth = sms.tc3_authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", secret, payload,
                                 "cvm.tencentcloudapi.com", 1551113065, "cvm")  # fmt: skip
    assert auth == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )


MSG = sms.SmsMessage(
    mobile="13800000000", text="赣州市水利局：2项网站检查整改事项已逾期（期限11月20日），请立即整改并报送结果。",
    idempotency_key="42", template_params={"unit": "赣州市水利局", "count": "2", "due": "11月20日"},
)  # fmt: skip


def test_aliyun_send_sms_request_is_signed_and_carries_out_id():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Code": "OK", "Message": "OK", "BizId": "9006197469364984^0",
                                         "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"})  # fmt: skip

    client = sms.client_from_url(
        "aliyun://LTAIkey:s%2Fecret@dysmsapi.aliyuncs.com?sign_name=政务公开办&template_code=SMS_123",
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    assert isinstance(client, sms.AliyunSmsClient) and client.secret == "s/ecret"
    res = client.send(MSG)
    assert res.ok and "BizId" in res.answer
    req = seen[0]
    assert req.method == "POST" and req.url.host == "dysmsapi.aliyuncs.com" and req.url.scheme == "https"
    params = dict(parse_qsl(req.content.decode(), keep_blank_values=True))
    assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
    assert params["PhoneNumbers"] == "13800000000" and params["OutId"] == "42"
    assert params["SignName"] == "政务公开办" and params["TemplateCode"] == "SMS_123"
    assert json.loads(params["TemplateParam"]) == {"unit": "赣州市水利局", "count": "2", "due": "11月20日"}
    # Verify the signature as Aliyun does, independently of the code under test.
    signature = params.pop("Signature")
    enc = lambda s: quote(s, safe="-_.~")  # noqa: E731
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    expected = base64.b64encode(
        hmac.new(b"s/ecret&", f"POST&%2F&{enc(canonical)}".encode(), hashlib.sha1).digest()
    ).decode()
    assert signature == expected


def test_aliyun_refusal_is_not_delivered():
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, json={"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
    )
    client = sms.AliyunSmsClient("k", "s", "dysmsapi.aliyuncs.com", "签名", "SMS_1", transport=transport)
    res = client.send(MSG)
    assert not res.ok and res.permanent
    throttled = httpx.MockTransport(
        lambda r: httpx.Response(200, json={"Code": "isv.BUSINESS_LIMIT_CONTROL"})
    )
    res = sms.AliyunSmsClient("k", "s", "h", "签名", "SMS_1", transport=throttled).send(MSG)
    assert not res.ok and not res.permanent


def test_tencent_send_sms_request_is_signed_and_carries_session_context():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Response": {"SendStatusSet": [
            {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613800000000", "Fee": 1,
             "SessionContext": "42", "Code": "Ok", "Message": "send success"}], "RequestId": "a0aabda6"}})  # fmt: skip

    client = sms.client_from_url(
        "tencent://AKIDtest:secretkey@sms.tencentcloudapi.com?sdk_app_id=1400006666&sign_name=政务公开办"
        "&template_id=1110&region=ap-guangzhou",
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    assert isinstance(client, sms.TencentSmsClient)
    client.clock = lambda: 1764000000.0
    res = client.send(MSG)
    assert res.ok
    req = seen[0]
    assert req.headers["X-TC-Action"] == "SendSms" and req.headers["X-TC-Version"] == "2021-01-11"
    assert req.headers["X-TC-Region"] == "ap-guangzhou" and req.headers["X-TC-Timestamp"] == "1764000000"
    body = json.loads(req.content)
    assert body["PhoneNumberSet"] == ["+8613800000000"] and body["SessionContext"] == "42"
    assert (
        body["TemplateParamSet"] == ["赣州市水利局", "2", "11月20日"] and body["SmsSdkAppId"] == "1400006666"
    )
    # Recompute the TC3 signature from what was actually sent.
    canonical = (
        f"POST\n/\n\ncontent-type:{req.headers['Content-Type']}\nhost:sms.tencentcloudapi.com\n\n"
        f"content-type;host\n{hashlib.sha256(req.content).hexdigest()}"
    )
    day = "2025-11-24"
    to_sign = (f"TC3-HMAC-SHA256\n1764000000\n{day}/sms/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")  # fmt: skip
    k = hmac.new(b"TC3secretkey", day.encode(), hashlib.sha256).digest()
    k = hmac.new(k, b"sms", hashlib.sha256).digest()
    k = hmac.new(k, b"tc3_request", hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    assert req.headers["Authorization"] == (
        f"TC3-HMAC-SHA256 Credential=AKIDtest/{day}/sms/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    )


def test_tencent_error_answers_are_failures():
    err = httpx.MockTransport(lambda r: httpx.Response(200, json={"Response": {
        "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}, "RequestId": "x"}}))  # fmt: skip
    res = sms.TencentSmsClient("i", "k", "sms.tencentcloudapi.com", "1", "s", "2", transport=err).send(MSG)
    assert not res.ok and res.permanent
    partial = httpx.MockTransport(lambda r: httpx.Response(200, json={"Response": {"SendStatusSet": [
        {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "limit"}], "RequestId": "y"}}))  # fmt: skip
    res = sms.TencentSmsClient("i", "k", "sms.tencentcloudapi.com", "1", "s", "2", transport=partial).send(
        MSG
    )
    assert not res.ok and not res.permanent


def test_generic_gateway_and_url_errors():
    got: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        got.append(json.loads(request.content))
        return httpx.Response(202)

    client = sms.client_from_url("http://127.0.0.1:9/send", transport=httpx.MockTransport(handler))
    assert client.send(MSG).ok
    assert got == [{"mobile": "13800000000", "text": MSG.text, "id": "42"}]
    with pytest.raises(InputError, match="template_code"):
        sms.client_from_url("aliyun://k:s@dysmsapi.aliyuncs.com?sign_name=x")
    with pytest.raises(InputError, match="unknown scheme"):
        sms.client_from_url("ftp://x")
    with pytest.raises(InputError, match="SecretId:SecretKey"):
        sms.client_from_url("tencent://sms.tencentcloudapi.com?sdk_app_id=1&sign_name=s&template_id=2")
    assert sms.describe("aliyun://key:secret@dysmsapi.aliyuncs.com?x=1") == "aliyun://dysmsapi.aliyuncs.com"


@pytest.mark.parametrize("kind", ["reminder", "due", "overdue"])
def test_sms_texts_fit_one_segment_name_unit_count_due_and_carry_no_personal_data(kind: str):
    unit = "赣州市南康区市场监督管理局"  # a long, real-shaped unit name (13 characters)
    text = render(f"sms/{kind}.txt.j2", unit=unit, count=12, due=short_date(date(2026, 12, 31)))
    assert len(text) <= 70 and sms_segments(text) == 1
    assert unit in text and "12项" in text and "12月31日" in text
    assert not has_unmasked(text)


def test_escalation_text_and_segments():
    text = render("sms/escalation.txt.j2", unit="赣州市人民政府办公室", child="赣州市水利局", n_units=2, count=5,
                  days=3, due=short_date(date(2026, 11, 20)))  # fmt: skip
    assert "赣州市水利局等2个单位5项" in text and "11月20日" in text and len(text) <= 70
    assert sms_segments("字" * 70) == 1 and sms_segments("字" * 71) == 2 and sms_segments("字" * 135) == 3


def test_render_masks_personal_data_that_slips_into_a_text():
    text = render("sms/due.txt.j2", unit="某单位 360702199001011234 13912345678", count=1, due="1月2日")
    assert "360702199001011234" not in text and "13912345678" not in text and not has_unmasked(text)
