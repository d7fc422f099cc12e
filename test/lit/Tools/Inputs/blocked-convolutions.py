"""Writes an aigraph model of convolutions that coreai-build runs along their
output channels on the CPU (aigraph-block-convolution-weights): 7x7 images
with 3x3 windows (bias + relu, stride 2, dilation 2, into a Concat's slice),
a 1x1 kernel, and a 13x13 image (row blocks of 5, 4 and 4); and its inputs
as .npy files. The weights are pseudo-random and distinct, so that a wrong
channel or tap shows in the outputs.

usage: blocked-convolutions.py MODEL.mlir X.npy Y.npy Z.npy"""
import struct
import sys

state = 12345


def values(count):
    global state
    out = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % (1 << 31)
        out.append(round((state / (1 << 31)) * 2 - 1, 4))
    return out


def product(dims):
    out = 1
    for d in dims:
        out *= d
    return out


def dense(shape):
    flat = values(product(shape))

    def nest(offset, dims):
        if not dims:
            return repr(flat[offset])
        step = product(dims[1:])
        return "[" + ", ".join(nest(offset + i * step, dims[1:])
                               for i in range(dims[0])) + "]"

    return "dense<%s> : tensor<%s>" % (nest(0, shape), "x".join(map(str, shape)) + "xf32")


def write_npy(path, shape):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join("%d, " % d for d in shape))
    header += " " * (127 - 10 - len(header)) + "\n"
    count = product(shape)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%df" % count, *values(count)))


def conv(name, x, w, b, stride, pad, dilation, in_shape, w_shape, out_shape):
    """`%name = aigraph.conv` with square stride, pads and dilation."""
    operands = "%s, %s" % (x, w) + (", " + b if b else "")
    types = [t(in_shape), t(w_shape)] + ([t(w_shape.split("x")[0])] if b else [])
    attrs = ("strides = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, "
             "dilations = array<i64: %d, %d>" % ((stride,) * 2 + (pad,) * 4 + (dilation,) * 2))
    return ("  %%%s = aigraph.conv %s {%s} : (%s) -> %s\n"
            % (name, operands, attrs, ", ".join(types), t(out_shape)))


def t(shape):
    return "tensor<%sxf32>" % shape


model, x_path, y_path, z_path = sys.argv[1:]
body = ""
for name, shape in [("wa", [32, 5, 3, 3]), ("ba", [32]), ("wb", [32, 5, 3, 3]),
                    ("wc", [16, 5, 1, 1]), ("wd", [32, 5, 3, 3]),
                    ("we", [48, 3, 3, 3]), ("be", [48]), ("wf", [32, 8, 1, 1])]:
    body += '  %%%s = aigraph.constant %s loc("weight_%s")\n' % (name, dense(shape), name)
body += conv("a", "%x", "%wa", "%ba", 1, 1, 1, "1x5x7x7", "32x5x3x3", "1x32x7x7")
body += "  %%ra = aigraph.relu %%a : %s\n" % t("1x32x7x7")
body += conv("b", "%x", "%wb", None, 2, 1, 1, "1x5x7x7", "32x5x3x3", "1x32x4x4")
body += conv("c", "%x", "%wc", None, 1, 0, 1, "1x5x7x7", "16x5x1x1", "1x16x7x7")
body += conv("d", "%x", "%wd", None, 1, 2, 2, "1x5x7x7", "32x5x3x3", "1x32x7x7")
body += ("  %%cat = aigraph.concat %%ra, %%d {axis = 1 : i64} : (%s, %s) -> %s\n"
         % (t("1x32x7x7"), t("1x32x7x7"), t("1x64x7x7")))
body += conv("e", "%y", "%we", "%be", 1, 1, 1, "1x3x13x13", "48x3x3x3", "1x48x13x13")
body += conv("f", "%z", "%wf", None, 1, 0, 1, "1x8x1x1", "32x8x1x1", "1x32x1x1")
body += conv("g", "%x", "%wb", None, 1, 0, 1, "1x5x7x7", "32x5x3x3", "1x32x5x5")
outs = [t("1x64x7x7"), t("1x32x4x4"), t("1x16x7x7"), t("1x48x13x13"),
        t("1x32x1x1"), t("1x32x5x5")]
with open(model, "w") as f:
    f.write("func.func @main(%%x: %s {coreai.name = \"x\"}, %%y: %s {coreai.name = \"y\"}, "
            "%%z: %s {coreai.name = \"z\"}) -> (%s) {\n"
            % (t("1x5x7x7"), t("1x3x13x13"), t("1x8x1x1"), ", ".join(outs)))
    f.write(body)
    f.write("  return %%cat, %%b, %%c, %%e, %%f, %%g : %s\n}\n" % ", ".join(outs))
write_npy(x_path, [1, 5, 7, 7])
write_npy(y_path, [1, 3, 13, 13])
write_npy(z_path, [1, 8, 1, 1])
