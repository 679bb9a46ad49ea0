export type Theme = 'system' | 'light' | 'dark';

const KEY = 'bastion.theme';
export const THEMES: Theme[] = ['system', 'light', 'dark'];

export function savedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

/** An attribute on <html>, read by CSS (`color-scheme`): no style attribute for the CSP to allow. */
export function showTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Shows `theme` and keeps it for later visits. */
export function applyTheme(theme: Theme): void {
  showTheme(theme);
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // Not kept when storage is off; the choice still holds for this visit.
  }
}
