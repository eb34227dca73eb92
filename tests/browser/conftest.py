"""A live `ctc-kg serve` on a free port and a headless Chromium (Debian's, no download).

Every test page records console errors and every request whose host is not the
server's, so a test can assert the page needed nothing from anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import REPOSITORY, LiveServer

SCREENSHOTS = REPOSITORY / "tests" / "screenshots"
CHROMIUM = os.environ.get("CTC_KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ctc-kg serve` over the repository's data; yields its URL with a trailing slash."""
    live = LiveServer.start(REPOSITORY, tmp_path_factory.mktemp("browser"), "--workers", "1")
    yield live.url + "/"
    live.stop(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Watched:
    page: object
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser, server) -> Iterator[Watched]:
    """A fresh page that records console errors and requests to any other host.

    Requests to another host are also aborted, so a test never reaches the network.
    """
    host = urlsplit(server).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    watched = Watched(page)

    def on_console(message):
        if message.type == "error":
            watched.console_errors.append(message.text)

    def on_route(route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == host:
            route.continue_()
        else:
            watched.foreign_requests.append(url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    context.route("**/*", on_route)
    yield watched
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
