// The results panel's browser bundle (dist/webview.js). For now it performs the handshake and
// shows that it is waiting for samples; the memory chart and OOM timeline come with the panel issue.
import { isHostToWebview, type WebviewToHost } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToWebview(message)) return; // not ours (VS Code posts its own messages too)
  const status = document.getElementById('status');
  if (status) status.textContent = `Waiting for memory samples (${message.sampleRateHz} per second)…`;
});

vscode.postMessage({ type: 'ready' });
