import type { ToolCallResult } from '@bastion/api';

/** Text to show for a tool's result: file content and script output as text, the rest as JSON. */
export function formatResult(call: ToolCallResult): string {
  if (call.tool === 'read_file') {
    const r = call.result;
    const range = `lines ${r.startLine}–${r.endLine} of ${r.totalLines}`;
    return `${r.path} (${range}${r.truncated ? ', truncated' : ''})\n\n${r.content}`;
  }
  if (call.tool === 'run_script' && !call.result.dryRun) {
    const r = call.result;
    const ending = r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`;
    const cut = (truncated: boolean) => (truncated ? ' (truncated)' : '');
    return [
      `$ ${r.command.join(' ')}`,
      `${ending} after ${r.durationMs} ms`,
      `--- stdout${cut(r.stdoutTruncated)} ---`,
      r.stdout,
      `--- stderr${cut(r.stderrTruncated)} ---`,
      r.stderr,
    ].join('\n');
  }
  return JSON.stringify(call.result, null, 2);
}
