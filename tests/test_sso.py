"""Single sign-on end to end against real servers started here: OpenLDAP's slapd for
LDAP, and for OpenID Connect and CAS the small providers of tests/sso_servers.py,
each speaking its protocol over HTTP on loopback.

Each path: a first sign-in creates the account with the section (and role) its
groups map to; without a mapped group it waits for an administrator (the waiting
page); someone removed from the provider cannot sign in; an account of another
source is never taken over; logging out ends the session here and at the provider.
"""

import os
import shutil
import tempfile
from urllib.parse import urlsplit

import pytest
import requests
import slapdtest
from django.conf import settings
from django.test import Client, override_settings

from accounts.models import Section, User

from .sso_servers import CasProvider, OidcProvider

pytestmark = pytest.mark.django_db

MAPPINGS = {
    "SSO_GROUP_ROLES": {"kpi-leaders": "leader", "kpi-reviewers": "reviewer"},
    "SSO_GROUP_SECTIONS": {"kpi-talent": "demo-talent"},
}
PEOPLE = {
    "zhangwei": {"groups": ["kpi-talent"], "given_name": "伟", "family_name": "张"},
    "lina": {"groups": []},
    "wangfang": {"groups": ["kpi-leaders"]},
    "admin": {"groups": ["kpi-leaders"]},  # the name of a local account
}
WAITING = "您的账号已创建，等待管理员分配科室"


def _backends(*extra):
    return [*settings.AUTHENTICATION_BACKENDS, *extra]


def _local(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _waits(client):
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"] == "/accounts/waiting/"
    page = client.get("/accounts/waiting/")
    assert page.status_code == 200
    return WAITING in page.content.decode()


# --- OpenID Connect ---------------------------------------------------------------


@pytest.fixture
def oidc(demo):
    with OidcProvider() as provider:
        provider.people = {k: dict(v) for k, v in PEOPLE.items()}
        with override_settings(
            SSO_PROTOCOLS=["oidc"],
            AUTHENTICATION_BACKENDS=_backends("accounts.sso.OidcBackend"),
            **MAPPINGS,
            **provider.settings(),
        ):
            yield provider


def oidc_sign_in(provider, client, user):
    """The browser's round trip: kpitracker → /authorize → back with a code; kpitracker
    then fetches the tokens, checks the id_token against the JWKS and reads userinfo."""
    provider.next_user = user
    start = client.get("/accounts/oidc/authenticate/?next=/plans/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    if at_provider.status_code != 302:
        return at_provider.status_code
    return client.get(_local(at_provider.headers["Location"])).status_code


def test_oidc_first_sign_in_creates_the_account_with_its_mapped_section(oidc):
    client = Client()
    assert oidc_sign_in(oidc, client, "zhangwei") == 302
    user = User.objects.get(username="zhangwei")
    assert (user.source, user.role, user.section.code) == ("oidc", "staff", "demo-talent")
    assert (user.last_name, user.first_name) == ("张", "伟")
    assert not user.has_usable_password()
    assert client.get("/plans/").status_code == 200
    # The provider was really asked: the token (with the PKCE verifier), the keys, userinfo.
    paths = [path for path, _query in oidc.calls]
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(paths)
    token_call = next(q for p, q in oidc.calls if p == "/token")
    assert token_call["code_verifier"]


def test_oidc_role_from_groups_and_the_waiting_page(oidc):
    leader = Client()
    assert oidc_sign_in(oidc, leader, "wangfang") == 302
    assert User.objects.get(username="wangfang").role == "leader"
    waiting = Client()
    assert oidc_sign_in(oidc, waiting, "lina") == 302
    assert _waits(waiting)
    # An administrator assigns a section: the next page is the dashboard.
    User.objects.filter(username="lina").update(section=Section.objects.get(code="demo-talent"))
    assert waiting.get("/plans/").status_code == 200


def test_oidc_removed_person_cannot_sign_in_and_no_local_account_is_taken_over(oidc):
    assert oidc_sign_in(oidc, Client(), "zhangwei") == 302
    del oidc.people["zhangwei"]
    client = Client()
    assert oidc_sign_in(oidc, client, "zhangwei") == 403
    assert client.get("/plans/").status_code == 302  # not signed in
    # "admin" at the provider is not the local administrator.
    admin = Client()
    oidc_sign_in(oidc, admin, "admin")
    assert User.objects.get(username="admin").source == "local"
    assert admin.get("/plans/").status_code == 302


def test_oidc_logout_ends_the_provider_session_too(oidc):
    client = Client()
    oidc_sign_in(oidc, client, "zhangwei")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc.url}/end_session?")
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.headers["Location"] == "http://testserver/accounts/login/"
    end = next(q for p, q in oidc.calls if p == "/end_session")
    assert end["id_token_hint"].count(".") == 2  # the id_token it was given
    assert client.get("/plans/").status_code == 302


def test_oidc_off_is_a_404(demo):
    assert Client().get("/accounts/oidc/authenticate/").status_code == 404
    assert Client().get("/accounts/cas/login/").status_code == 404


# --- CAS --------------------------------------------------------------------------


@pytest.fixture
def cas(demo):
    with CasProvider() as provider:
        provider.people = {k: dict(v) for k, v in PEOPLE.items()}
        with override_settings(
            SSO_PROTOCOLS=["cas"],
            AUTHENTICATION_BACKENDS=_backends("accounts.sso.CasBackend"),
            CAS_SERVER_URL=f"{provider.url}/",
            **MAPPINGS,
        ):
            yield provider


def cas_sign_in(provider, client, user):
    """kpitracker → CAS /login → back with a ticket; kpitracker validates it at
    /p3/serviceValidate (CAS 3 XML)."""
    provider.next_user = user
    start = client.get("/accounts/cas/login/?next=/plans/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/login?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    if at_provider.status_code != 302:
        return at_provider.status_code
    return client.get(_local(at_provider.headers["Location"]))


def test_cas_first_sign_in_mapping_waiting_and_removal(cas):
    client = Client()
    response = cas_sign_in(cas, client, "zhangwei")
    assert response.status_code == 302 and response["Location"] == "/plans/"
    user = User.objects.get(username="zhangwei")
    assert (user.source, user.section.code) == ("cas", "demo-talent")
    assert client.get("/plans/").status_code == 200
    assert any(path == "/p3/serviceValidate" for path, _ in cas.calls)
    waiting = Client()
    cas_sign_in(cas, waiting, "lina")
    assert _waits(waiting)
    del cas.people["zhangwei"]
    assert cas_sign_in(cas, Client(), "zhangwei") == 403
    admin = Client()
    cas_sign_in(cas, admin, "admin")
    assert admin.get("/plans/").status_code == 302  # the local admin is not taken over


def test_cas_logout_ends_the_cas_session_too(cas):
    client = Client()
    cas_sign_in(cas, client, "wangfang")
    assert User.objects.get(username="wangfang").role == "leader"
    response = client.post("/accounts/logout/")
    assert response["Location"].startswith(f"{cas.url}/logout?service=")
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.headers["Location"] == "http://testserver/accounts/login/"
    assert client.get("/plans/").status_code == 302


# --- LDAP -------------------------------------------------------------------------


class Directory(slapdtest.SlapdObject):
    openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
    TMPDIR = tempfile.gettempdir()


LDIF = """
dn: {suffix}
objectClass: dcObject
objectClass: organization
dc: slapd-test
o: Jilin City

dn: ou=people,{suffix}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{suffix}
objectClass: organizationalUnit
ou: groups
{people}
dn: cn=kpi-talent,ou=groups,{suffix}
objectClass: groupOfNames
cn: kpi-talent
member: uid=zhangwei,ou=people,{suffix}

dn: cn=kpi-leaders,ou=groups,{suffix}
objectClass: groupOfNames
cn: kpi-leaders
member: uid=wangfang,ou=people,{suffix}
"""
PERSON = """
dn: uid={uid},ou=people,{suffix}
objectClass: inetOrgPerson
uid: {uid}
cn: {uid}
sn: {sn}
givenName: {given}
mail: {uid}@example.gov.cn
userPassword: {uid}-secret-2024
"""


@pytest.fixture(scope="module")
def directory():
    if shutil.which("slapd", path="/usr/sbin:/usr/local/sbin:/sbin") is None:
        message = "Debian's slapd is not installed (.ci/run installs slapd and ldap-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = Directory()
    server.start()
    people = "".join(
        PERSON.format(
            uid=uid, suffix=server.suffix, sn="张" if uid == "zhangwei" else "Li", given="伟"
        )
        for uid in ("zhangwei", "lina", "wangfang", "admin")
    )
    server.ldapadd(LDIF.format(suffix=server.suffix, people=people).strip() + "\n")
    yield server
    server.stop()


@pytest.fixture
def ldap_on(demo, directory):
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    with override_settings(
        SSO_PROTOCOLS=["ldap"],
        AUTHENTICATION_BACKENDS=_backends("accounts.sso.LdapBackend"),
        AUTH_LDAP_SERVER_URI=directory.ldap_uri,
        AUTH_LDAP_BIND_DN=directory.root_dn,
        AUTH_LDAP_BIND_PASSWORD=directory.root_pw,
        AUTH_LDAP_USER_SEARCH=LDAPSearch(
            f"ou=people,{directory.suffix}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
        ),
        AUTH_LDAP_GROUP_SEARCH=LDAPSearch(
            f"ou=groups,{directory.suffix}", ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
        ),
        AUTH_LDAP_GROUP_TYPE=GroupOfNamesType(),
        **MAPPINGS,
    ):
        yield directory


def ldap_sign_in(client, username):
    return client.post(
        "/accounts/login/", {"username": username, "password": f"{username}-secret-2024"}
    )


def test_ldap_first_sign_in_mapping_waiting_and_removal(ldap_on):
    client = Client()
    assert ldap_sign_in(client, "zhangwei").status_code == 302
    user = User.objects.get(username="zhangwei")
    assert (user.source, user.section.code, user.last_name) == ("ldap", "demo-talent", "张")
    assert client.get("/plans/").status_code == 200
    leader = Client()
    ldap_sign_in(leader, "wangfang")
    assert User.objects.get(username="wangfang").role == "leader"
    waiting = Client()
    assert ldap_sign_in(waiting, "lina").status_code == 302
    assert _waits(waiting)
    # A wrong password, and the local administrator's name: refused.
    wrong = Client().post("/accounts/login/", {"username": "lina", "password": "nope"})
    assert wrong.status_code == 200
    admin = Client()
    ldap_sign_in(admin, "admin")
    assert admin.get("/plans/").status_code == 302
    assert User.objects.get(username="admin").source == "local"
    # Removed from the directory: the next sign-in fails.
    ldap_on.ldapdelete(f"uid=zhangwei,ou=people,{ldap_on.suffix}")
    again = Client()
    assert ldap_sign_in(again, "zhangwei").status_code == 200  # the form again, with its error
    assert again.get("/plans/").status_code == 302
    client.post("/accounts/logout/")
    assert client.get("/plans/").status_code == 302


def test_local_login_for_administrators_only(demo, settings):
    settings.LOCAL_LOGIN = "admins"
    staff = Client().post("/accounts/login/", {"username": "staff", "password": "kpi-demo-2024"})
    assert staff.status_code == 200
    admin = Client()
    response = admin.post("/accounts/login/", {"username": "admin", "password": "kpi-demo-2024"})
    assert response.status_code == 302


def test_the_admin_shows_who_came_from_where(oidc, personas):
    oidc_sign_in(oidc, Client(), "zhangwei")
    page = personas["admin"].get("/admin/accounts/user/?source__exact=oidc")
    assert page.status_code == 200
    body = page.content.decode()
    assert "zhangwei" in body and ">staff<" not in body
    local = personas["admin"].get("/admin/accounts/user/?source__exact=local").content.decode()
    assert "zhangwei" not in local and "staff2" in local
