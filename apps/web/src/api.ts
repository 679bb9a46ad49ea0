import { createBastionClient } from '@bastion/api/client';

/** The page talks to the server that served it. */
export const api = createBastionClient({ url: window.location.origin });
