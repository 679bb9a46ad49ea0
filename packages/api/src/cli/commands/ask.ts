import { type ChatError, createBastionClient, streamChat } from '../../client/index.ts';
import { parseCommand } from '../args.ts';
import { line, printable, shownUrl } from '../terminal.ts';

const HELP = `Usage: bastion ask "question" [--url URL] [--api-key KEY] [--collection ID] [--no-sources]

Streams Bastion's answer to the terminal.
  --url URL         server (default $BASTION_URL or http://127.0.0.1:8787)
  --api-key KEY     API key (default $BASTION_API_KEY)
  --collection ID   knowledge base collection
  --no-sources      do not list the sources after the answer
`;

function isHttpAddress(url: string): boolean {
  const protocol = URL.parse(url)?.protocol;
  return protocol === 'http:' || protocol === 'https:';
}

/** The server's error, with what a terminal user can do about it (the server speaks to any client). */
function explain(error: ChatError, url: string, collection: string | undefined): string {
  const server = shownUrl(url);
  switch (error.code) {
    case 'network_error':
      return `cannot reach the Bastion server at ${server}`;
    case 'unauthenticated':
      return `the server at ${server} needs an API key: pass --api-key KEY or set BASTION_API_KEY`;
    case 'invalid_api_key':
      return `the server at ${server} refused the API key (--api-key or BASTION_API_KEY)`;
    case 'not_found':
      return `${error.message} at ${server}: is it the address of a Bastion server (no /api path)?`;
    case 'collection_not_found':
      return `${error.message} on ${server} (bastion ingest <path> --collection ${collection ?? 'ID'} creates it)`;
    default:
      return error.message;
  }
}

function describe(error: ChatError, url: string, collection: string | undefined): string {
  const retry = error.retryAfterMs ? ` (retry in ${Math.ceil(error.retryAfterMs / 1000)} s)` : '';
  return line`error: ${explain(error, url, collection)} [${error.code}]${retry}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      collection: { type: 'string' },
      'no-sources': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const question = positionals.join(' ').trim();
  if (!question) {
    process.stderr.write(`error: a question is required\n\n${HELP}`);
    return 2;
  }

  const url = values.url ?? process.env.BASTION_URL ?? 'http://127.0.0.1:8787';
  if (!isHttpAddress(url)) {
    // `localhost:8787` parses as a URL of scheme `localhost:`: it would fail as unreachable.
    const from = values.url === undefined ? ' (BASTION_URL)' : '';
    process.stderr.write(
      line`error: not an http(s) address: ${shownUrl(url)}${from}; for example http://127.0.0.1:8787\n`,
    );
    return 2;
  }
  const apiKey = values['api-key'] ?? process.env.BASTION_API_KEY;
  const client = createBastionClient({ url, ...(apiKey ? { apiKey } : {}) });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());

  const outcome = await streamChat(
    client,
    {
      messages: [{ role: 'user', content: question }],
      ...(values.collection ? { collection: values.collection } : {}),
    },
    {
      signal: abort.signal,
      onEvent: (event) => {
        // Model text is untrusted: it must not drive the terminal (clipboard, screen, links).
        if (event.type === 'delta') process.stdout.write(printable(event.text));
      },
    },
  );

  if (outcome.content && !outcome.content.endsWith('\n')) process.stdout.write('\n');
  if (outcome.aborted) {
    process.stderr.write('(stopped)\n');
    return 130;
  }
  if (!values['no-sources'] && outcome.sources.length > 0) {
    process.stdout.write('\nSources:\n');
    outcome.sources.forEach((s, i) => {
      process.stdout.write(line`  [${i + 1}] ${s.title} — ${s.url ? shownUrl(s.url) : s.path}\n`);
    });
  }
  if (outcome.error) {
    process.stderr.write(describe(outcome.error, url, values.collection));
    return 1;
  }
  if (outcome.servedBy) process.stderr.write(line`— served by ${outcome.servedBy}\n`);
  return 0;
}
