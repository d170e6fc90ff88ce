// The window's per-file actions and the bucket's trash, over the sync service: lists and restores, and the
// desktop actions (reveal in the file manager, copy the key or a presigned link), which run here, in the main
// process, so the window never holds a link or a secret.
import { appError } from '../../shared/errors.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { ApiHandlers } from './app-api.js';
import type { Desktop } from './desktop.js';
import type { Services } from './services.js';
import { folderPrefix } from './sync/remote-list.js';

export type FileHandlers = Pick<ApiHandlers, 'listTrash' | 'restoreTrash' | 'emptyTrash' | 'revealFile' | 'copyKey' | 'copyLink'>;

const noDesktop = (): Result<never> => fail(appError('unsupported', { message: 'This action needs the desktop app (file manager and clipboard).' }));

export function fileHandlers(services: Services, desktop: Desktop | undefined, changed: () => void): FileHandlers {
  const sync = () => services.sync();
  return {
    listTrash: async ({ id }) => {
      const listed = await sync().listTrash(id);
      return listed.ok ? ok(listed.value.entries.map(({ etag: _etag, ...view }) => view)) : listed;
    },
    restoreTrash: async ({ id, items }) => {
      const restored = await sync().restoreTrash(id, items);
      if (!restored.ok) return restored;
      changed();
      return ok(restored.value.outcomes);
    },
    emptyTrash: async ({ id, olderThanDays }) => {
      const emptied = await sync().emptyTrash(id, olderThanDays, true);
      return emptied.ok ? ok({ deleted: emptied.value.entries.length }) : emptied;
    },
    revealFile: async ({ id, key }) => {
      if (!desktop) return noDesktop();
      const place = await sync().localPlace(id, key);
      if (!place.ok) return place;
      if (place.value.isFile) desktop.showItemInFolder(place.value.path);
      else {
        const problem = await desktop.openFolder(place.value.path);
        if (problem) return fail(appError('unknown', { message: `The folder ${place.value.path} could not be opened: ${problem}` }));
      }
      return ok(place.value);
    },
    copyKey: async ({ id, key }) => {
      if (!desktop) return noDesktop();
      const pair = sync().findPair(id);
      if (!pair) return fail(appError('pair-not-found'));
      const copied = `${folderPrefix(pair.prefix)}${key.normalize('NFC')}`;
      desktop.writeClipboard(copied);
      return ok({ copied });
    },
    copyLink: async ({ id, key, expiresInSeconds }) => {
      if (!desktop) return noDesktop();
      const link = await sync().presignLink(id, key, expiresInSeconds);
      if (!link.ok) return link;
      desktop.writeClipboard(link.value.url);
      return ok({ expiresAtMs: link.value.expiresAtMs });
    },
  };
}
