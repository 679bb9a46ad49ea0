import { describe, expect, it } from 'vitest';
import { cacheTierForPath, cacheTiers } from '../src/headers.ts';

describe('cacheTierForPath', () => {
  it('puts hashed assets and icons in the immutable tier', () => {
    for (const path of [
      '/assets/index-abc123.js',
      '/assets/style-9f.css',
      '/favicon.svg',
      '/icons/app.PNG',
    ]) {
      expect(cacheTierForPath(path)).toBe('immutable');
    }
  });

  it('revalidates the HTML shell and client-side routes', () => {
    for (const path of ['/', '/index.html', '/chat/42', '/settings'])
      expect(cacheTierForPath(path)).toBe('shell');
  });

  it('caches other small files for five minutes', () => {
    for (const path of ['/manifest.webmanifest', '/robots.txt', '/data/projects.json', '/a.html']) {
      expect(cacheTierForPath(path)).toBe('data');
    }
    expect(cacheTiers.data).toBe('public, max-age=300');
  });
});
