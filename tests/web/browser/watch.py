"""A watched browser page: what went wrong in it, and screenshots of everything it showed.

``Watch`` listens on one Playwright page for console errors, uncaught page
errors, failed requests, error responses, dialogs (an ``alert`` from injected
script) and requests to anywhere but the live server (the context's route
aborts those). The ``page`` fixture fails the test when any of them happened
and the test did not say it expected it. ``visit`` navigates and saves a
screenshot under ``test-artifacts/screenshots/`` named after the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Request, Response, Route

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
READY = "body[data-ready='true']"
"""The map page sets ``document.body.dataset.ready`` once its network is drawn."""


def artifact_name(test_name: str) -> str:
    """A file-name-safe form of a test's name (parametrized ids included)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")


@dataclass
class Blocker:
    """A context route: requests to ``allowed`` origins go through; every other request is aborted and recorded."""

    allowed: tuple[str, ...]
    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def install(self, context: BrowserContext) -> None:
        context.route("**/*", self)


@dataclass
class Watch:
    """Everything that went wrong on one page, and the screenshots taken of it."""

    page: Page
    base: str
    test_name: str
    blocker: Blocker
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    expected_statuses: list[tuple[int, str]] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.on("dialog", self._dialog)

    # -- listeners ----------------------------------------------------------------------

    def _expected(self, status: int, url: str) -> bool:
        return any(status == s and part in url for s, part in self.expected_statuses)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        where = message.location.get("url", "") if message.location else ""
        found = re.search(r"status of (\d{3})", text)
        if found and text.startswith("Failed to load resource") and self._expected(int(found.group(1)), where):
            return
        self.console_errors.append(f"{text} ({where})")

    def _request_failed(self, request: Request) -> None:
        if request.url in self.blocker.blocked:
            return  # recorded as blocked
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and not self._expected(response.status, response.url):
            self.error_responses.append(f"{response.status} {response.request.method} {response.url}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # -- for tests ------------------------------------------------------------------------

    def expect_status(self, status: int, url_part: str) -> None:
        """A response with ``status`` for a URL containing ``url_part`` is what the test expects, not a failure."""
        self.expected_statuses.append((status, url_part))

    def problems(self) -> dict[str, list[str]]:
        found = {
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "failed requests": self.failed_requests,
            "error responses": self.error_responses,
            "requests to outside the live server (blocked)": self.blocker.blocked,
            "dialogs (alert/confirm/prompt)": self.dialogs,
        }
        return {what: list(items) for what, items in found.items() if items}

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, f"the page at {self.page.url} had problems: {problems}"

    def shot(self, label: str) -> Path:
        """Save a full-page screenshot ``<test>-<n>-<label>.png``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        n = len(self.screenshots) + 1
        path = SCREENSHOTS / f"{artifact_name(self.test_name)}-{n:02d}-{artifact_name(label)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        return path

    def visit(self, path: str, *, ready: bool = False, timeout: float = 30_000) -> Response | None:
        """Open ``path`` on the live server (waiting for the map to be drawn when ``ready``) and screenshot it."""
        response = self.page.goto(f"{self.base}{path}", wait_until="load", timeout=timeout)
        if ready:
            assert response is not None
            assert response.ok, f"GET {path} answered {response.status}, not the map"
            self.page.wait_for_selector(READY, state="attached", timeout=timeout)
        self.shot(path.strip("/").split("?")[0] or "portfolio")
        return response

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)
