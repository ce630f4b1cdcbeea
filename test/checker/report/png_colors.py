#!/usr/bin/env python3
"""Asserts that a screenshot shows a chart: PNG decoding with the stdlib only.

    png_colors.py SHOT.png '#1b7f3b:200' '#e53935:200' ...

Each argument is a colour and the fewest pixels of it (within 6 per channel,
for anti-aliasing and colour management) the image must have. Prints one line
per colour with its count and exits 1 if any falls short, or if the image is
blank (a single colour).
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    width, height, bpp, rows = read_png(sys.argv[1])
    counts = {}
    for row in rows:
        for x in range(0, len(row), bpp):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    ok = len(counts) > 1
    if not ok:
        print("blank image")
    for spec in sys.argv[2:]:
        colour, need = spec.split(":")
        want = bytes.fromhex(colour.lstrip("#"))
        have = sum(n for px, n in counts.items() if all(abs(px[i] - want[i]) <= 6 for i in range(3)))
        print(f"{colour}: {'ok' if have >= int(need) else 'too few'} ({have} pixels, need {need})")
        ok &= have >= int(need)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
