"""Headless Chromium for the console's tests: Debian's chromium, CJK fonts, screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]


def chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    return CHROMIUM


def screenshots(tmp_path: Path, name: str) -> Path:
    """Where a test's screenshots go: $CASEWORK_ARTIFACTS (CI keeps it) or the test's tmp."""
    root = os.environ.get("CASEWORK_ARTIFACTS")
    folder = (Path(root) / "browser" / name) if root else (tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of {name}: {folder}")
    return folder


@asynccontextmanager
async def browser_page(**context: Any) -> AsyncIterator[Any]:
    """A fresh page in headless Chromium, 1280 wide, in Shanghai's time zone."""
    from playwright.async_api import async_playwright

    executable = chromium()
    async with async_playwright() as playwright:
        # The browser's own words (date pickers) in Chinese, as on staff machines: Debian's
        # chromium-l10n and a Chinese language environment.
        env = {**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh"}
        browser = await playwright.chromium.launch(executable_path=executable, args=ARGS, env=env)
        try:
            page_context = await browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                accept_downloads=True,
                **context,
            )
            page = await page_context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield page
            assert errors == [], f"the console's scripts failed: {errors}"
        finally:
            await browser.close()


async def sign_in(page: Any, base_url: str, user_id: str, password: str) -> None:
    await page.goto(f"{base_url}/console")
    await page.fill("input[name=user_id]", user_id)
    await page.fill("input[name=password]", password)
    await page.click("#login button[type=submit]")
    await page.locator("#who").filter(has_text=user_id).wait_for()


# English words a staff member may see: codes (case ids, user ids: the console marks them
# `.code`) are left out of the check; these few are what the bureau writes in Latin letters.
ALLOWED_LATIN = frozenset({"CSV", "DNA", "L1", "L2", "L3", "ID"})

_VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style, .hash, .code, details, [hidden], option[value=""]').forEach(n => n.remove());
  return copy.innerText;
}"""


async def english_words(page: Any, own_codes: set[str]) -> set[str]:
    """Latin words on the screen besides the codes the reader asked for (ids, hashes)."""
    import re

    text: str = await page.evaluate(_VISIBLE_TEXT)
    for code in own_codes:
        text = text.replace(code, " ")
    text = re.sub(r"\b[A-Z]{3}-\d{4}-\d+\b", " ", text)  # case ids
    words = set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", text))
    return {w for w in words if w not in ALLOWED_LATIN}
