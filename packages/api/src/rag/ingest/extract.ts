import { basename, extname } from 'node:path';
import { codeSections } from './code.ts';
import { htmlSections } from './html.ts';
import { markdownSections } from './markdown.ts';
import { pdfSections } from './pdf.ts';
import { structuredSections } from './structured.ts';
import type { ExtractedDocument, Section, SourceDocument } from './types.ts';

export type Format = 'markdown' | 'mdx' | 'html' | 'json' | 'yaml' | 'pdf' | 'code' | 'text';

const MIME: Record<Format, string> = {
  markdown: 'text/markdown',
  mdx: 'text/mdx',
  html: 'text/html',
  json: 'application/json',
  yaml: 'application/yaml',
  pdf: 'application/pdf',
  code: 'text/x-source',
  text: 'text/plain',
};

const CODE_EXTENSIONS =
  'ts tsx mts cts js jsx mjs cjs py rb go rs java kt kts scala swift c h cc cpp hpp cs php sh bash zsh sql lua pl r dart ex exs erl hs ml fs clj vue svelte'.split(
    ' ',
  );

const BY_EXTENSION: Record<string, Format> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'mdx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  pdf: 'pdf',
  txt: 'text',
  text: 'text',
  rst: 'text',
  adoc: 'text',
  csv: 'text',
  ...Object.fromEntries(CODE_EXTENSIONS.map((e) => [e, 'code' as const])),
};

const BY_MIME: Record<string, Format> = {
  ...Object.fromEntries(Object.entries(MIME).map(([format, mime]) => [mime, format as Format])),
  'text/x-markdown': 'markdown',
  'application/xhtml+xml': 'html',
  'text/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/javascript': 'code',
  'application/javascript': 'code',
  'application/typescript': 'code',
  'text/x-python': 'code',
};

function extensionOf(path: string): string {
  return extname(path).slice(1).toLowerCase();
}

/** Whether a file of this name is one ingestion understands (folder walks skip the rest). */
export function isSupportedFile(path: string): boolean {
  return extensionOf(path) in BY_EXTENSION;
}

/** The format from the declared MIME type (parameters ignored), else the extension, else text. */
export function detectFormat(path: string, mimeType?: string): Format {
  const declared = mimeType?.split(';')[0]?.trim().toLowerCase();
  return (declared ? BY_MIME[declared] : undefined) ?? BY_EXTENSION[extensionOf(path)] ?? 'text';
}

export class UnsupportedContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedContentError';
  }
}

function asText(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  if (content.subarray(0, 8192).includes(0)) {
    throw new UnsupportedContentError('binary content in a text format');
  }
  return new TextDecoder().decode(content);
}

/** PDF bytes, or a base64 string of them (how JSON callers send binary content). */
function asBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'base64') : content;
}

function titleFromPath(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '') || path;
}

/** Turns a source document into titled sections according to its format. */
export async function extractDocument(doc: SourceDocument): Promise<ExtractedDocument> {
  const format = detectFormat(doc.path, doc.mimeType);
  let found: { title: string | null; sections: Section[] };
  switch (format) {
    case 'markdown':
    case 'mdx':
      found = markdownSections(asText(doc.content), { mdx: format === 'mdx' });
      break;
    case 'html':
      found = htmlSections(asText(doc.content));
      break;
    case 'pdf':
      found = await pdfSections(asBytes(doc.content));
      break;
    case 'json':
    case 'yaml': {
      const text = asText(doc.content);
      found = {
        title: null,
        sections: structuredSections(text, format) ?? [{ headings: [], text }],
      };
      break;
    }
    case 'code':
      found = { title: null, sections: codeSections(asText(doc.content)) };
      break;
    case 'text':
      found = { title: null, sections: [{ headings: [], text: asText(doc.content).trim() }] };
      break;
  }
  return {
    title: doc.title?.trim() || found.title || titleFromPath(doc.path),
    mimeType: MIME[format],
    sections: found.sections.filter((s) => s.text),
    inlineHeadings: format !== 'code',
  };
}
