"""Sending one notice on its channel; an exception means "not sent, try again".

Group robots, each configured by settings alone (settings.KPI_ROBOTS):
- WeCom (企业微信): the key is in the webhook URL; no signature.
- DingTalk (钉钉): with a secret, `timestamp` (ms) and `sign` =
  base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")) are added to the URL.
- Feishu (飞书): with a secret, `timestamp` (s) and `sign` =
  base64(HMAC-SHA256(key="timestamp\\nsecret", msg="")) go in the JSON body.
Each answers HTTP 200 with a JSON code (errcode / code) of 0 when it took the message.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.request
from urllib.parse import quote_plus

from django.conf import settings
from django.core.mail import EmailMessage

from .models import Notice

TIMEOUT = 10  # seconds for one robot call


class NotSent(Exception):
    """The channel refused or could not be reached: try again later."""


def send(notice):
    if notice.channel == Notice.Channel.EMAIL:
        return _email(notice)
    robot = settings.KPI_ROBOTS[notice.channel]
    return ROBOTS[notice.channel](notice, robot["url"], robot.get("secret", ""))


def text_of(notice):
    """The text a robot posts: subject, body, link, and the notice's key (which lets a
    reader, or a bot, tell a repeat from a new notice)."""
    lines = [notice.subject, notice.body, _absolute(notice.link), f"#{notice.key}"]
    return "\n".join(line for line in lines if line)


def _absolute(link):
    return settings.KPI_SITE_URL.rstrip("/") + link if link else ""


def _email(notice):
    message = EmailMessage(
        subject=notice.subject,
        body="\n\n".join(p for p in (notice.body, _absolute(notice.link)) if p),
        to=[notice.recipient.email],
        # The same Message-ID however often it is sent: mail systems drop a repeat.
        headers={"Message-ID": f"<{notice.key}@kpitracker>"},
    )
    message.send()


def sign(secret, timestamp, *, feishu=False):
    """The signature of DingTalk (key = secret, message = "timestamp\\nsecret") or of
    Feishu (key = "timestamp\\nsecret", empty message), base64."""
    string = f"{timestamp}\n{secret}".encode()
    key, message = (string, b"") if feishu else (secret.encode(), string)
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def _post(url, payload, code_field):
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise NotSent(str(error)) from error
    if answer.get(code_field, 0) != 0:
        raise NotSent(f"{code_field} {answer.get(code_field)}: {answer}")


def _wecom(notice, url, secret):
    _post(url, {"msgtype": "text", "text": {"content": text_of(notice)}}, "errcode")


def _dingtalk(notice, url, secret):
    if secret:
        timestamp = str(int(time.time() * 1000))
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}timestamp={timestamp}&sign={quote_plus(sign(secret, timestamp))}"
    _post(url, {"msgtype": "text", "text": {"content": text_of(notice)}}, "errcode")


def _feishu(notice, url, secret):
    payload = {"msg_type": "text", "content": {"text": text_of(notice)}}
    if secret:
        timestamp = str(int(time.time()))
        payload = {"timestamp": timestamp, "sign": sign(secret, timestamp, feishu=True), **payload}
    _post(url, payload, "code")


ROBOTS = {
    Notice.Channel.WECOM: _wecom,
    Notice.Channel.DINGTALK: _dingtalk,
    Notice.Channel.FEISHU: _feishu,
}
