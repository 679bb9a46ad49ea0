import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/rag/ingest/chunk.ts';
import { detectFormat, extractDocument } from '../../src/rag/ingest/extract.ts';
import { splitText } from '../../src/rag/ingest/split.ts';
import type { SourceDocument } from '../../src/rag/ingest/types.ts';
import { makePdf } from './fixtures/pdf.ts';

async function chunksOf(doc: SourceDocument) {
  const extracted = await extractDocument(doc);
  return { extracted, chunks: chunkDocument(extracted) };
}

describe('ingestion formats', () => {
  it('Markdown: heading paths as chunk titles, front-matter title, fences never split headings', async () => {
    const long = 'Tokens rotate every hour. '.repeat(120);
    const { extracted, chunks } = await chunksOf({
      path: 'guide.md',
      content: [
        '---',
        'title: Operator guide',
        '---',
        '# Ignored because front matter wins',
        'Intro text.',
        '## Install',
        'Run the installer.',
        '```sh',
        '# not a heading',
        'npm ci',
        '```',
        'Setext heading',
        '--------------',
        'Under setext.',
        '## Keys',
        '### Rotation',
        long,
      ].join('\n'),
    });
    expect(extracted.title).toBe('Operator guide');
    expect(extracted.sections.map((s) => s.headings)).toEqual([
      ['Ignored because front matter wins'],
      ['Ignored because front matter wins', 'Install'],
      ['Ignored because front matter wins', 'Setext heading'],
      ['Ignored because front matter wins', 'Keys', 'Rotation'],
    ]);
    expect(extracted.sections[1]?.text).toContain('# not a heading');
    const rotation = chunks.filter((c) => c.title.endsWith('Keys › Rotation'));
    expect(rotation.length).toBeGreaterThan(1);
    expect(rotation.every((c) => c.body.length <= 1800)).toBe(true);
    // Consecutive pieces of a long section overlap.
    const [a, b] = rotation;
    expect(b?.body.slice(0, 40) && a?.body.includes(b.body.slice(0, 40))).toBe(true);
  });

  it('MDX: import/export lines are dropped, JSX text kept', async () => {
    const { chunks } = await chunksOf({
      path: 'page.mdx',
      content:
        "import Chart from './chart'\nexport const meta = {}\n\n# Page\n\n<Chart />\nVisible words.",
    });
    const text = chunks.map((c) => c.body).join('\n');
    expect(text).toContain('Visible words.');
    expect(text).not.toContain('import Chart');
    expect(text).not.toContain('export const');
  });

  it('HTML: visible text only, split by headings, <title> as title', async () => {
    const { extracted, chunks } = await chunksOf({
      path: 'page.html',
      content: `<html><head><title>Runbook</title><style>.x{color:red}</style></head><body>
        <script>alert('secret-script')</script><noscript>enable js</noscript>
        <h1>Runbook</h1><p>Check the <a href="https://x.example/">dashboard</a> first.</p>
        <h2>Failover</h2><p>Switch to the <b>fallback</b> provider.</p></body></html>`,
    });
    expect(extracted.title).toBe('Runbook');
    const all = chunks.map((c) => `${c.title}\n${c.body}`).join('\n');
    expect(all).toContain('Check the dashboard first.');
    // Small sections share a chunk; the sub-heading stays in front of its text.
    expect(all).toContain('Failover\nSwitch to the fallback provider.');
    expect(all).not.toMatch(/alert|secret-script|color:red|enable js|https:\/\/x\.example/);
  });

  it('JSON and YAML: key paths and values are searchable text', async () => {
    const json = await chunksOf({
      path: 'settings.json',
      content: JSON.stringify({ server: { port: 8787, hosts: ['a', 'b'] }, name: 'bastion' }),
    });
    expect(json.chunks.map((c) => c.body).join('\n')).toContain('server.port: 8787');
    expect(json.chunks.map((c) => c.body).join('\n')).toContain('server.hosts[1]: b');
    const yaml = await chunksOf({
      path: 'compose.yaml',
      content: 'services:\n  web:\n    image: nginx\n',
    });
    expect(yaml.chunks[0]?.body).toContain('services.web.image: nginx');
    expect(yaml.chunks[0]?.title).toBe('compose › services');
    const broken = await chunksOf({ path: 'bad.json', content: '{ not json' });
    expect(broken.chunks[0]?.body).toBe('{ not json');
  });

  it('source code: one section per top-level declaration, comments kept with it', async () => {
    const { extracted } = await extractDocument({
      path: 'util.ts',
      content: [
        "import { x } from './x.ts';",
        '',
        '/** Adds. */',
        'export function add(a: number, b: number) {',
        '  return a + b;',
        '}',
        'export class Counter {',
        '  count = 0;',
        '',
        '  increment() {}',
        '}',
        '',
        'def python_style():',
        '    pass',
      ].join('\n'),
    }).then((extracted) => ({ extracted }));
    expect(extracted.sections.map((s) => s.headings[0])).toEqual([
      "import { x } from './x.ts';",
      'export function add(a: number, b: number)',
      'export class Counter',
      'def python_style()',
    ]);
    expect(extracted.sections[1]?.text.startsWith('/** Adds. */')).toBe(true);
    expect(extracted.inlineHeadings).toBe(false);
  });

  it('PDF: text of every page through pdf.js, metadata title, base64 from JSON callers', async () => {
    const pdf = makePdf(['Quarterly revenue grew', 'Second page about churn'], 'Board report');
    const { extracted, chunks } = await chunksOf({ path: 'report.pdf', content: pdf });
    expect(extracted.title).toBe('Board report');
    expect(extracted.mimeType).toBe('application/pdf');
    expect(chunks.map((c) => c.body).join(' ')).toMatch(
      /Quarterly revenue grew.*Second page about churn/s,
    );
    const viaBase64 = await chunksOf({
      path: 'upload',
      mimeType: 'application/pdf',
      content: Buffer.from(pdf).toString('base64'),
    });
    expect(viaBase64.chunks.map((c) => c.body).join(' ')).toContain('Second page about churn');
    await expect(
      extractDocument({ path: 'broken.pdf', content: new Uint8Array([1, 2, 3]) }),
    ).rejects.toThrow();
  });

  it('plain text: paragraphs packed up to the limit; binary refused', async () => {
    const { chunks } = await chunksOf({
      path: 'notes.txt',
      content: 'First paragraph.\n\nSecond one.',
    });
    expect(chunks).toEqual([{ title: 'notes', body: 'First paragraph.\n\nSecond one.' }]);
    await expect(
      extractDocument({ path: 'x.txt', content: new Uint8Array([104, 105, 0, 1]) }),
    ).rejects.toThrow(/binary/);
  });

  it('detects formats from the MIME type first, then the extension', () => {
    expect(detectFormat('a.txt', 'text/markdown; charset=utf-8')).toBe('markdown');
    expect(detectFormat('a.YML')).toBe('yaml');
    expect(detectFormat('main.go')).toBe('code');
    expect(detectFormat('unknown.xyz')).toBe('text');
  });

  it('splits text at paragraphs, then sentences, then words, within the limit', () => {
    const text = `${'Short sentence here. '.repeat(30)}\n\n${'x'.repeat(250)}`;
    const pieces = splitText(text, { maxChars: 100, overlapChars: 30 });
    expect(pieces.every((p) => p.length <= 100)).toBe(true);
    expect(pieces.join(' ')).toContain('x'.repeat(50));
    expect(pieces[1]?.startsWith('Short sentence here.')).toBe(true);
  });
});
