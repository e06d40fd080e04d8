"""The production configuration that docs/deploy.md documents (finding 9).

- `check --deploy` with the documented environment (HTTPS behind nginx) reports
  nothing but the one check silenced with its reason (HSTS preload).
- HTTPS=off, the plain-http intranet mode, drops the Secure flag from the cookies so
  a browser on http:// sends them back and logins work; a refused form explains the
  cause when the cookies are Secure on a plain-http request.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from targets.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent

# The environment of docs/deploy.md ("Environment"), with a throwaway key.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "documented-production-configuration-test-key-0123456789",
    "ALLOWED_HOSTS": "kpi.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://kpi.example.gov.cn",
    "BEHIND_PROXY": "1",
    "DATABASE_URL": "postgres://kpitracker@127.0.0.1:5432/kpitracker",
    "MAIL_HOST": "smtp.example.gov.cn",
}


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def _settings(**env):
    code = (
        "import kpitracker.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
        " s.BEHIND_PROXY)"
    )
    result = _run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_in_the_documented_configuration():
    result = _run(["manage.py", "check", "--deploy"], **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (1 silenced)." in output, output


def test_https_is_the_production_default():
    assert _settings(**PRODUCTION) == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') True"
    )


def test_the_intranet_mode_serves_plain_http():
    settings = _settings(**{**PRODUCTION, "HTTPS": "off", "BEHIND_PROXY": "0"})
    assert settings == "False False False 0 None False"


def test_a_login_over_plain_http_works_with_csrf_checks(demo):
    """The test settings are the intranet mode (HTTPS=0): the cookie is not Secure."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    cookie = page.cookies["csrftoken"]
    assert not cookie["secure"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        "/accounts/login/",
        {"username": "leader", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_secure_cookies_on_plain_http_are_explained(demo, settings, lang):
    settings.CSRF_COOKIE_SECURE = True
    client = Client(enforce_csrf_checks=True)
    assert client.get("/accounts/login/").cookies["csrftoken"]["secure"]
    client.cookies.clear()  # what a browser does with a Secure cookie on http://
    response = client.post(
        "/accounts/login/", {"username": "leader", "password": "x"}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 403
    hint = {"zh-hans": "HTTPS=off", "en": "sets HTTPS=off"}[lang]
    assert hint in response.content.decode()
    assert "docs/deploy.md" in response.content.decode()
