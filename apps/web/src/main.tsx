// The page's entry, the one script index.html loads (through the loader). It shows the saved
// theme and, once the static first screen has been painted, imports the app (boot.tsx) that
// takes it over. The first paint thus waits for the HTML alone (this entry comes after the first
// screen, see vite.config.ts), and the app's download and start-up all come after it.
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
if (root) {
  afterFirstScreenShown(() => {
    showSavedTheme();
    // The takeover in a task of its own, not in the one that evaluated the app's chunk.
    void import('./boot.tsx').then(({ takeOver }) => setTimeout(() => takeOver(root), 0));
  });
}
