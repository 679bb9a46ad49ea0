import { defineBastionConfig } from '../../vitest.shared.ts';

export default defineBastionConfig();
