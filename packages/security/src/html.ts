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
  writeLoader: (entries: ReadonlyArray<{ url: string; integrity: string }>) => Loader;
}

export interface SecuredHtml {
  html: string;
  /** Every resource the page references, with the integrity it now carries. */
  resources: Array<Resource & { integrity: string }>;
  loader: Loader | null;
  /** CSP hash sources for inline scripts and styles (aim for none). */
  inlineScriptHashes: string[];
  inlineStyleHashes: string[];
  /** URL → SRI of the modules the page's import map gives an integrity (lazy chunks). */
  importMapIntegrity: Record<string, string>;
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

/** The `integrity` section of an import map's text. */
function importMapIntegrityOf(text: string): Record<string, string> {
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    throw new Error('the import map is not valid JSON');
  }
  const integrity = (map as { integrity?: unknown } | null)?.integrity ?? {};
  if (typeof integrity !== 'object' || integrity === null) return {};
  return Object.fromEntries(
    Object.entries(integrity).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
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
  const importMapIntegrity: Record<string, string> = {};
  const entries: Array<{ el: Element; url: string; integrity: string }> = [];
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
        if (/^importmap$/i.test(type))
          Object.assign(importMapIntegrity, importMapIntegrityOf(textOf(el)));
      } else if (type === 'module') {
        entries.push({ el, url: src, integrity: withSri('module', src) });
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
    loader = options.writeLoader(entries.map(({ url, integrity }) => ({ url, integrity })));
    entries.forEach(({ el, url, integrity }, i) => {
      const location = el.sourceCodeLocation!;
      const preload = tag('link', {
        rel: 'modulepreload',
        crossorigin: 'anonymous',
        href: url,
        integrity,
      });
      const script =
        i === 0 && loader
          ? `${tag('script', {
              type: 'module',
              crossorigin: 'anonymous',
              src: loader.url,
              integrity: loader.integrity,
            })}</script>`
          : '';
      edits.push({ start: location.startOffset, end: location.endOffset, text: preload + script });
    });
  }

  let out = html;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return {
    html: out,
    resources,
    loader,
    inlineScriptHashes,
    inlineStyleHashes,
    importMapIntegrity,
  };
}

/** The loader module: inserts each entry as a non-parser-inserted, SRI-checked module script. */
export function loaderSource(entries: ReadonlyArray<{ url: string; integrity: string }>): string {
  const list = JSON.stringify(entries.map(({ url, integrity }) => [url, integrity]));
  return `// Generated by bastion-security. Scripts inserted by a hash-trusted script are trusted through
// 'strict-dynamic', and so is every module they import; SRI still checks each entry's bytes.
for (const [src, integrity] of ${list}) {
  const script = document.createElement('script');
  script.type = 'module';
  script.crossOrigin = 'anonymous';
  script.integrity = integrity;
  script.src = src;
  document.head.append(script);
}
`;
}
