import { analyticsRouter } from './analytics/router.ts';
import { chatRouter } from './chat/router.ts';
import { feedbackRouter } from './feedback/router.ts';
import { ragRouter } from './rag/router.ts';
import { sessionRouter } from './session/router.ts';
import { statusRouter } from './status/router.ts';
import { toolsRouter } from './tools/router.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  analytics: analyticsRouter,
  chat: chatRouter,
  feedback: feedbackRouter,
  rag: ragRouter,
  session: sessionRouter,
  status: statusRouter,
  tools: toolsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
