import solid from 'vite-plugin-solid';
import { defineBastionConfig } from '../../vitest.shared.ts';

export default defineBastionConfig({
  plugins: [solid()],
  resolve: { conditions: ['development', 'browser'] },
  test: { environment: 'happy-dom' },
});
