import io

from PIL import Image, ImageDraw


def png_bytes(size=(40, 40), colour="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(64, 48), colour="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signature_png(size=(600, 200)) -> bytes:
    """A zig-zag drawn in black on a transparent pad, like signature_pad's output."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(20, 150), (120, 40), (200, 160), (300, 50), (420, 170), (560, 60)], fill=(0, 0, 0, 255), width=6
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
