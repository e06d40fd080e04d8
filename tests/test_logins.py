"""Logins resist guessing (finding 3), password reset is gone (finding 8), sessions end
when idle.

django-axes counts failed logins per account and per address in the database (so
every app server sees the same counts): after LOGIN_FAILURE_LIMIT failures the
account, and the address, are refused for LOGIN_LOCKOUT_MINUTES — on the site's
login and the admin's alike — even with the right password.
"""

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from kpitracker import proxy
from kpitracker.middleware import RENEWED_AT
from targets.demo import DEMO_PASSWORD

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def _try(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _fail(client, url, username, times, **extra):
    for _ in range(times):
        response = _try(client, url, username, "wrong-password", **extra)
    return response


def test_the_threshold_is_deliberate():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_after_the_limit_even_the_right_password_is_refused(demo, url):
    client = Client()
    for attempt in range(1, LIMIT):
        response = _try(client, url, "admin", "wrong-password")
        assert response.status_code == 200, attempt  # the form again, with its error
    response = _try(client, url, "admin", "wrong-password")
    assert response.status_code == 429
    response = _try(client, url, "admin", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Thirty wrong passwords in a row, as the probe tried, leave the account locked.
    _fail(client, url, "admin", 30 - LIMIT - 1)
    assert _try(client, url, "admin", DEMO_PASSWORD).status_code == 429


def test_the_lockout_page_says_why_in_both_languages(demo):
    client = Client()
    _fail(client, LOGIN, "staff", LIMIT)
    zh = _try(client, LOGIN, "staff", "x").content.decode()
    assert "5 次登录失败" in zh and "15 分钟" in zh
    en = _try(client, LOGIN, "staff", "x", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5 failed logins" in en and "15 minutes" in en


def test_the_account_is_locked_from_any_address(demo):
    _fail(Client(), LOGIN, "staff", LIMIT, REMOTE_ADDR="10.0.0.1")
    response = _try(Client(), LOGIN, "staff", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(demo):
    for name in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        _try(Client(), LOGIN, name, "guess", REMOTE_ADDR="10.0.0.3")
    response = _try(Client(), LOGIN, "leader", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429
    response = _try(Client(), LOGIN, "leader", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 302  # another computer is not affected


def test_success_before_the_limit_starts_the_count_again(demo):
    client = Client()
    _fail(client, LOGIN, "reviewer", LIMIT - 1)
    assert _try(client, LOGIN, "reviewer", DEMO_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="reviewer").exists()


def test_failed_logins_are_logged_with_account_and_address(demo, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        _try(Client(), LOGIN, "leader", "wrong-password", REMOTE_ADDR="10.9.8.7")
    text = caplog.text
    assert "login failure" in text and "leader" in text and "10.9.8.7" in text


def test_behind_the_proxy_the_visitors_address_counts(demo, settings):
    """nginx sets X-Real-IP (BEHIND_PROXY=on): the lockout counts that address, not
    the proxy's 127.0.0.1 that every request comes from (the test client's address,
    one of the default TRUSTED_PROXIES)."""
    settings.BEHIND_PROXY = True
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _try(Client(), LOGIN, name, "guess", HTTP_X_REAL_IP="192.0.2.10")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.10").count() == LIMIT
    locked = _try(Client(), LOGIN, "leader", DEMO_PASSWORD, HTTP_X_REAL_IP="192.0.2.10")
    assert locked.status_code == 429
    other = _try(Client(), LOGIN, "leader", DEMO_PASSWORD, HTTP_X_REAL_IP="192.0.2.11")
    assert other.status_code == 302


# -- Behind a proxy, only the proxy is believed (issue 23) -----------------------


def test_a_spoofed_real_ip_from_a_non_proxy_address_is_ignored(demo, settings):
    """gunicorn reached directly (not from a TRUSTED_PROXIES address): rotating X-Real-IP
    does not evade the lockout, which counts the socket's address."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = proxy.networks(["10.0.0.0/8"])
    for number, name in enumerate(("a1", "a2", "a3", "a4", "a5"), start=1):
        _try(
            Client(),
            LOGIN,
            name,
            "guess",
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_REAL_IP=f"192.0.2.{number}",
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").count() == LIMIT
    assert not AccessAttempt.objects.filter(ip_address__startswith="192.0.2.").exists()
    rotated = _try(
        Client(),
        LOGIN,
        "leader",
        DEMO_PASSWORD,
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_REAL_IP="192.0.2.99",
    )
    assert rotated.status_code == 429


def test_a_spoofed_address_cannot_lock_out_another(demo, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = proxy.networks(["10.0.0.0/8"])
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _try(Client(), LOGIN, name, "guess", REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="192.0.2.50")
    # The visitor really at 192.0.2.50, through the proxy (a CIDR entry), signs in.
    through_proxy = _try(
        Client(),
        LOGIN,
        "leader",
        DEMO_PASSWORD,
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_REAL_IP="192.0.2.50",
    )
    assert through_proxy.status_code == 302


def test_forwarded_headers_count_only_from_a_trusted_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = proxy.networks(["127.0.0.1", "10.0.0.0/8"])
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as BEHIND_PROXY sets
    factory = RequestFactory()
    seen = []
    middleware = proxy.ForwardedHeadersMiddleware(lambda request: seen.append(request))
    for remote, expected in (("10.9.9.9", "192.0.2.7"), ("203.0.113.5", "203.0.113.5")):
        request = factory.get(
            "/", REMOTE_ADDR=remote, HTTP_X_REAL_IP="192.0.2.7", HTTP_X_FORWARDED_PROTO="https"
        )
        middleware(request)
        assert proxy.client_address(request) == expected
        assert request.is_secure() == (remote == "10.9.9.9")
    # Without BEHIND_PROXY nothing is a proxy; a bad X-Real-IP falls back to the socket.
    settings.BEHIND_PROXY = False
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.0.2.7")
    assert proxy.client_address(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-address")
    assert proxy.client_address(request) == "127.0.0.1"


def test_a_bad_trusted_proxy_entry_stops_the_start():
    with pytest.raises(ImproperlyConfigured):
        proxy.networks(["10.0.0.0/8", "nginx"])


def test_the_login_page_says_the_rule(demo):
    page = Client().get(LOGIN).content.decode()
    assert "连续 5 次登录失败后" in page and "请联系管理员" in page


# -- Password reset is gone; changing one's password stays ---------------------


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_password_reset_is_not_offered(personas, url):
    assert personas["anonymous"].get(url).status_code == 404
    assert personas["anonymous"].post(url, {"email": "admin@example.org"}).status_code == 404


def test_changing_ones_password_uses_the_sites_page_and_validators(personas):
    client = personas["staff"]
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    assert page.templates[0].name == "registration/password_change_form.html"
    weak = client.post(
        "/accounts/password_change/",
        {"old_password": "x", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    errors = weak.context["form"].errors
    assert "old_password" in errors and "new_password2" in errors


# -- Sessions -------------------------------------------------------------------


def test_sessions_end_after_a_working_day_without_use():
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_a_session_in_use_is_renewed_at_most_every_few_minutes(personas):
    client = personas["leader"]
    started = client.session[RENEWED_AT]
    client.get("/plans/2024/")
    assert client.session[RENEWED_AT] == started  # not renewed on every page
    session = client.session
    session[RENEWED_AT] = started - settings.SESSION_RENEW_SECONDS
    session.save()
    expiry_before = client.session.get_expiry_date()
    client.get("/plans/2024/")
    assert client.session[RENEWED_AT] >= started
    assert client.session.get_expiry_date() > expiry_before


def test_password_validators_are_on():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
