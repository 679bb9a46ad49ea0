import { getDocumentProxy } from 'unpdf';
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

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

/** The text of each page of a PDF (pdf.js through unpdf, offline), and its metadata title. */
export async function pdfSections(bytes: Uint8Array): Promise<PdfOutline> {
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
