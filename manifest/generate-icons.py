#!/usr/bin/env python3
"""Draws CrisisBot's two Teams app icons with the standard library only (zlib + struct).

    python3 manifest/generate-icons.py            # rewrites manifest/color.png and manifest/outline.png

color.png   192x192, full colour: a white speech bubble with an alert mark on a red-orange gradient.
outline.png  32x32, white on transparent: the same bubble as an outline, as Teams requires for the app bar.

Shapes are described as point-membership tests and rendered with 4x4 supersampling, so edges are anti-aliased.
"""
import math
import os
import struct
import zlib

SAMPLES = 4  # per axis: 16 samples per pixel


def png_bytes(width, height, pixels):
    """pixels: list of rows, each a list of (r, g, b, a) tuples with 0..255 values."""
    raw = bytearray()
    for row in pixels:
        raw.append(0)  # filter type None
        for r, g, b, a in row:
            raw += bytes((r, g, b, a))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def rounded_rect(x0, y0, x1, y1, radius):
    def inside(x, y):
        if x < x0 or x > x1 or y < y0 or y > y1:
            return False
        cx = min(max(x, x0 + radius), x1 - radius)
        cy = min(max(y, y0 + radius), y1 - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
    return inside


def triangle(a, b, c):
    def sign(p, q, r):
        return (p[0] - r[0]) * (q[1] - r[1]) - (q[0] - r[0]) * (p[1] - r[1])

    def inside(x, y):
        p = (x, y)
        d1, d2, d3 = sign(p, a, b), sign(p, b, c), sign(p, c, a)
        has_neg = d1 < 0 or d2 < 0 or d3 < 0
        has_pos = d1 > 0 or d2 > 0 or d3 > 0
        return not (has_neg and has_pos)
    return inside


def circle(cx, cy, r):
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def capsule(cx, y0, y1, r0, r1):
    """A vertical bar from y0 to y1 that narrows from radius r0 (top) to r1 (bottom), with round ends."""
    def inside(x, y):
        if y < y0 - r0 or y > y1 + r1:
            return False
        t = min(max((y - y0) / (y1 - y0), 0.0), 1.0)
        r = r0 + (r1 - r0) * t
        yc = min(max(y, y0), y1)
        return (x - cx) ** 2 + (y - yc) ** 2 <= r * r
    return inside


def union(*shapes):
    return lambda x, y: any(s(x, y) for s in shapes)


def difference(a, b):
    return lambda x, y: a(x, y) and not b(x, y)


def coverage(shape, px, py, scale):
    """Fraction of the pixel (px, py) covered by shape; shapes use a 0..1 unit square scaled by `scale` pixels."""
    hits = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / scale
            y = (py + (sy + 0.5) / SAMPLES) / scale
            if shape(x, y):
                hits += 1
    return hits / (SAMPLES * SAMPLES)


def bubble(inset=0.0):
    """Speech bubble in unit coordinates; `inset` shrinks it (used to hollow out the outline icon)."""
    body = rounded_rect(0.16 + inset, 0.18 + inset, 0.84 - inset, 0.70 - inset, max(0.12 - inset, 0.02))
    tail = triangle((0.30 + inset * 1.2, 0.62), (0.50 - inset * 1.6, 0.62), (0.24 + inset * 1.9, 0.86 - inset * 2.6))
    return union(body, tail)


def alert_mark(scale=1.0):
    bar = capsule(0.50, 0.29, 0.50, 0.045 * scale, 0.028 * scale)
    dot = circle(0.50, 0.605, 0.040 * scale)
    return union(bar, dot)


def blend(under, over, alpha):
    return tuple(round(u + (o - u) * alpha) for u, o in zip(under, over))


def color_icon(size=192):
    top, bottom = (232, 84, 46), (178, 32, 52)  # orange-red to crimson
    white = (255, 255, 255)
    mark_colour = (196, 38, 46)  # accentColor #C4262E
    shape_bubble, shape_mark = bubble(), alert_mark()
    rows = []
    for py in range(size):
        t = py / (size - 1)
        row = []
        for px in range(size):
            # diagonal gradient background, full bleed (Teams rounds the corners itself)
            g = min(max((t * 0.75 + (px / (size - 1)) * 0.25), 0.0), 1.0)
            colour = blend(top, bottom, g)
            shade = coverage(lambda x, y: shape_bubble(x - 0.015, y - 0.02), px, py, size)
            colour = blend(colour, (90, 10, 20), shade * 0.35)  # soft drop shadow
            colour = blend(colour, white, coverage(shape_bubble, px, py, size))
            colour = blend(colour, mark_colour, coverage(shape_mark, px, py, size))
            row.append(colour + (255,))
        rows.append(row)
    return rows


def outline_icon(size=32):
    # a 2 px ring for the bubble body, a solid tail, and a shorter alert mark that stays clear of the ring
    body = rounded_rect(0.10, 0.12, 0.90, 0.72, 0.16)
    hollow = rounded_rect(0.175, 0.195, 0.825, 0.645, 0.09)
    tail = triangle((0.24, 0.68), (0.46, 0.68), (0.18, 0.93))
    mark = union(capsule(0.50, 0.32, 0.44, 0.055, 0.045), circle(0.50, 0.545, 0.055))
    shape = union(difference(union(body, tail), hollow), mark)
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            a = coverage(shape, px, py, size)
            row.append((255, 255, 255, round(a * 255)))
        rows.append(row)
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, size, draw in (("color.png", 192, color_icon), ("outline.png", 32, outline_icon)):
        path = os.path.join(here, name)
        with open(path, "wb") as f:
            f.write(png_bytes(size, size, draw(size)))
        print(f"wrote {path} ({size}x{size})")


if __name__ == "__main__":
    main()
