import { render } from 'solid-js/web';
import { App, type StaticShell } from './App.tsx';
import { savedTheme, showTheme } from './theme/theme.ts';
import './styles.css';

let themeShown = false;
/** The chosen theme, shown once: before the app's first render, so it never flashes the system one. */
function showSavedTheme(): void {
  if (themeShown) return;
  themeShown = true;
  showTheme(savedTheme());
}
// In a task of its own: the page's first storage read waits for the browser to open the site's
// storage (a synchronous round trip to another process, longer on a busy machine), and that wait
// should lengthen neither this module's evaluation nor the app's first render.
setTimeout(showSavedTheme, 0);

/**
 * Runs `fn` once the browser has reported the first screen's largest paint (where it reports
 * one), else after the next frame; at once in a hidden tab, which paints nothing. Replacing a
 * painted element before its paint is reported would lose it as the page's largest paint.
 */
function afterFirstScreenShown(fn: () => void): void {
  if (document.visibilityState !== 'visible') {
    fn();
    return;
  }
  if (!PerformanceObserver.supportedEntryTypes?.includes('largest-contentful-paint')) {
    requestAnimationFrame(() => setTimeout(fn, 0));
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    clearTimeout(timer);
    fn();
  };
  const observer = new PerformanceObserver(once);
  observer.observe({ type: 'largest-contentful-paint', buffered: true });
  // A browser that reports nothing (e.g. a first frame without text) must not hold the app back.
  const timer = setTimeout(once, 1000);
}

const root = document.getElementById('root');
// index.html's static first screen shows before the app has started; the app then replaces it
// (the same elements in the same places), keeping static parts until it has drawn its own.
if (root) {
  afterFirstScreenShown(() => {
    showSavedTheme();
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
    const typing =
      focused instanceof HTMLTextAreaElement && root.contains(focused) ? focused : null;
    const caret = typing && ([typing.selectionStart, typing.selectionEnd] as const);
    root.textContent = '';
    render(() => <App shell={shell} />, root);
    if (typing?.isConnected && caret) {
      typing.focus();
      typing.setSelectionRange(...caret);
    }
  });
}
