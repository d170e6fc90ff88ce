// Engine messages as stable ids with parameters, so the window can show them in the user's language while the
// CLI prints the English. Every id here has a Simplified Chinese text in messages-zh.ts (a unit test checks it).
// Texts use {name} placeholders; a parameter may itself be a message (translated with the text around it).
import type { ErrorCode } from './errors.js';

export const MESSAGES = {
  // ---- plural helpers
  'files': '{n} files',
  'files.one': '{n} file',

  // ---- connection diagnosis: check titles (by check id) and what a check found
  'check.settings': 'Settings are complete',
  'check.dns': 'Endpoint host name found',
  'check.tcp': 'Endpoint reachable',
  'check.tls': 'Secure connection (TLS) trusted',
  'check.keys': 'Keys accepted',
  'check.clock': 'Clock in step with the service',
  'check.bucket': 'Bucket exists at this endpoint',
  'check.addressing': 'Addressing style accepted',
  'check.list': 'Permission to list the bucket',
  'check.write': 'Permission to write',
  'check.read': 'Permission to read',
  'check.delete': 'Permission to delete',
  'check.multipart': 'Multipart uploads allowed',
  'detail.notChecked': 'not checked: "{title}" did not pass',
  'detail.viaProxy': 'through the proxy: checked by the requests below',
  'detail.plainHttp': 'plain HTTP',
  'detail.isIp': '{host} is an IP address',
  'detail.resolved': '{host} → {addresses}',
  'detail.connected': 'connected to {host}:{port}',
  'detail.tls': '{protocol}, {certificate}',
  'detail.bucketsVisible': '{count} bucket(s) visible to these keys',
  'detail.keysNoList': 'keys accepted; listing buckets is not permitted (not needed to sync)',
  'detail.noDateHeader': 'the service sent no Date header to compare with',
  'detail.clockAhead': 'your clock is {seconds} s ahead of the service',
  'detail.clockBehind': 'your clock is {seconds} s behind the service',
  'detail.noBucket': 'no bucket chosen',
  'detail.bucket': '{bucket}',
  'detail.addressingFirst': 'cannot be checked until the addressing style is accepted',
  'detail.virtualHosted': 'virtual-hosted',
  'detail.pathStyle': 'path-style',
  'detail.listedPrefix': 'listed "{prefix}"',
  'detail.listedBucket': 'listed the bucket',
  'detail.wroteCrc': 'wrote {key} (verified by CRC64)',
  'detail.wroteMd5': 'wrote {key} (verified by Content-MD5)',
  'detail.readBack': 'read {bytes} bytes back, identical',
  'detail.deletedProbe': 'deleted the probe object',
  'detail.multipartOk': 'started, uploaded a part and aborted a multipart upload',
  'error.clockOff': "Your computer's clock is off: {skew}. COS Sync corrects for it, but other apps and shared links will fail until the clock is fixed.",
  'error.clockWarn': '{skew}.',
  'error.bucketMissing': 'The bucket "{bucket}" does not exist at this endpoint.',
  'error.bucketMissingRegion': 'The bucket "{bucket}" does not exist at this endpoint. The endpoint is in region {region}: a bucket of another region answers "does not exist" here.',
  'error.listDenied': 'These keys may not list the bucket: {reason}',
  'error.probeLeft': '{reason} The probe object {key} was left in the bucket; delete it by hand.',
  'error.probeDiffers': 'The probe object read back differs from what was written.',
  'error.probeStillThere': 'The probe object is still there after it was deleted.',
  'error.permission': 'The keys do not have permission to {what} ({operation}).',
  'error.permissionIn': 'The keys do not have permission to {what} in bucket "{bucket}" ({operation}).',
  'op.ListBuckets': 'list the buckets',
  'op.ListObjects': 'list the bucket',
  'op.ListObjectsV2': 'list the bucket',
  'op.GetObject': 'download files',
  'op.HeadObject': 'read file information',
  'op.PutObject': 'upload files',
  'op.CopyObject': 'copy files in the bucket',
  'op.DeleteObject': 'delete files',
  'op.DeleteObjects': 'delete files',
  'op.CreateMultipartUpload': 'upload large files',
  'op.UploadPart': 'upload large files',
  'op.CompleteMultipartUpload': 'upload large files',
  'op.AbortMultipartUpload': 'cancel unfinished uploads',
  'op.ListMultipartUploads': 'list unfinished uploads',
  'op.ListParts': 'list unfinished uploads',
  'op.other': 'run {operation}',
  'error.tokenExpired': 'The temporary keys have expired.',
  'error.tokenInvalid': 'The temporary keys (session token) are not valid.',
  'error.profileNamed': 'There is no connection profile named "{name}".',
  'error.profileNameTaken': 'A connection profile named "{name}" already exists.',
  'error.secretMissingFor': 'No secret key is stored for the profile "{name}".',
  'error.profileInvalid': 'The connection settings are not valid: {detail}',

  // ---- folder pairs
  'error.folderMissing': 'The folder {path} does not exist or is not a folder.',
  'hint.chooseFolder': 'Choose an existing folder.',
  'error.prefixDots': 'The bucket prefix "{prefix}" has a "." or ".." folder.',
  'hint.prefixPlain': 'Use a plain folder path such as photos/2026.',
  'error.folderOverlap': 'The folder {path} overlaps the synced folder {other}.',
  'hint.folderOverlap': "A folder can be in one pair only, and not inside another pair's folder. Choose a separate folder.",
  'error.prefixOverlap': '{target} overlaps {other}, which {path} syncs to.',
  'hint.prefixOverlap': 'Give each folder its own prefix that is not inside another one.',
  'error.ignoreUnreadable': 'The {file} file of this folder could not be read, so nothing was synced.',
  'hint.ignoreUnreadable': 'Check that {file} is a readable text file, or remove it.',
  'error.targetFixed': 'The bucket, prefix and connection of a folder pair cannot be changed.',
  'hint.targetFixed': 'Remove the folder pair (no file is deleted) and add the folder again with the new bucket or prefix: the new pair compares the folder with the new place and uploads only what differs.',
  'error.bwlimit': '"{value}" is not a bandwidth limit.',
  'hint.bwlimit': 'Use bytes per second with K, M or G, e.g. 10M; 0 for none.',
  'error.transfers': 'Files at once must be a whole number from 1 to 64.',
  'error.ignoreTooLong': 'The ignore rules are too long ({bytes} bytes; at most {max}).',
  'error.ignoreNul': 'Line {line} of the ignore rules contains a NUL character.',
  'error.ignoreEverything': 'Line {line} (“{pattern}”) ignores every file, so nothing would be synced.',
  'hint.ignoreEverything': 'Name the files or folders to leave out, e.g. *.log or build/.',
  'error.ignoreWrite': 'The ignore rules could not be saved to {file}.',
  'hint.ignoreWrite': 'Check that the folder is writable.',
  'error.nothingHeld': 'This folder pair has no held plan to keep or apply.',
  'hint.nothingHeld': 'The plan may have been replaced by a newer pass: look at the folder again.',
  'notice.declinedRoot': 'You chose Keep: the folder stays paused and nothing in the bucket was changed.',
  'hint.declinedRoot': 'Fix the folder (reconnect the drive, restore the files or the marker), then choose Resume; if the folder is right and the changes are intended, choose Apply when the plan is held again.',
  'notice.declinedDeletes': 'You chose Keep: {files} stay in the bucket and are no longer synced, so they are never deleted by this pair.',
  'notice.declinedUploads': 'You chose Keep: {files} were not uploaded; the bucket keeps its versions until the files change again.',

  // ---- watching
  'error.tooManyOpen': 'Too many files are open to watch this folder, so some changes are only noticed by the regular full scans.',
  'hint.tooManyOpen': 'Raise the open-file limit (`ulimit -n`), or ignore large folders in .cossyncignore.',
  'error.watchFailed': 'Watching this folder for changes failed; changes are still found by the regular full scans.',

  // ---- safety gates: what looks wrong, and what to do
  'gate.root-missing': 'The folder “{path}” is not there: a drive that is not mounted, or a folder moved or renamed.',
  'gate.root-missing.hint': "Reconnect the drive or choose the folder's new location. Nothing in the bucket changes until then.",
  'gate.root-unreadable': 'COS Sync cannot read the folder “{path}”.',
  'gate.root-unreadable.hint': 'Check its permissions (on macOS, allow COS Sync under Privacy & Security › Files and Folders).',
  'gate.root-empty': 'The folder “{path}” is empty, but {files} were synced from it.',
  'gate.root-empty.hint': 'If a drive is not mounted or the files were moved, fix that first. If you emptied the folder on purpose, approve the plan.',
  'gate.marker-missing': 'The folder “{path}” has lost its marker file “{marker}”, so it may not be the folder that was synced.',
  'gate.marker-missing.hint': 'An unmounted drive often leaves an empty folder in its place: check the path. If it is the right folder, approve and the marker is written again.',
  'gate.listing-failed': 'Listing the bucket failed: {error}.',
  'gate.listing-failed.hint': 'Without a complete listing nothing can be compared safely. Check the connection, then sync again.',
  'gate.listing-empty': 'The bucket listing came back empty, but {files} were synced to it.',
  'gate.listing-empty.hint': 'Check the bucket, prefix and region of this folder pair. If the objects really were removed, approve to upload everything again.',
  'gate.too-many-deletes': 'This sync would remove {files} from the bucket ({how}): {share}% of the {synced} synced, over the limit of {max} or {maxShare}%.',
  'gate.too-many-deletes.hint': "Check that the folder is the right one and intact. If the removals are intended, approve the plan, or raise the limits in the folder pair's settings.",
  'gate.how.trash': "to the bucket's trash",
  'gate.how.delete': 'deleted outright',
  'gate.how.mixed': '{trashed} to the trash, {deleted} deleted outright',
  'gate.all-changed': '{files} of the {synced} synced ({share}%) look changed and would be uploaded again, as after a restore from a backup that reset modification times.',
  'gate.all-changed.hint': 'If their contents really changed, approve the plan. If not, approving still works but uploads them all again.',

  // ---- per-item reasons (one per planner rule, and the executor's and scanner's)
  'why.ignoredForget': "Now matched by an ignore rule: no longer synced; the bucket's copy is left as it is.",
  'why.renamedTo': '“{key}”',
  'why.aNewName': 'a new name',
  'why.renamedTrash': 'Renamed or moved to {to} in the folder; the old object (delete policy “trash”)',
  'why.renamedDelete': 'Renamed or moved to {to} in the folder: the old object is deleted (delete policy “delete”).',
  'why.renamedKeep': 'Renamed or moved to {to} in the folder: the old object stays in the bucket (delete policy “keep”) and is no longer synced.',
  'why.renamedCopy': 'Renamed or moved from “{from}” in the folder: copied inside the bucket instead of uploaded again.',
  'why.trashed': "{why}: moved to the bucket's trash as “{trashKey}”.",
  'why.replaced': "{why}: the folder's version is uploaded after the bucket's was moved to the trash.",
  'why.new': 'New in the folder: uploaded.',
  'why.newIdentical': 'Already in the bucket with the same size and content hash: adopted, not uploaded again.',
  'why.newDiffers': 'A different object is already at this key (not uploaded by this folder pair)',
  'why.newUnverifiable': 'An object is already at this key (not uploaded by this folder pair) and no shared content hash proves it identical',
  'why.bucketSame': 'The object was rewritten in the bucket with the same content: adopted.',
  'why.bucketChanged': 'Changed in the bucket by someone else; in upload direction the folder is the source of truth',
  'why.bucketDeleted': 'Deleted from the bucket by someone else; in upload direction the folder is the source of truth: uploaded again.',
  'why.touched': 'Only the modification time changed (same size and content hash): recorded, not uploaded again.',
  'why.changed': 'Changed in the folder: uploaded over the version this pair uploaded last.',
  'why.bothSame': 'Changed in the folder and in the bucket to the same content: adopted.',
  'why.conflict': 'Conflict: changed in the folder and, by someone else, in the bucket; both are kept',
  'why.changedBucketDeleted': 'Changed in the folder and deleted from the bucket by someone else: uploaded.',
  'why.deletedTrash': 'Deleted from the folder (delete policy “trash”)',
  'why.deletedDelete': 'Deleted from the folder: deleted from the bucket (delete policy “delete”).',
  'why.deletedKeep': 'Deleted from the folder: the object stays in the bucket (delete policy “keep”) and is no longer synced.',
  'why.deletedBucketChanged': 'Deleted from the folder, but changed in the bucket by someone else since: their version is kept and no longer synced.',
  'why.deletedBoth': 'Deleted from the folder and from the bucket: nothing left to sync.',
  'why.deferred': '{why}; deferred: {stale}',
  'stale.gone': 'the file is gone since the scan',
  'stale.changed': 'the file changed since the scan',
  'stale.objectChanged': 'the object in the bucket changed since the listing',
  'stale.objectAppeared': 'an object appeared in the bucket since the listing',
  'stale.changedDuringUpload': 'the file changed while it was uploaded',
  'stale.vanished': 'the file vanished',
  'why.stillWriting': 'still being written: waits until it stops changing',
  'why.retryAfter': 'waiting to retry after: {error}',
  'why.skipped': '{reason}: {detail}',
  'skip.symlink': 'symlink',
  'skip.special': 'special',
  'skip.unreadable': 'unreadable',
  'skip.invalid-name': 'invalid-name',
  'why.declinedDelete': 'Kept in the bucket because you chose Keep on a held plan: no longer synced, never deleted by this pair.',
  'why.declinedUpload': 'Not uploaded because you chose Keep on a held plan: the bucket keeps its version until the file changes again.',

  // ---- restoring from the bucket's trash
  'restore.takenBucket': 'an object is at that key in the bucket',
  'restore.takenFolder': 'a file is at that path in the folder',
  'restore.beside': 'Restored beside the original as “{key}”: {why}, and it was kept.',
  'restore.noFolder': 'Restored in the bucket only: the folder is missing, so the file was not written into it.',
  'restore.damaged': 'Restored in the bucket, but not written into the folder: the download did not match the object ({detail}). Try the restore again.',
  'restore.appeared': "Restored in the bucket; a file appeared at that path in the folder meanwhile, so the folder keeps it and the next sync compares the two (nothing is lost: the bucket's copy goes to the trash first if they differ).",
  'restore.notWritten': 'Restored in the bucket, but not written into the folder: {detail}',
  'restore.besideThen': 'Restored beside the original as “{key}”: {why}, and it was kept. {then}',
  'bucket.empty': 'Enter the bucket name.',
  'bucket.emptyCos': 'Enter the bucket name; on COS it is <BucketName>-<APPID>, e.g. {example}.',
  'bucket.isAddress': 'That is the address of a bucket, not its name: enter just {bucket}.',
  'bucket.notAddress': 'Enter only the bucket name here, not an address; the address goes in the endpoint.',
  'bucket.slash': 'A bucket name cannot contain "/".',
  'bucket.slashHint': 'To sync into a folder of the bucket, enter the bucket name here and the folder as the remote folder of the folder pair.',
  'bucket.space': 'A bucket name cannot contain spaces.',
  'bucket.upper': 'Bucket names are lower case: use {name}.',
  'bucket.cosChars': 'COS bucket names may contain only lower-case letters, digits and "-", not {bad}.',
  'bucket.onlyAppId': '{name} is only an APPID. A COS bucket name is <BucketName>-<APPID>, e.g. examplebucket-{appId}.',
  'bucket.noAppId': '{name} has no APPID. COS bucket names end in -<APPID>: append the APPID shown on the API key page of the CAM console, e.g. {example} (with your own APPID).',
  'bucket.appIdHint': 'The APPID is shown on the API key page of the CAM console (https://console.cloud.tencent.com/cam/capi).',
  'bucket.noName': 'The BucketName before -APPID is missing, e.g. {example}.',
  'bucket.dashEnds': 'The BucketName part {part} cannot start or end with "-".',
  'bucket.tooLongAnywhere': "{name} is too long for COS in any region: the bucket's address <bucket>.{host} may have at most {limit} characters, and would have {length}. Shorten the BucketName part by {over}.",
  'bucket.tooLongAt': "{name} is too long for COS at {host}: the bucket's address <bucket>.{host} may have at most {limit} characters, and would have {length}. Shorten the BucketName part by {over}.",
  'bucket.s3Chars': 'Bucket names may contain only lower-case letters, digits, "." and "-", not {bad}.',
  'bucket.s3CharsUnderscore': 'Bucket names may contain only lower-case letters, digits, "." and "-", not {bad}. Use "-" instead.',
  'bucket.length': 'Bucket names have 3 to 63 characters; {name} has {length}.',
  'bucket.ends': 'A bucket name must start and end with a letter or a digit.',
  'bucket.twoDots': 'A bucket name cannot contain two dots in a row.',
  'bucket.dotDash': 'A bucket name cannot have "." next to "-".',
  'bucket.ip': 'A bucket name cannot look like an IP address.',
  'bucket.reservedStart': 'A bucket name cannot start with "{affix}": that is reserved.',
  'bucket.reservedEnd': 'A bucket name cannot end with "{affix}": that is reserved.',
  'bucket.dotsWarning': 'Bucket names with dots break HTTPS certificate checks with virtual-hosted addressing (<bucket>.<host> no longer matches the certificate). Choose path-style addressing, or a name without dots.',
  'bucket.appIdWarning': 'APPIDs are usually 10 digits starting with 1; check the APPID in {name}. {hint}',
} as const satisfies Record<string, string>;

export type MessageId = keyof typeof MESSAGES;

/** A message: its id (or `code:<error code>` for the catalogue's message of a code) and its placeholders' values. */
export interface Msg {
  id: MessageId | `code:${ErrorCode}`;
  params?: Params;
}
export type Params = { [name: string]: string | number | Msg };

export const msg = (id: MessageId, params?: Params): Msg => (params ? { id, params } : { id });

/** `n file` or `n files`, as a parameter. */
export const filesMsg = (n: number): Msg => msg(n === 1 ? 'files.one' : 'files', { n });

/** Fills a template's placeholders; nested messages are rendered through `render` (so in the same language). */
export function fill(template: string, params: Params | undefined, render: (m: Msg) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? render(value) : String(value);
  });
}


/** The placeholders a template uses, for checking that translations keep them. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}
