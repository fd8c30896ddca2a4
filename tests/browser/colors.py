"""Computed colours in the browser, as numbers: what the palette tests compare."""

from __future__ import annotations

import re

# Reads a CSS colour as the browser resolves it on an element of `body` (where Material sets its palette).
RESOLVE = """(value) => {
  const probe = document.createElement("span");
  probe.style.color = value;
  document.body.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}"""


def rgba(css: str) -> tuple[float, float, float, float]:
    """``rgb(…)``, ``rgba(…)`` or ``color(srgb …)`` (what color-mix() computes to) → 0-255 channels and alpha."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if css.startswith("color(srgb"):
        r, g, b = (n * 255 for n in numbers[:3])
        return r, g, b, numbers[3] if len(numbers) > 3 else 1.0
    if css.startswith("rgb"):
        return numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) > 3 else 1.0
    raise ValueError(f"unexpected colour {css!r}")


def luminance(css: str) -> float:
    """WCAG relative luminance of an opaque colour."""
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgba(css)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def same_hue(a: str, b: str, tolerance: float = 2.0) -> bool:
    """Whether two colours have the same RGB channels, whatever their alpha."""
    return all(abs(x - y) <= tolerance for x, y in zip(rgba(a)[:3], rgba(b)[:3]))
