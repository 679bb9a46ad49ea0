import { createSignal } from 'solid-js';
import { applyTheme, savedTheme, THEMES, type Theme } from './theme.ts';

const LABELS: Record<Theme, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};
const ICONS: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

/** Cycles system → light → dark; "system" follows the operating system's setting. */
export function ThemeToggle() {
  const [theme, setTheme] = createSignal(savedTheme());
  return (
    <button
      type="button"
      class="icon-button theme-toggle"
      data-testid="theme-toggle"
      data-theme-choice={theme()}
      aria-label={`${LABELS[theme()]} (change)`}
      title={LABELS[theme()]}
      onClick={() => {
        const next = THEMES[(THEMES.indexOf(theme()) + 1) % THEMES.length] as Theme;
        setTheme(next);
        applyTheme(next);
      }}
    >
      <span aria-hidden="true">{ICONS[theme()]}</span>
    </button>
  );
}
