"""QR images of review codes (segno): PNG and SVG downloads for printing, inline SVG preview."""

import io

import segno


def render(url: str, *, fmt: str) -> tuple[bytes, str]:
    """The code for ``url`` as (bytes, content type). Error correction M survives a smudged print."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if fmt == "png":
        code.save(out, kind="png", scale=10, border=4)
        return out.getvalue(), "image/png"
    code.save(out, kind="svg", scale=10, border=4, xmldecl=True, title="好差评")
    return out.getvalue(), "image/svg+xml"


def inline_svg(url: str) -> str:
    """An SVG element to embed in the admin page (no XML declaration)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, svgclass="qr-image")
    return out.getvalue().decode()
