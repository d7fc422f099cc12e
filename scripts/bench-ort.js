#!/usr/bin/env node
// Times ONNX Runtime (onnxruntime-node, CPU) on one model, single-threaded, for
// scripts/bench. Inputs and optional references are ONNX TensorProto .pb files
// (the ONNX backend-test layout), parsed here by hand.
//
//   node scripts/bench-ort.js --ort-dir DIR --model model.onnx \
//        --input input_0.pb [--input input_1.pb ...] [--expect output_0.pb ...] \
//        (--iterations N | --budget-s S [--max-iterations M] [--min-iterations K])
//        [--threads T]
//
// DIR is a folder with node_modules/onnxruntime-node (scripts/bench installs it
// into build/bench/). Session: intraOpNumThreads=T (default 1), interOpNumThreads=1,
// graphOptimizationLevel='all' (ORT's default), executionMode='sequential',
// CPU execution provider. One warm-up run, then N timed runs, each awaited
// before the next. With --budget-s, N = clamp(floor(S / warm-up ms), K, M).
// Prints progress to stderr and a JSON summary as the last stdout line, with
// the process's resident memory before the session was created and at its
// peak (Node.js itself accounts for the first).
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`bench-ort: error: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = { inputs: [], expects: [], iterations: 0, budgetS: 0, maxIterations: 20, minIterations: 3, threads: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) die(`${k} needs a value`); return argv[++i]; };
    switch (k) {
      case '--ort-dir': a.ortDir = v(); break;
      case '--model': a.model = v(); break;
      case '--input': a.inputs.push(v()); break;
      case '--expect': a.expects.push(v()); break;
      case '--iterations': a.iterations = parseInt(v(), 10); break;
      case '--budget-s': a.budgetS = parseFloat(v()); break;
      case '--max-iterations': a.maxIterations = parseInt(v(), 10); break;
      case '--min-iterations': a.minIterations = parseInt(v(), 10); break;
      case '--threads': a.threads = parseInt(v(), 10); break;
      case '-h': case '--help':
        process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 16)
          .map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
        process.exit(0);
      default: die(`unknown argument '${k}'`);
    }
  }
  if (!a.ortDir) die('--ort-dir is required');
  if (!a.model) die('--model is required');
  if (a.inputs.length === 0) die('at least one --input is required');
  if (!(a.iterations > 0) && !(a.budgetS > 0)) die('give --iterations N (N >= 1) or --budget-s S');
  if (!(a.threads > 0)) die('--threads must be a positive integer');
  return a;
}

// ---- ONNX TensorProto (protobuf wire format) ------------------------------

class Reader {
  constructor(buf, file) { this.buf = buf; this.pos = 0; this.file = file; }
  eof() { return this.pos >= this.buf.length; }
  fail(msg) { throw new Error(`${this.file}: malformed TensorProto at byte ${this.pos}: ${msg}`); }
  varint() { // as BigInt (uint64)
    let result = 0n, shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) this.fail('varint too long');
    }
  }
  bytes() {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) this.fail('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire) {
    switch (wire) {
      case 0: this.varint(); break;
      case 1: this.pos += 8; break;
      case 2: this.bytes(); break;
      case 5: this.pos += 4; break;
      default: this.fail(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.buf.length) this.fail('truncated field');
  }
}

// Repeated scalar field: packed (wire type 2) or one element (the field's own wire type).
function readRepeated(r, wire, scalarWire, readOne, out) {
  if (wire === 2) {
    const sub = new Reader(r.bytes(), r.file);
    while (!sub.eof()) out.push(readOne(sub));
  } else if (wire === scalarWire) {
    out.push(readOne(r));
  } else {
    r.fail(`unexpected wire type ${wire}`);
  }
}
const rdVarint = (r) => r.varint();
const rdF32 = (r) => { if (r.pos + 4 > r.buf.length) r.fail('truncated float'); const v = r.buf.readFloatLE(r.pos); r.pos += 4; return v; };
const rdF64 = (r) => { if (r.pos + 8 > r.buf.length) r.fail('truncated double'); const v = r.buf.readDoubleLE(r.pos); r.pos += 8; return v; };

// ONNX TensorProto.DataType -> [ort type, TypedArray, element size]
const DTYPES = {
  1: ['float32', Float32Array, 4],
  2: ['uint8', Uint8Array, 1],
  3: ['int8', Int8Array, 1],
  6: ['int32', Int32Array, 4],
  7: ['int64', BigInt64Array, 8],
  9: ['bool', Uint8Array, 1],
  11: ['float64', Float64Array, 8],
};

function readTensorProto(file) {
  let buf;
  try { buf = fs.readFileSync(file); } catch (e) { throw new Error(`cannot read ${file}: ${e.message}`); }
  const r = new Reader(buf, file);
  const dims = [], floats = [], int32s = [], int64s = [], doubles = [];
  let dataType = 0, name = '', raw = null;
  while (!r.eof()) {
    const key = Number(r.varint());
    const field = key >>> 3, wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, 0, rdVarint, dims); break;
      case 2: if (wire !== 0) r.fail('data_type'); dataType = Number(r.varint()); break;
      case 4: readRepeated(r, wire, 5, rdF32, floats); break;
      case 5: readRepeated(r, wire, 0, rdVarint, int32s); break;
      case 7: readRepeated(r, wire, 0, rdVarint, int64s); break;
      case 8: if (wire !== 2) r.fail('name'); name = r.bytes().toString('utf8'); break;
      case 9: if (wire !== 2) r.fail('raw_data'); raw = r.bytes(); break;
      case 10: readRepeated(r, wire, 1, rdF64, doubles); break;
      case 14: if (wire === 0 && Number(r.varint()) !== 0) r.fail('external data is not supported'); else if (wire !== 0) r.skip(wire); break;
      default: r.skip(wire);
    }
  }
  const dt = DTYPES[dataType];
  if (!dt) throw new Error(`${file}: unsupported TensorProto data_type ${dataType}`);
  const [type, Arr, size] = dt;
  const shape = dims.map((d) => Number(BigInt.asIntN(64, d)));
  const count = shape.reduce((p, d) => p * d, 1);
  let data;
  if (raw) {
    if (raw.length !== count * size) throw new Error(`${file}: raw_data has ${raw.length} bytes, shape [${shape}] needs ${count * size}`);
    const copy = new ArrayBuffer(raw.length); // aligned copy
    new Uint8Array(copy).set(raw);
    data = new Arr(copy);
  } else if (dataType === 1) {
    data = Float32Array.from(floats);
  } else if (dataType === 11) {
    data = Float64Array.from(doubles);
  } else if (dataType === 7) {
    data = BigInt64Array.from(int64s, (v) => BigInt.asIntN(64, v));
  } else { // int32, int8, uint8, bool live in int32_data
    data = Arr.from(int32s, (v) => Number(BigInt.asIntN(32, v)));
  }
  if (data.length !== count) throw new Error(`${file}: ${data.length} elements, shape [${shape}] needs ${count}`);
  return { name, type, shape, data };
}

// ---- comparison (scripts' fp32 tolerance) ----------------------------------

function compare(got, want, atol = 1e-4, rtol = 1e-3) {
  const gs = Array.from(got.dims), ws = want.shape;
  if (gs.length !== ws.length || gs.some((d, i) => d !== ws[i])) {
    return { ok: false, max_abs_err: null, why: `shape [${gs}] vs reference [${ws}]` };
  }
  let maxErr = 0, ok = true;
  for (let i = 0; i < want.data.length; i++) {
    const g = Number(got.data[i]), w = Number(want.data[i]);
    const e = Math.abs(g - w);
    if (!(e <= atol + rtol * Math.abs(w))) ok = false; // NaN fails
    if (!(e <= maxErr)) maxErr = e;
  }
  return { ok, max_abs_err: maxErr };
}

// ---- main -------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const pkgDir = path.resolve(a.ortDir, 'node_modules', 'onnxruntime-node');
  let ort;
  try {
    ort = require(pkgDir);
  } catch (e) {
    die(`cannot load onnxruntime-node from ${pkgDir}: ${e.message}`);
  }

  const tensors = a.inputs.map(readTensorProto);
  const refs = a.expects.map(readTensorProto);

  const rssBefore = process.memoryUsage().rss;
  const t0 = nowMs();
  const session = await ort.InferenceSession.create(path.resolve(a.model), {
    executionProviders: ['cpu'],
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const loadMs = nowMs() - t0;

  if (tensors.length !== session.inputNames.length) {
    die(`model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}), got ${tensors.length} --input files`);
  }
  // input_K.pb feeds the K-th graph input (the ONNX backend-test convention).
  const feeds = {};
  session.inputNames.forEach((n, k) => {
    const t = tensors[k];
    feeds[n] = new ort.Tensor(t.type, t.data, t.shape);
  });

  const w0 = nowMs();
  const outs = await session.run(feeds);
  const warmupMs = nowMs() - w0;

  let n = a.iterations;
  if (!(n > 0)) {
    n = Math.floor((a.budgetS * 1000) / Math.max(warmupMs, 1e-3));
    n = Math.max(a.minIterations, Math.min(a.maxIterations, n));
  }

  const times = [];
  for (let i = 0; i < n; i++) {
    const s = nowMs();
    await session.run(feeds);
    times.push(nowMs() - s);
  }

  let refOk = null, refErr = null;
  if (refs.length) {
    refOk = true; refErr = 0;
    refs.forEach((ref, k) => {
      const name = session.outputNames[k];
      if (name === undefined) { refOk = false; process.stderr.write(`bench-ort: no output ${k} for reference ${a.expects[k]}\n`); return; }
      const c = compare(outs[name], ref);
      process.stderr.write(`bench-ort: output ${k} '${name}': max_abs_err=${c.max_abs_err === null ? 'n/a' : c.max_abs_err.toExponential(2)} ${c.ok ? 'ok' : 'MISMATCH' + (c.why ? ' (' + c.why + ')' : '')}\n`);
      if (!c.ok) refOk = false;
      if (c.max_abs_err === null) refErr = null; else if (refErr !== null) refErr = Math.max(refErr, c.max_abs_err);
    });
  }

  const summary = {
    runtime: 'onnxruntime-node',
    version: ort.env.versions ? ort.env.versions.node : undefined,
    iterations: n,
    threads: a.threads,
    median_ms: median(times),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    warmup_ms: warmupMs,
    load_ms: loadMs,
    matches_reference: refOk,
    max_abs_err: refErr,
    rss_before_bytes: rssBefore,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  };
  if (typeof session.release === 'function') await session.release();
  process.stdout.write(JSON.stringify(summary) + '\n');
}

if (require.main === module) {
  main().catch((e) => die(e && e.message ? e.message : String(e)));
} else {
  module.exports = { readTensorProto, compare };
}
