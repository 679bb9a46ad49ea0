import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { hashSource } from './sri.ts';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

export type ResourceKind = 'module' | 'modulepreload' | 'stylesheet' | 'preload';

export interface Resource {
  kind: ResourceKind;
  /** Root-relative URL as written in the HTML, e.g. `/assets/index-abc.js`. */
  url: string;
}

export interface Loader {
  url: string;
  integrity: string;
}

export interface SecureHtmlOptions {
  /** SRI value of a same-origin resource, computed on the final bytes. */
  integrityOf: (url: string) => string;
  /** Writes the loader for the page's module entries; returns where it lives and its SRI. */
  writeLoader: (entries: ReadonlyArray<LoaderEntry>) => Loader;
}

/** A module entry the loader inserts; `fetchPriority` is the entry script's `fetchpriority`. */
export interface LoaderEntry {
  url: string;
  integrity: string;
  fetchPriority?: FetchPriority;
}

type FetchPriority = 'high' | 'low' | 'auto';

/**
 * The entry script's `fetchpriority`, kept through the move behind the loader: a page whose first
 * screen is HTML marks the script that hydrates it `low`, so it never competes with (nor counts as
 * blocking) the first paint.
 */
function fetchPriorityOf(el: Element): FetchPriority | undefined {
  const value = attr(el, 'fetchpriority')?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'high' || value === 'low' || value === 'auto') return value;
  throw new Error(`<script fetchpriority="${value}">: expected high, low or auto`);
}

export interface SecuredHtml {
  html: string;
  /** Every resource the page references, with the integrity it now carries. */
  resources: Array<Resource & { integrity: string }>;
  loader: Loader | null;
  /** CSP hash sources for inline scripts and styles (aim for none). */
  inlineScriptHashes: string[];
  inlineStyleHashes: string[];
}

/** Script types the browser executes (and CSP therefore governs); data blocks are not. */
const EXECUTABLE_SCRIPT =
  /^(|module|importmap|speculationrules|text\/javascript|application\/javascript)$/i;

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

function* elements(node: Node): Generator<Element> {
  if ('tagName' in node) yield node;
  const children =
    'content' in node && node.content
      ? node.content.childNodes
      : 'childNodes' in node
        ? node.childNodes
        : [];
  for (const child of children) yield* elements(child);
}

function textOf(el: Element): string {
  return el.childNodes.map((c) => ('value' in c ? c.value : '')).join('');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

function tag(name: string, attrs: Record<string, string>): string {
  const rendered = Object.entries(attrs).map(([k, v]) =>
    v === '' ? k : `${k}="${escapeAttr(v)}"`,
  );
  return `<${[name, ...rendered].join(' ')}>`;
}

function sameOriginUrl(url: string, where: string): string {
  if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(url)) {
    throw new Error(`${where} loads ${url} from another origin; the CSP allows only this origin`);
  }
  return url;
}

function linkKind(el: Element): ResourceKind | null {
  const rel = (attr(el, 'rel') ?? '').toLowerCase().split(/\s+/);
  if (rel.includes('modulepreload')) return 'modulepreload';
  if (rel.includes('stylesheet')) return 'stylesheet';
  const as = attr(el, 'as');
  if (rel.includes('preload') && (as === 'script' || as === 'style')) return 'preload';
  return null;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Adds SRI (`integrity` + `crossorigin="anonymous"`) to every script, stylesheet and
 * (module)preload, and moves the module entry scripts behind one external loader, so that the
 * only script the parser runs is matched by its hash and everything it inserts inherits trust
 * through `'strict-dynamic'`. Works on the final HTML bytes; edits are surgical so the rest of
 * the document stays byte-identical.
 */
export function secureHtml(html: string, options: SecureHtmlOptions): SecuredHtml {
  const document = parse(html, { sourceCodeLocationInfo: true });
  const resources: SecuredHtml['resources'] = [];
  const inlineScriptHashes: string[] = [];
  const inlineStyleHashes: string[] = [];
  const entries: Array<LoaderEntry & { el: Element }> = [];
  const edits: Edit[] = [];

  for (const el of elements(document)) {
    const location = el.sourceCodeLocation;
    if (!location?.startTag) continue;
    for (const a of el.attrs) {
      if (/^on/i.test(a.name) || a.name === 'style') {
        throw new Error(
          `<${el.tagName} ${a.name}="…"> is inline code the CSP blocks; move it to a module or stylesheet`,
        );
      }
    }
    const withSri = (kind: ResourceKind, url: string) => {
      const integrity = options.integrityOf(sameOriginUrl(url, `<${el.tagName}>`));
      resources.push({ kind, url, integrity });
      return integrity;
    };

    if (el.tagName === 'script') {
      const src = attr(el, 'src');
      const type = attr(el, 'type') ?? '';
      if (src === undefined) {
        if (EXECUTABLE_SCRIPT.test(type)) inlineScriptHashes.push(hashSource(textOf(el), 'sha256'));
      } else if (type === 'module') {
        const fetchPriority = fetchPriorityOf(el);
        entries.push({
          el,
          url: src,
          integrity: withSri('module', src),
          ...(fetchPriority ? { fetchPriority } : {}),
        });
      } else {
        throw new Error(`classic script ${src}: only module scripts are supported`);
      }
    } else if (el.tagName === 'style') {
      inlineStyleHashes.push(hashSource(textOf(el), 'sha256'));
    } else if (el.tagName === 'link') {
      const kind = linkKind(el);
      const href = attr(el, 'href');
      if (!kind || href === undefined) continue;
      const attrs = Object.fromEntries(el.attrs.map((a) => [a.name, a.value]));
      edits.push({
        start: location.startTag.startOffset,
        end: location.startTag.endOffset,
        text: tag('link', { ...attrs, crossorigin: 'anonymous', integrity: withSri(kind, href) }),
      });
    }
  }

  let loader: Loader | null = null;
  if (entries.length > 0) {
    loader = options.writeLoader(entries.map(({ el: _, ...entry }) => entry));
    // The loader holds back every entry, so it is low priority only when all of them are.
    const loaderPriority: Record<string, string> = entries.every((e) => e.fetchPriority === 'low')
      ? { fetchpriority: 'low' }
      : {};
    entries.forEach(({ el, url, integrity, fetchPriority }, i) => {
      const location = el.sourceCodeLocation!;
      const preload = tag('link', {
        rel: 'modulepreload',
        crossorigin: 'anonymous',
        href: url,
        integrity,
        ...(fetchPriority ? { fetchpriority: fetchPriority } : {}),
      });
      const script =
        i === 0 && loader
          ? `${tag('script', {
              type: 'module',
              crossorigin: 'anonymous',
              src: loader.url,
              integrity: loader.integrity,
              ...loaderPriority,
            })}</script>`
          : '';
      edits.push({ start: location.startOffset, end: location.endOffset, text: preload + script });
    });
  }

  let out = html;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { html: out, resources, loader, inlineScriptHashes, inlineStyleHashes };
}

/** The loader module: inserts each entry as a non-parser-inserted, SRI-checked module script. */
export function loaderSource(entries: ReadonlyArray<LoaderEntry>): string {
  const list = JSON.stringify(
    entries.map(({ url, integrity, fetchPriority }) =>
      fetchPriority ? [url, integrity, fetchPriority] : [url, integrity],
    ),
  );
  return `// Generated by bastion-security. Scripts inserted by a hash-trusted script are trusted through
// 'strict-dynamic', and so is every module they import; SRI still checks each entry's bytes.
for (const [src, integrity, fetchPriority] of ${list}) {
  const script = document.createElement('script');
  script.type = 'module';
  script.crossOrigin = 'anonymous';
  script.integrity = integrity;
  if (fetchPriority) script.fetchPriority = fetchPriority;
  script.src = src;
  document.head.append(script);
}
`;
}
