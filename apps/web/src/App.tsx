import { streamChat } from '@bastion/api/client';
import { api } from './api.ts';
import { ChatView } from './chat/ChatView.tsx';
import { createChatStore } from './chat/chat-store.ts';
import { StatusPill } from './status/StatusPill.tsx';
import { ToolsDisclosure } from './tools/ToolsDisclosure.tsx';

export function App() {
  const chat = createChatStore((request, options) => streamChat(api, request, options));
  return (
    <div class="app">
      <header class="app-header">
        <h1 class="brand">Bastion</h1>
        <StatusPill fetchSummary={() => api.status.summary.query()} />
      </header>
      <main class="app-main">
        <ChatView store={chat} />
      </main>
      <ToolsDisclosure />
    </div>
  );
}
