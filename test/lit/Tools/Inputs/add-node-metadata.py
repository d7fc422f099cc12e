"""Adds metadata_props entries to one node of a binary ONNX model.

usage: add-node-metadata.py IN.onnx OUT.onnx NODE KEY VALUE

NodeProto.metadata_props (field 9) is newer than Debian's onnx.proto, so
protoc cannot write it from text: this edits the protobuf wire format
directly (ModelProto.graph = 7, GraphProto.node = 1, NodeProto.name = 3).
"""
import sys


def varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def fields(data):
    """(field number, wire type, raw bytes of the whole field, payload)."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = varint(data, pos)
            payload = None
        elif wire == 1:
            pos += 8
            payload = None
        elif wire == 5:
            pos += 4
            payload = None
        elif wire == 2:
            length, pos = varint(data, pos)
            payload = data[pos:pos + length]
            pos += length
        else:
            raise SystemExit("unsupported wire type %d" % wire)
        yield number, wire, data[start:pos], payload


def length_field(number, payload):
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


def edit(data, path, change):
    """Rebuilds `data`, applying `change` to the submessages along `path`."""
    out = bytearray()
    for number, wire, raw, payload in fields(data):
        if wire == 2 and number == path[0]:
            inner = (change(payload) if len(path) == 1
                     else edit(payload, path[1:], change))
            out += length_field(number, inner)
        else:
            out += raw
    return bytes(out)


def main():
    src, dst, node, key, value = sys.argv[1:6]
    entry = length_field(1, key.encode()) + length_field(2, value.encode())

    def add(node_bytes):
        for number, wire, _, payload in fields(node_bytes):
            if number == 3 and wire == 2 and payload.decode() == node:
                return node_bytes + length_field(9, entry)
        return node_bytes

    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(edit(data, [7, 1], add))


main()
