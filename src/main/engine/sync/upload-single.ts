// Uploads a small file with one PutObject: read whole, hashed (MD5 + CRC-64), sent with Content-MD5 and our
// metadata, then verified by COS's CRC-64 or, elsewhere, by the ETag when it is the plain MD5.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PutObjectCommand, type PutObjectCommandOutput } from '@aws-sdk/client-s3';
import { crc64 } from '../s3/crc64.js';
import { responseInfo } from '../s3/response-info.js';
import { base64ToHex, bareEtag, isPlainMd5Etag, objectMetadata } from './object-metadata.js';
import {
  assertUnchanged, badDigest, etagIsNotMd5, isGone, send, UploadStop,
  type UploadDeps, type UploadJob, type UploadResult, type VerifiedBy,
} from './upload-support.js';

/** The whole file, or UploadStop when it vanished or no longer has the expected size and mtime. */
async function readSnapshot(job: UploadJob, signal: AbortSignal): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(job.localPath, { signal });
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
  // Stat after reading: an edit during the read moves the mtime, so what we hold is not what was planned.
  await assertUnchanged(job);
  if (data.length !== job.expected.size) throw new UploadStop('changed');
  return data;
}

/**
 * COS: its CRC-64 must equal ours. Elsewhere the service checked Content-MD5; an unencrypted simple PUT's
 * ETag is the hex MD5, so when it looks like one it must be ours.
 */
export function verifyPut(output: PutObjectCommandOutput, local: { md5: string; crc64: string }): VerifiedBy {
  const info = responseInfo(output);
  if (info?.crc64 !== undefined) {
    if (info.crc64 !== local.crc64) throw badDigest('CRC-64 of the object', local.crc64, info.crc64, info.requestId);
    return 'crc64';
  }
  const etag = bareEtag(output.ETag);
  if (!isPlainMd5Etag(etag) || etagIsNotMd5(output)) return 'md5';
  const md5Hex = base64ToHex(local.md5);
  if (etag.toLowerCase() !== md5Hex) throw badDigest('ETag (MD5) of the object', md5Hex, etag, info?.requestId);
  return 'etag';
}

export async function uploadSingle(job: UploadJob, deps: UploadDeps): Promise<UploadResult> {
  const data = await readSnapshot(job, deps.signal);
  const md5 = createHash('md5').update(data).digest('base64');
  const crc = crc64(data);
  const command = new PutObjectCommand({
    Bucket: job.bucket,
    Key: job.key,
    Body: data,
    ContentLength: data.length,
    ContentMD5: md5,
    Metadata: objectMetadata({ mtimeMs: job.expected.mtimeMs, md5 }),
  });
  const output = await send(deps, command, true);
  const verifiedBy = verifyPut(output, { md5, crc64: crc });
  deps.onProgress?.(data.length);
  return { status: 'uploaded', etag: bareEtag(output.ETag), size: data.length, md5, crc64: crc, verifiedBy };
}
