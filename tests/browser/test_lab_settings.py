"""JupyterLab with make lab's settings asks nothing about news: the overrides are in effect."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

NOTIFICATION = "@jupyterlab/apputils-extension:notification"
NEWS_QUESTION = "notified about official Jupyter news"
TIMEOUT_MS = 60_000
SETTLE_MS = 5_000  # the news question shows shortly after the page is restored


def _notification_settings(lab: Server) -> dict[str, Any]:
    url = f"{lab.url}/lab/api/settings/{NOTIFICATION}?token={lab.token}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        settings: dict[str, Any] = json.load(reply)
    return settings


def _effective(reply: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    """Each key's value as the page gets it: the user's setting, else the (overridden) default."""
    properties = reply["schema"]["properties"]
    user = reply.get("settings") or {}
    return {key: user.get(key, properties[key].get("default")) for key in keys}


def test_lab_news_and_update_checks_are_off(jupyter_lab: Server) -> None:
    """The served notification settings are lab-settings/overrides.json's (run via make)."""
    expected = json.loads((ROOT / "lab-settings" / "overrides.json").read_text(encoding="utf-8"))
    served = _effective(_notification_settings(jupyter_lab), expected[NOTIFICATION])
    assert served == expected[NOTIFICATION], (
        "lab-settings/overrides.json is not in the Lab settings dir; make test-browser and"
        " make lab copy it there"
    )


def test_lab_shows_no_news_question(jupyter_lab: Server, browser: Any, artifacts: Path) -> None:
    """Opening JupyterLab shows no "get notified about news?" toast."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{jupyter_lab.url}/lab?token={jupyter_lab.token}", timeout=TIMEOUT_MS)
        page.locator("#jp-main-statusbar").first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(SETTLE_MS)
        page.screenshot(path=str(artifacts / "lab-start.png"))
        assert page.get_by_text(NEWS_QUESTION).count() == 0
    finally:
        page.close()
