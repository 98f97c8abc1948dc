"""The pages' words: Indonesian first (the commission's working language), English beside it.

The strings live in `strings/<lang>.json` (one flat table per language, same keys). `t(key)`
looks a key up in the page's language, falling back to Indonesian, then to the key itself:
a missing string shows as its key, never as an error. The strings the scripts need travel
to the browser as JSON (`js_strings`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGS = ("id", "en")
DEFAULT_LANG = "id"
# What the scripts show on their own (statuses, reasons, review messages).
JS_PREFIXES = ("status.", "reason.", "rv.", "op.", "field.", "common.")


@cache
def strings(lang: str) -> dict[str, str]:
    text = resources.files("ingest_api.web").joinpath("strings", f"{lang}.json").read_text(encoding="utf-8")
    table: dict[str, str] = json.loads(text)
    return table


def pick_lang(*choices: str | None) -> str:
    """The first choice that is a language we have (query parameter, then cookie)."""
    return next((c for c in choices if c is not None and c in LANGS), DEFAULT_LANG)


def translator(lang: str) -> Callable[[str], str]:
    table = strings(lang if lang in LANGS else DEFAULT_LANG)
    fallback = strings(DEFAULT_LANG)

    def t(key: str) -> str:
        return table.get(key) or fallback.get(key) or key

    return t


def js_strings(lang: str) -> dict[str, str]:
    t = translator(lang)
    return {k: t(k) for k in strings(DEFAULT_LANG) if k.startswith(JS_PREFIXES)}
