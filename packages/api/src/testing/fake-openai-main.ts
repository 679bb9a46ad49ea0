// Runs the fake provider as its own process (e2e, benchmarks): `node fake-openai-main.ts [port]`.
import { startFakeOpenAI } from './fake-openai.ts';

const port = Number(process.argv[2] ?? process.env.FAKE_OPENAI_PORT ?? 0);
const fake = await startFakeOpenAI({
  port,
  models: (process.env.FAKE_MODELS ?? 'fake-model').split(','),
});
process.stdout.write(`fake-openai listening on ${fake.url}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
