// Serves the window's page from a private `app://` scheme instead of file:// (Electron security checklist):
// only files under the renderer folder, each with the Content-Security-Policy header.
import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.js';

export const APP_ORIGIN = 'app://cos-sync';


/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(root: string): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (url.host !== 'cos-sync' || !file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(response.body, { status: response.status, headers });
  });
}

export const isAppUrl = (url: string) => url.startsWith(`${APP_ORIGIN}/`);
