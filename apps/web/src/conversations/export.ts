import type { Conversation } from './types.ts';

/** A conversation as a Markdown document: questions as quotes, answers as written, sources listed. */
export function conversationMarkdown(c: Conversation): string {
  const parts = [
    `# ${c.title}`,
    '',
    `_Exported from Bastion, ${new Date(c.updatedAt).toISOString()}_`,
  ];
  for (const m of c.messages) {
    if (m.role === 'user') {
      parts.push('', '## Question', '', ...m.content.split('\n').map((l) => `> ${l}`));
    } else {
      parts.push('', '## Answer', '', m.content || '_(no answer)_');
      if (m.sources?.length) {
        parts.push('', 'Sources:', '');
        m.sources.forEach((s, i) => {
          parts.push(`${i + 1}. ${s.title} (\`${s.path}\`)${s.url ? ` ${s.url}` : ''}`);
        });
      }
    }
  }
  return `${parts.join('\n')}\n`;
}

/** Offers the Markdown as a file download (a blob URL: nothing leaves the browser). */
export function downloadMarkdown(c: Conversation): void {
  const blob = new Blob([conversationMarkdown(c)], { type: 'text/markdown' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${
    c.title
      .replace(/[^\w -]+/g, '')
      .trim()
      .slice(0, 60) || 'conversation'
  }.md`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
