"""The browser machinery itself: Chromium loads a page of the live server."""

from .conftest import BROWSER

pytestmark = BROWSER


def test_chromium_loads_a_page_of_the_live_server(page):
    response = page.goto(page.base + "/healthz")
    assert response.status == 200
