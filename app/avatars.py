"""Avatars: made small on the sender's machine, checked by header on every receiver.

Sending: the chosen picture is opened header first; one claiming more than MAX_PIXELS is
refused before any pixel is decoded (a decompression bomb), JPEGs are decoded scaled down
(`draft`), the result is cropped square to AVATAR_SIDE pixels and re-encoded as a JPEG
of at most MAX_AVATAR_BYTES, which drops every metadata block (EXIF places, camera
serials) the original carried.

Receiving is app/avatar_check.py (no image library: the bytes are never decoded there).
"""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from app.errors import InvalidInput
from app.i18n import _
from crypto.profiles import MAX_AVATAR_BYTES

AVATAR_SIDE = 128
MAX_PIXELS = 64_000_000           # as ui/image_preview.py: more is refused unread
MAX_SOURCE_BYTES = 30 * 1024 * 1024
_QUALITIES = (85, 75, 62, 50, 38, 25)

# Pillow's own guard, for formats whose size is known only while decoding.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _refused() -> InvalidInput:
    return InvalidInput(_("This file is not a picture Coterie can use as an avatar."))


def prepare_avatar(path: str | Path) -> bytes:
    """The avatar to send for the picture at `path`; InvalidInput for anything else."""
    source = Path(path)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise InvalidInput(_("The picture {path} cannot be read.").format(path=source)) from exc
    if size > MAX_SOURCE_BYTES:
        raise InvalidInput(_("The picture is larger than 30 MB."))
    try:
        with Image.open(source) as im:
            width, height = im.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                raise InvalidInput(_("The picture is too large to use."))
            im.draft("RGB", (AVATAR_SIDE * 2, AVATAR_SIDE * 2))  # JPEG: decode scaled down
            picture = ImageOps.exif_transpose(im)
            picture = _flatten(picture)
            picture = ImageOps.fit(picture, (AVATAR_SIDE, AVATAR_SIDE),
                                   Image.Resampling.LANCZOS)
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput(_("The picture is too large to use.")) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _refused() from exc
    side = AVATAR_SIDE
    while side >= 32:
        for quality in _QUALITIES:
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=quality, optimize=True)
            data = out.getvalue()
            if len(data) <= MAX_AVATAR_BYTES:
                return data
        side //= 2
        picture = picture.resize((side, side), Image.Resampling.LANCZOS)
    raise _refused()


def _flatten(im: Image.Image) -> Image.Image:
    """RGB on white (a transparent picture keeps its shape on a light card)."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        back = Image.new("RGB", rgba.size, (255, 255, 255))
        back.paste(rgba, mask=rgba.getchannel("A"))
        return back
    return im.convert("RGB")
