#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime (CPU, one thread): the reference runtime
// of test/ort/run_ort_oracle.py.
//
//   node test/ort/run_model.js MODEL.onnx IN0.npy [IN1.npy ...] -o OUTDIR
//
// Same contract as xnorc-run and the generated programs: inputs are .npy files
// (float32 or float64, C order) given in the order of the model's inputs, and
// OUTDIR/output0.npy, output1.npy, ... are written as float32. If an input holds
// k times the element count of the model's input (k x batch), the model runs k
// times on consecutive slices and the outputs are concatenated along dim 0.
// Needs `onnxruntime-node` (npm ci at the repository root). Exit 1 on any error.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`run_model.js: error: ${msg}\n`);
  process.exit(1);
}

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    die(`cannot load onnxruntime-node (run 'npm ci' at the repository root): ${e.message}`);
  }
  return null;
}

// ---- .npy ------------------------------------------------------------------

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.readUInt32BE(0) !== 0x934e554d || buf.toString('latin1', 4, 6) !== 'PY') {
    die(`${file}: not a .npy file`);
  }
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) die(`${file}: cannot parse header ${header}`);
  if (fortran[1] === 'True') die(`${file}: Fortran order is not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  const data = new Float32Array(count);
  if (descr[1] === '<f4') {
    for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(off + 4 * i);
  } else if (descr[1] === '<f8') {
    for (let i = 0; i < count; i++) data[i] = buf.readDoubleLE(off + 8 * i);
  } else {
    die(`${file}: dtype ${descr[1]} is not supported (float32 or float64 only)`);
  }
  return { dims, data };
}

function writeNpy(file, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const hbuf = Buffer.alloc(10);
  hbuf.writeUInt32BE(0x934e554d, 0);
  hbuf.write('PY', 4, 'latin1');
  hbuf[6] = 1;
  hbuf[7] = 0;
  hbuf.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * data.length);
  for (let i = 0; i < data.length; i++) body.writeFloatLE(data[i], 4 * i);
  fs.writeFileSync(file, Buffer.concat([hbuf, Buffer.from(header, 'latin1'), body]));
}

// ---- main ------------------------------------------------------------------

async function main() {
  const argv = process.argv.slice(2);
  let outdir = null;
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-o') outdir = argv[++i];
    else if (argv[i].startsWith('-o=')) outdir = argv[i].slice(3);
    else pos.push(argv[i]);
  }
  if (pos.length < 1 || !outdir) {
    process.stderr.write('usage: run_model.js MODEL.onnx IN0.npy [IN1.npy ...] -o OUTDIR\n');
    process.exit(2);
  }
  const ort = loadOrt();
  const [modelPath, ...inputFiles] = pos;
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    die(`${modelPath}: ${e.message}`);
  }
  const names = session.inputNames;
  if (inputFiles.length !== names.length) {
    die(`${modelPath} has ${names.length} input(s) (${names.join(', ')}), ${inputFiles.length} given`);
  }
  // Model input shapes (dynamic dims taken from the data's leading dim / 1).
  const meta = session.inputMetadata || [];
  const inputs = inputFiles.map((f) => readNpy(f));
  const modelDims = inputs.map((inp, i) => {
    const m = meta[i];
    if (m && m.isTensor && Array.isArray(m.shape)) {
      return m.shape.map((d, j) => (typeof d === 'number' && d > 0 ? d : (j === 0 ? 1 : inp.dims[j])));
    }
    return inp.dims.slice();
  });
  let k = null;
  inputs.forEach((inp, i) => {
    const per = modelDims[i].reduce((a, b) => a * b, 1);
    if (per === 0 || inp.data.length % per !== 0) {
      die(`${inputFiles[i]}: ${inp.data.length} elements is not a multiple of the model input's ${per}`);
    }
    const ki = inp.data.length / per;
    if (k === null) k = ki;
    else if (k !== ki) die('inputs hold different multiples of the model input size');
  });
  const outs = session.outputNames.map(() => ({ dims: null, chunks: [] }));
  for (let r = 0; r < k; r++) {
    const feeds = {};
    inputs.forEach((inp, i) => {
      const per = modelDims[i].reduce((a, b) => a * b, 1);
      feeds[names[i]] = new ort.Tensor('float32', inp.data.slice(r * per, (r + 1) * per), modelDims[i]);
    });
    let result;
    try {
      result = await session.run(feeds);
    } catch (e) {
      die(`${modelPath}: run failed: ${e.message}`);
    }
    session.outputNames.forEach((n, j) => {
      const t = result[n];
      if (t.type !== 'float32') die(`output ${n} has type ${t.type}, only float32 is supported`);
      outs[j].dims = t.dims.map(Number);
      outs[j].chunks.push(t.data);
    });
  }
  fs.mkdirSync(outdir, { recursive: true });
  outs.forEach((o, j) => {
    const total = o.chunks.reduce((a, c) => a + c.length, 0);
    const data = new Float32Array(total);
    let pos2 = 0;
    for (const c of o.chunks) { data.set(c, pos2); pos2 += c.length; }
    const dims = o.dims.slice();
    if (k > 1) dims[0] = (dims.length ? dims[0] : 1) * k;
    writeNpy(path.join(outdir, `output${j}.npy`), dims.length ? dims : [total], data);
  });
}

main().catch((e) => die(e.stack || String(e)));
