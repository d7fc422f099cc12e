#!/usr/bin/env node
// Runs a model in ONNX Runtime (onnxruntime-node, CPU) and writes the values
// a sidecar names as a --dump-tensors folder (NAME.npy + index.json), the
// reference of `coreai-debug compare --reference ort`, which writes the model
// (every node output made a graph output) and the sidecar.
//
//   node scripts/onnx-reference.js --ort-dir DIR --model exposed.onnx \
//        --values values.json --input input_0.pb [...] --out OUT
//
// values.json: [{"output": VALUE, "node": NODE, "op_type": OP}, ...] in graph
// order. DIR has node_modules/onnxruntime-node (scripts/bench installs it
// into build/bench/). Inputs are ONNX TensorProto .pb files in the order of
// the model's inputs.
'use strict';

const fs = require('fs');
const path = require('path');
const { readTensorProto } = require('./bench-ort.js');

function die(msg) {
  process.stderr.write(`onnx-reference: error: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  // Every flag takes a value; --input repeats.
  const names = { '--ort-dir': 'ortDir', '--model': 'model', '--values': 'values', '--out': 'out' };
  const a = { inputs: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) die(`${flag} needs a value`);
    if (flag === '--input') a.inputs.push(value);
    else if (names[flag]) a[names[flag]] = value;
    else die(`unknown argument '${flag}'`);
  }
  for (const [flag, key] of Object.entries(names))
    if (!a[key]) die(`${flag} is required`);
  return a;
}

// ORT element types as .npy descriptors.
const NPY = {
  float32: '<f4', float64: '<f8', float16: '<f2', int64: '<i8', int32: '<i4',
  int16: '<i2', int8: '|i1', uint64: '<u8', uint32: '<u4', uint16: '<u2',
  uint8: '|u1', bool: '|b1',
};

function writeNpy(file, tensor) {
  const descr = NPY[tensor.type];
  if (!descr) return false;
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n', padded to 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(pre, 0);
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
  return true;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const pkgDir = path.resolve(a.ortDir, 'node_modules', 'onnxruntime-node');
  if (!fs.existsSync(pkgDir)) die(`no onnxruntime-node in ${a.ortDir} (npm install --ignore-scripts onnxruntime-node@1.30.0 there)`);
  const ort = require(pkgDir);
  const values = JSON.parse(fs.readFileSync(a.values, 'utf8'));
  const session = await ort.InferenceSession.create(path.resolve(a.model), {
    executionProviders: ['cpu'], graphOptimizationLevel: 'basic',
  });
  if (a.inputs.length !== session.inputNames.length)
    die(`model has ${session.inputNames.length} inputs, got ${a.inputs.length} --input files`);
  const feeds = {};
  session.inputNames.forEach((n, k) => {
    const t = readTensorProto(a.inputs[k]);
    feeds[n] = new ort.Tensor(t.type, t.data, t.shape);
  });
  const outs = await session.run(feeds);
  fs.mkdirSync(a.out, { recursive: true });
  const index = [];
  values.forEach((v, k) => {
    const t = outs[v.output];
    if (!t) return;
    const file = `value_${k}.npy`;
    if (!writeNpy(path.join(a.out, file), t)) return;
    index.push({ node: v.node, op_type: v.op_type, output: v.output, dtype: t.type,
                 shape: t.dims, unit: 'onnxruntime', file });
  });
  fs.writeFileSync(path.join(a.out, 'index.json'), JSON.stringify(index, null, 1) + '\n');
}

main().catch((e) => die(e && e.message ? e.message : String(e)));
