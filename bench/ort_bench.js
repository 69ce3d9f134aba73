#!/usr/bin/env node
// Median latency of an ONNX model in ONNX Runtime (CPU), batch 1, random input.
//
//   node bench/ort_bench.js MODEL.onnx THREADS REPEAT
//
// Prints "ort: median latency X ms over K runs (T threads)" after 3 warm-up runs.
// Needs onnxruntime-node (npm ci at the repository root).
'use strict';

const ort = require('onnxruntime-node');

async function main() {
  const [model, threads, repeat] = process.argv.slice(2);
  if (!model) {
    process.stderr.write('usage: ort_bench.js MODEL.onnx THREADS REPEAT\n');
    process.exit(2);
  }
  const t = Number(threads || 1), n = Number(repeat || 20);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: t,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const name = session.inputNames[0];
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  const dims = meta && meta.shape ? meta.shape.map((d) => (typeof d === 'number' ? d : 1))
                                  : [1, 3, 224, 224];
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = Math.sin(i * 0.37);
  const feeds = { [name]: new ort.Tensor('float32', data, dims) };
  for (let i = 0; i < 3; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < n; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const med = n % 2 ? times[(n - 1) / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
  console.log(`ort: median latency ${med.toFixed(3)} ms over ${n} runs (${t} threads)`);
}

main().catch((e) => {
  process.stderr.write(`ort_bench.js: error: ${e.message}\n`);
  process.exit(1);
});
