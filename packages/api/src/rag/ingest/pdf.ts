import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { Section } from './types.ts';

export interface PdfOutline {
  title: string | null;
  sections: Section[];
}

/** The text of each page of a PDF (pdf.js through unpdf, offline), and its metadata title. */
export async function pdfSections(bytes: Uint8Array): Promise<PdfOutline> {
  // pdf.js may detach the buffer it is given, so it gets a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const { info } = await getMeta(pdf);
    const title = typeof info.Title === 'string' && info.Title.trim() ? info.Title.trim() : null;
    const sections = text
      .map((page, i) => ({ headings: [`Page ${i + 1}`], text: page.trim() }))
      .filter((s) => s.text);
    return { title, sections };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
