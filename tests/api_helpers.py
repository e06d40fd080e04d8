"""API clients and their tokens for the API's tests."""

from django.test import Client

from api.models import ApiClient


def api_client(name="platform", *, plans=(), sections=(), rate="1000/minute", files=False):
    """(an ApiClient, a test Client sending its new token)."""
    client = ApiClient.objects.create(name=name, rate=rate, may_download_files=files)
    client.plans.set(plans)
    client.sections.set(sections)
    _token, secret = client.issue_token(by=None)
    return client, bearer(secret)


def bearer(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def every_item(http, url):
    """Every item of a paged list, following `next`."""
    items = []
    while url:
        response = http.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        items += body["results"]
        url = body["next"]
    return items
