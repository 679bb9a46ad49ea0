// What a body's shape check costs against the JSON.parse it protects: a normal 1 MiB ingest body
// (the scan must be small beside the parse), and the bodies that are cheap to send and expensive
// to parse (300k `{}`, 400k nested `[]`), parsed vs refused by the scan; then the same bodies
// through the server as a process of its own (its CPU time per request, and the median latency of
// serial POSTs), beside a plain body of the same size. Pass a baseline's main.ts to measure it.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { COMPLETION_JSON_SHAPE } from '../src/openai/request.ts';
import { JsonShapeScanner } from '../src/plugins/json-shape.ts';
import { mainEnv, tempDir } from '../test/helpers.ts';
import { cpuMs } from './proc.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CHUNK = 64 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeMs(run: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function scan(bytes: Buffer): void {
  const scanner = new JsonShapeScanner(COMPLETION_JSON_SHAPE);
  for (let at = 0; at < bytes.length; at += CHUNK) {
    if (scanner.feed(bytes.subarray(at, at + CHUNK))) return;
  }
}

function tryParse(text: string): void {
  try {
    JSON.parse(text);
  } catch {}
}

/** Prose with the escapes real documents carry (newlines, quotes, tabs, backslashes, non-ASCII). */
function document(chars: number): string {
  const line = 'The "quick" brown fox\tjumps over C:\\dir\\file — naïve café {x: [1, 2]}.\n';
  return line.repeat(Math.ceil(chars / line.length)).slice(0, chars);
}

const ingest = JSON.stringify({
  documents: Array.from({ length: 10 }, (_, i) => ({
    path: `docs/${i}.md`,
    title: `Document ${i}`,
    content: document(90_000),
  })),
});
const bodies: Record<string, string> = {
  'ingest ~1 MiB': ingest,
  '300k {}': `[${'{},'.repeat(299_999)}{}]`,
  '400k nested []': `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
};

console.log(`median of ${RUNS} runs, in process (scan in ${CHUNK / 1024} KiB chunks)`);
console.log('body              bytes     JSON.parse ms  scan ms  scan/parse');
for (const [name, text] of Object.entries(bodies)) {
  const bytes = Buffer.from(text);
  const parse = timeMs(() => tryParse(text));
  const scanned = timeMs(() => scan(bytes));
  console.log(
    `${name.padEnd(16)} ${String(bytes.length).padStart(8)} ${parse.toFixed(2).padStart(14)} ${scanned.toFixed(3).padStart(8)} ${(scanned / parse).toFixed(4).padStart(11)}`,
  );
}

// The server as its own process, so its CPU time is its own (a baseline's main.ts may be named).
const mainScript = process.argv[2] ?? fileURLToPath(new URL('../src/main.ts', import.meta.url));
const PORT = 18_931;
const url = `http://127.0.0.1:${PORT}`;
const dataDir = tempDir('bastion-bench-');
const child = spawn(process.execPath, [mainScript], {
  env: mainEnv(dataDir, { PORT: String(PORT), LOG_LEVEL: 'silent', RATE_LIMIT_API: 'off' }),
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const plain = JSON.stringify({ model: 'bastion', messages: [], pad: 'x'.repeat(800_000) });
  console.log(`\n${mainScript}: POST /v1/chat/completions, ${RUNS} serial requests each`);
  console.log('body             server CPU ms/request  median latency ms  HTTP');
  for (const [name, body] of Object.entries({ 'plain 800 KB': plain, ...bodies })) {
    const samples: number[] = [];
    let status = 0;
    const cpuBefore = cpuMs(child.pid);
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      status = res.status;
      samples.push(performance.now() - start);
    }
    const cpu = (cpuMs(child.pid) - cpuBefore) / RUNS;
    console.log(
      `${name.padEnd(16)} ${cpu.toFixed(1).padStart(21)} ${median(samples).toFixed(1).padStart(18)}  ${status}`,
    );
  }
} finally {
  child.kill();
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
