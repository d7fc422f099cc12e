#!/usr/bin/env python3
"""Writes an 8x8 gray test image twice, for image-input.test: as the uint8
pixel buffer [1, 8, 8, 1] (PIXELS.npy) and as the float32 [1, 1, 8, 8] the
model takes, converted by hand with (pixel * scale - mean) / std (FLOATS.npy).
    make-image-npy.py PIXELS.npy FLOATS.npy SCALE MEAN STD"""
import struct
import sys


def write_npy(path, descr, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1") + payload)


pixels_path, floats_path = sys.argv[1], sys.argv[2]
scale, mean, std = (float(v) for v in sys.argv[3:6])
pixels = [(i * 37 + 11) % 256 for i in range(64)]
write_npy(pixels_path, "|u1", (1, 8, 8, 1), bytes(pixels))
values = [(p * scale - mean) / std for p in pixels]
write_npy(floats_path, "<f4", (1, 1, 8, 8), struct.pack("<64f", *values))
