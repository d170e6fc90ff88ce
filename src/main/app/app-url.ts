// The app's own origin: the page is served from a private `app://cos-sync` scheme instead of file://
// (Electron security checklist). Pure, so the request handling is tested without Electron.
import path from 'node:path';

export const APP_ORIGIN = 'app://cos-sync';
export const PAGE_URL = `${APP_ORIGIN}/index.html`;

export const isAppUrl = (url: string): boolean => url.startsWith(`${APP_ORIGIN}/`);

/** The file under `root` an app:// request asks for, or undefined for another host or a path outside `root`. */
export function resolveAppFile(root: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'app:' || url.host !== 'cos-sync') return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const file = path.normalize(path.join(root, pathname));
  return file.startsWith(root + path.sep) ? file : undefined;
}
