// Placeholder replaced by the inspector issue.
import type { Output } from './output.js';
export async function startInspector(_o: { port: number; captureFiles: string[]; live?: unknown; forwardTo?: URL; out: Output }): Promise<{ url: string; close(): Promise<void> }> {
  throw new Error('the inspector is not built yet');
}
