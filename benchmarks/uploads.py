"""Accepting a phone photo: the time `core/uploads.image_accept` takes for a 12-megapixel JPEG
and the same photo as an iPhone-style HEIC (checked, oriented, converted to sRGB, capped at
2,560 px, re-encoded, metadata stripped).

    uv run python benchmarks/uploads.py [--runs 7]

The photo is made here: 4,032 x 3,024 (an iPhone's 12 MP) of smooth colour with sensor-like
noise, so it compresses like a real photo (a few MB), with EXIF orientation 6 and GPS, saved as
JPEG quality 92 and as HEIC quality 80. Prints the input size, the median and slowest wall time
of the runs, the median CPU time (`time.process_time`: what the figure is on a shared machine),
and the output.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
    import django

    django.setup()
    from PIL import Image
    from pillow_heif import register_heif_opener

    from schoolwindow.core.uploads import image_accept

    register_heif_opener()
    size = (4032, 3024)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.radial_gradient("L").resize(size)
    photo = Image.merge("RGB", (base.getchannel(0), tint, base.getchannel(0).rotate(180)))
    noise = Image.effect_noise(size, 24).convert("RGB")
    photo = Image.blend(photo, noise, 0.15)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})

    sources = {}
    for label, fmt, quality in (("JPEG 12 MP", "JPEG", 92), ("HEIC 12 MP", "HEIF", 80)):
        out = io.BytesIO()
        photo.save(out, format=fmt, quality=quality, exif=exif.tobytes())
        sources[label] = out.getvalue()

    print(f"{'photo':<12} {'in':>8} {'median':>9} {'slowest':>9} {'CPU':>8} {'out':>8}  size out")
    for label, data in sources.items():
        times = []
        cpu = []
        clean = None
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            clean = image_accept(io.BytesIO(data), max_bytes=15 << 20, max_pixels=60_000_000)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert clean is not None
        print(
            f"{label:<12} {len(data) / 1e6:>6.1f}MB {statistics.median(times) * 1000:>7.0f}ms"
            f" {max(times) * 1000:>7.0f}ms {statistics.median(cpu) * 1000:>6.0f}ms"
            f" {clean.size / 1e3:>6.0f}KB  {clean.width}x{clean.height}"
        )


if __name__ == "__main__":
    main()
