// Known-item test collections built from text this machine already has, judged by construction
// (each query has exactly one relevant document): short, DBpedia-like queries that nobody tuned
// on. Nothing of the third-party text is stored in the repository; the eval builds the
// collections in memory from the system's files, or says how to get them.
//
// - Debian packages: document = package name (title) + long description, query = the package's
//   one-line synopsis, from apt's Translation-en list.
// - Manual pages: document = page name (title) + the page without its NAME section, query = the
//   NAME line's description ("list directory contents"), from /usr/share/man.
//
// Siblings that share their text (foo, foo-dev, foo-doc; pages listed under several names) are
// one entity: only one of them (the shortest name) becomes a document, so a query never has an
// equally right answer that is judged wrong. Queries whose text is not unique are not asked.

import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CorpusDocument, type Qrels, random } from './beir.ts';

export interface KnownItemCorpus {
  name: string;
  docs: CorpusDocument[];
  queries: Map<string, string>;
  /** Disjoint query sets over the same documents: `dev` for choosing, `test` for reporting. */
  splits: { dev: Qrels; test: Qrels };
}

/** Why a corpus is missing and how to get it. */
export interface Skipped {
  name: string;
  skipped: string;
}

/** How many documents, and queries per split, a collection samples. */
export interface Sizes {
  docs: number;
  queriesPerSplit: number;
}

const SIZES: Sizes = { docs: 5_000, queriesPerSplit: 300 };
const SEED = 17;
/** Longer pages are cut here: a query names what a page is about, which its start says. */
const MAX_TEXT_CHARS = 20_000;

interface Entity {
  /** Title: the package or page name. */
  name: string;
  text: string;
  query: string;
}

const normal = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * One entity per shared text (`key`), the shortest name (then the first alphabetically) standing
 * for it; then a seeded sample of documents, and of queries among those whose text no other
 * entity of the whole list shares.
 */
function sample(
  name: string,
  entities: Entity[],
  key: (e: Entity) => string,
  { docs: size, queriesPerSplit }: Sizes,
): KnownItemCorpus {
  const groups = new Map<string, Entity>();
  for (const e of entities) {
    const k = key(e);
    const held = groups.get(k);
    if (
      !held ||
      e.name.length < held.name.length ||
      (e.name.length === held.name.length && e.name < held.name)
    )
      groups.set(k, e);
  }
  const unique = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const queryCount = new Map<string, number>();
  for (const e of unique)
    queryCount.set(normal(e.query), (queryCount.get(normal(e.query)) ?? 0) + 1);

  const next = random(SEED);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [unique[i], unique[j]] = [unique[j] as Entity, unique[i] as Entity];
  }
  const chosen = unique.slice(0, size);
  const docs = chosen.map((e, i) => ({ id: `d${i}`, title: e.name, text: e.text }));
  const queries = new Map<string, string>();
  const splits = { dev: new Map(), test: new Map() } as KnownItemCorpus['splits'];
  for (const [i, e] of chosen.entries()) {
    if (queries.size === 2 * queriesPerSplit) break;
    if (queryCount.get(normal(e.query)) !== 1 || e.query.split(/\s+/).length < 2) continue;
    const split = queries.size < queriesPerSplit ? splits.dev : splits.test;
    const id = `q${i}`;
    queries.set(id, e.query);
    split.set(id, new Map([[`d${i}`, 1]]));
  }
  return { name, docs, queries, splits };
}

const TRANSLATION_EN =
  '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en';

/** Debian bookworm main's package descriptions (apt's Translation-en list, any compression). */
export function debianPackages(): KnownItemCorpus | Skipped {
  const name = 'Debian packages';
  const file = ['', '.lz4', '.gz', '.xz'].map((ext) => TRANSLATION_EN + ext).find(existsSync);
  if (!file) {
    return {
      name,
      skipped:
        'no Translation-en list; get it with `apt-get -o Acquire::Languages=en update` (Debian bookworm sources)',
    };
  }
  // apt's own helper reads whichever compression apt stored the list in.
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', file], {
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  return packagesFrom(text);
}

/** The collection from a Translation-en list's text (stanzas of Package and Description-en). */
export function packagesFrom(text: string, sizes: Sizes = SIZES): KnownItemCorpus {
  const entities: Entity[] = [];
  for (const stanza of text.split('\n\n')) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const at = stanza.indexOf('\nDescription-en: ');
    if (!pkg || at < 0) continue;
    const [synopsis = '', ...rest] = stanza.slice(at + '\nDescription-en: '.length).split('\n');
    // Long description lines start with a space; a lone "." is a paragraph break.
    const body = rest
      .filter((line) => line.startsWith(' '))
      .map((line) => (line.trim() === '.' ? '' : line.trim()))
      .join('\n')
      .trim();
    if (body.length === 0 || synopsis.trim().length === 0) continue;
    entities.push({ name: pkg, text: body, query: synopsis.trim() });
  }
  // Siblings (-dev, -doc, -dbg, data packages) repeat the first paragraph.
  return sample('Debian packages', entities, (e) => normal(e.text.split('\n\n')[0] ?? ''), sizes);
}

const MAN = '/usr/share/man';

/** Requests whose arguments are text (fonts, headings, tagged paragraphs); others are dropped. */
const TEXT_REQUESTS = new Set([
  'B',
  'I',
  'BI',
  'BR',
  'IB',
  'IR',
  'RB',
  'RI',
  'SB',
  'SM',
  'SH',
  'SS',
  'IP',
]);

/** Roff source to plain text: text requests' arguments kept, other requests and escapes removed. */
function roffText(source: string): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    const request = /^[.']\s*([A-Za-z]{1,3})\b\s?(.*)$/.exec(line);
    if (request) {
      if (TEXT_REQUESTS.has(request[1] ?? '')) lines.push((request[2] ?? '').replace(/"/g, ''));
    } else if (!/^[.']/.test(line)) lines.push(line);
  }
  return lines
    .join('\n')
    .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\*(\(..|\[[^\]]*\]|.)/g, '')
    .replace(/\\\(../g, ' ')
    .replace(/\\[ ~0]/g, ' ')
    .replace(/\\-/g, '-')
    .replace(/\\e/g, '\\')
    .replace(/\\[&/,|^%]/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Pages of one suite (first word of the file name) kept at most: gcloud alone has 16,000. */
const MAX_PAGES_PER_SUITE = 50;
/** Fewer pages than this make too small a haystack for a known-item search. */
const MIN_PAGES = 2_000;

/**
 * English manual pages in man(7) format (mdoc pages and `.so` redirections are left out), at most
 * MAX_PAGES_PER_SUITE per suite, up to 5,000 of them.
 */
export function manPages(): KnownItemCorpus | Skipped {
  const name = 'manual pages';
  const sections = existsSync(MAN) ? readdirSync(MAN).filter((d) => /^man\d$/.test(d)) : [];
  const entities: Entity[] = [];
  const suites = new Map<string, number>();
  for (const section of sections.sort()) {
    for (const file of readdirSync(join(MAN, section)).sort()) {
      const path = join(MAN, section, file);
      const suite = file.split(/[-._]/)[0] ?? '';
      if ((suites.get(suite) ?? 0) >= MAX_PAGES_PER_SUITE) continue;
      if (!lstatSync(path).isFile()) continue;
      const raw = readFileSync(path);
      const source = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      const match = /^\.SH\s+"?NAME"?\s*\n([\s\S]*?)\n\.SH/m.exec(source);
      if (!match?.[1]) continue;
      const nameLine = roffText(match[1]).replace(/\n/g, ' ');
      const dash = nameLine.search(/\s-+\s/);
      if (dash < 0) continue;
      const query = nameLine
        .slice(dash)
        .replace(/^\s-+\s/, '')
        .trim();
      const title = nameLine.slice(0, dash).trim();
      const text = roffText(source.slice((match.index ?? 0) + match[0].length - 3)).slice(
        0,
        MAX_TEXT_CHARS,
      );
      if (!query || !title || text.length < 100) continue;
      entities.push({ name: title, text, query });
      suites.set(suite, (suites.get(suite) ?? 0) + 1);
    }
  }
  if (entities.length < MIN_PAGES) {
    return {
      name,
      skipped: `${entities.length} English man(7) pages under ${MAN} (needs ${MIN_PAGES}; install packages with manual pages, without dpkg's path-exclude for /usr/share/man)`,
    };
  }
  // Pages installed under several names or sections describe one thing the same way.
  return sample(name, entities, (e) => normal(e.query), SIZES);
}
