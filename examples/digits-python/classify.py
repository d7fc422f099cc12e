#!/usr/bin/env python3
"""The digits demo in Python through ctypes and the C API (libcoreai.so).

    classify.py LIBCOREAI.so digits.aimodel samples.npy labels.npy

What examples/digits/classify.cpp prints, line for line, with nothing but
the standard library: ctypes declares include/coreai/coreai.h's types and
calls, and a minimal .npy reader loads the little-endian float32 images and
int64 labels.
"""
import ast
import ctypes as C
import struct
import sys

COREAI_OK, COREAI_UNIT_CPU, COREAI_FLOAT32 = 0, 1, 1


class SpecializationOptions(C.Structure):
    _fields_ = [("allowed_units", C.c_uint32), ("preferred_unit", C.c_uint32),
                ("gpu_device", C.c_int32), ("threads", C.c_uint32),
                ("cpu_variant", C.c_char_p), ("cache_directory", C.c_char_p),
                ("cache_max_bytes", C.c_uint64)]


class TensorDescriptor(C.Structure):
    _fields_ = [("name", C.c_char_p), ("dtype", C.c_int32), ("rank", C.c_size_t),
                ("shape", C.POINTER(C.c_int64)),
                ("dim_names", C.POINTER(C.c_char_p))]


class Tensor(C.Structure):
    _fields_ = [("dtype", C.c_int32), ("rank", C.c_size_t),
                ("shape", C.POINTER(C.c_int64)), ("data", C.c_void_p),
                ("byte_size", C.c_size_t)]


def read_npy(path):
    """(descr, shape, bytes) of a C-order .npy file (format 1.0)."""
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY" or f.read(2)[0] != 1:
            sys.exit(f"{path}: error: not a version 1 .npy file")
        (length,) = struct.unpack("<H", f.read(2))
        header = ast.literal_eval(f.read(length).decode("latin1"))
        if header["fortran_order"]:
            sys.exit(f"{path}: error: Fortran order is not supported")
        return header["descr"], tuple(header["shape"]), f.read()


def aligned(data):
    """A 64-byte aligned ctypes buffer holding `data` (the runtime needs 16)."""
    raw = C.create_string_buffer(len(data) + 64)
    offset = (-C.addressof(raw)) % 64
    C.memmove(C.addressof(raw) + offset, data, len(data))
    return raw, C.addressof(raw) + offset


def main(argv):
    if len(argv) != 5:
        print("usage: classify.py LIBCOREAI.so BUNDLE SAMPLES.npy LABELS.npy",
              file=sys.stderr)
        return 2
    lib = C.CDLL(argv[1])
    lib.coreai_last_error.restype = C.c_char_p
    lib.coreai_function_placement.restype = C.c_char_p

    def check(status, what):
        if status != COREAI_OK:
            sys.exit(f"classify.py: {what}: error: "
                     f"{lib.coreai_last_error().decode()}")

    asset, model, fn = C.c_void_p(), C.c_void_p(), C.c_void_p()
    check(lib.coreai_asset_open(argv[2].encode(), C.byref(asset)), argv[2])
    options = SpecializationOptions()
    lib.coreai_specialization_options_init(C.byref(options))
    options.allowed_units = COREAI_UNIT_CPU
    check(lib.coreai_asset_specialize(asset, C.byref(options), C.byref(model)),
          argv[2])
    check(lib.coreai_model_function(model, b"main", C.byref(fn)), argv[2])

    descr, shape, images = read_npy(argv[3])
    label_descr, _, label_bytes = read_npy(argv[4])
    if descr != "<f4" or label_descr != "<i8":
        sys.exit("classify.py: error: expected float32 images, int64 labels")
    labels = struct.unpack(f"<{len(label_bytes) // 8}q", label_bytes)

    out = TensorDescriptor()
    check(lib.coreai_function_output(fn, C.c_size_t(0), C.byref(out)), argv[2])
    n, classes = out.shape[0], out.shape[1]
    in_shape = (C.c_int64 * len(shape))(*shape)
    in_keep, in_data = aligned(images)
    out_keep, out_data = aligned(bytes(n * classes * 4))
    x = Tensor(COREAI_FLOAT32, len(shape), in_shape, in_data, len(images))
    y = Tensor(COREAI_FLOAT32, out.rank, out.shape, out_data, n * classes * 4)
    check(lib.coreai_function_run(fn, C.byref(x), C.c_size_t(1), C.byref(y),
                                  C.c_size_t(1)), argv[3])
    probs = (C.c_float * (n * classes)).from_address(out_data)

    correct = 0
    for i in range(n):
        row = [probs[i * classes + c] for c in range(classes)]
        best = max(range(classes), key=lambda c: (row[c], -c))
        correct += best == labels[i]
        print(f"sample {i}: predicted {best} (p={row[best]:.3f}), label "
              f"{labels[i]} {'ok' if best == labels[i] else 'WRONG'}")
    print(f"{correct} of {n} correct")
    for free, handle in ((lib.coreai_function_free, fn),
                         (lib.coreai_model_free, model),
                         (lib.coreai_asset_free, asset)):
        free(handle)
    del in_keep, out_keep
    return 0 if correct == n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
