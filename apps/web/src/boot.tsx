import { render } from 'solid-js/web';
import { App, type StaticShell } from './App.tsx';

/**
 * Replaces index.html's static first screen with the app (the same elements in the same places),
 * keeping static parts until the app has drawn its own. Loaded by main.tsx once that screen has
 * been painted, so neither this chunk's download nor its evaluation delays the first paint.
 */
export function takeOver(root: HTMLElement): void {
  const part = (selector: string) => root.querySelector<HTMLElement>(selector) ?? undefined;
  const shell: StaticShell = {
    header: part('.app-header'),
    status: part('.status-pill'),
    theme: part('.theme-toggle'),
    chat: part('.app-main > .chat'),
    emptyState: part('.empty-state'),
  };
  // Moving the static parts takes focus from them: a reader typing into the static question
  // box keeps typing there (and then into the app's own, which takes over focus and caret).
  const focused = document.activeElement;
  const typing = focused instanceof HTMLTextAreaElement && root.contains(focused) ? focused : null;
  const caret = typing && ([typing.selectionStart, typing.selectionEnd] as const);
  root.textContent = '';
  render(() => <App shell={shell} />, root);
  if (typing?.isConnected && caret) {
    typing.focus();
    typing.setSelectionRange(...caret);
  }
}
