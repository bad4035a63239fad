"""Accessibility checks with axe-core in the page, for WCAG 2.1 A and AA."""

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def violations(page) -> list[dict]:
    """Every WCAG 2.1 A/AA violation, and best-practice ones that are serious or critical."""
    options = {
        "runOnly": {"type": "tag", "values": [*WCAG_21_AA, "best-practice"]},
        "resultTypes": ["violations"],
    }
    found = _axe.run(page, options=options).response["violations"]
    return [
        v
        for v in found
        if set(v["tags"]) & set(WCAG_21_AA) or v["impact"] in {"serious", "critical"}
    ]


def assert_accessible(page) -> None:
    found = violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in found
    )
    assert not found, f"axe found on {page.url}:\n{summary}"
