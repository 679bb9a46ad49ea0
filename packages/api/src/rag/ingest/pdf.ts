import { constants, inflateSync } from 'node:zlib';
import { getDocumentProxy } from 'unpdf';
import { DomainError } from '../../errors.ts';
import type { Section } from './types.ts';

export interface PdfOutline {
  title: string | null;
  sections: Section[];
}

/**
 * Pages read per document. pdf.js finds page i by walking the page tree from the start (one
 * await per node), so a PDF whose pages hang flat under one node costs time quadratic in its
 * page count; the cap bounds that walk (1,000 pages take about a second).
 */
export const MAX_PDF_PAGES = 1000;

/**
 * Bytes a PDF's compressed streams may expand to: a fixed allowance plus a multiple of the file.
 * pdf.js inflates whatever a page references, with no bound of its own, so a few hundred
 * kilobytes of deflated zeros or text operators would become gigabytes and minutes of work.
 */
export const PDF_DECODED_ALLOWANCE = 32 * 1024 * 1024;
export const PDF_DECODED_PER_BYTE = 8;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');
/** The second byte of a zlib header for each compression level: how a nested layer announces itself. */
const ZLIB_LEVELS = new Set([0x01, 0x5e, 0x9c, 0xda]);

/**
 * Refuses a PDF whose deflated streams decode to more than the budget, before pdf.js sees it.
 * Every `stream … endstream` is inflated with an output cap (a layer that is itself zlib data is
 * inflated again, against the same budget); data that is not zlib costs nothing here.
 */
function checkDecodedSize(bytes: Uint8Array): void {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let budget = PDF_DECODED_ALLOWANCE + PDF_DECODED_PER_BYTE * pdf.length;
  let at = pdf.indexOf(STREAM);
  while (at >= 0) {
    let start = at + STREAM.length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] !== 0x0a) {
      at = pdf.indexOf(STREAM, start); // `endstream`, or the word inside other data
      continue;
    }
    start++;
    const end = pdf.indexOf(END_STREAM, start);
    if (end < 0) break;
    let layer: Buffer = pdf.subarray(start, end);
    while (layer.length > 1 && layer[0] === 0x78 && ZLIB_LEVELS.has(layer[1] as number)) {
      try {
        // Partial output is fine (pdf.js reads truncated streams too); only the size matters.
        layer = inflateSync(layer, {
          maxOutputLength: budget + 1,
          finishFlush: constants.Z_SYNC_FLUSH,
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        break; // not a deflated stream after all
      }
      budget -= layer.length;
      if (budget < 0) throw tooLarge();
    }
    at = pdf.indexOf(STREAM, end + END_STREAM.length);
  }
}

function tooLarge(): DomainError {
  return new DomainError('too_large', 'The PDF expands to too much data when decompressed');
}

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

/** The text of each page of a PDF (pdf.js through unpdf, offline), and its metadata title. */
export async function pdfSections(bytes: Uint8Array): Promise<PdfOutline> {
  checkDecodedSize(bytes);
  // pdf.js may detach the buffer it is given, so it gets a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const sections: Section[] = [];
    for (let number = 1; number <= Math.min(pdf.numPages, MAX_PDF_PAGES); number++) {
      const page = await pdf.getPage(number);
      const { items } = await page.getTextContent();
      const text = (items as TextItem[])
        .map((item) => (item.str ?? '') + (item.hasEOL ? '\n' : ''))
        .join('')
        .trim();
      if (text) sections.push({ headings: [`Page ${number}`], text });
      page.cleanup();
    }
    const { info } = (await pdf.getMetadata()) as { info: { Title?: unknown } };
    const title = typeof info.Title === 'string' && info.Title.trim() ? info.Title.trim() : null;
    return { title, sections };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
