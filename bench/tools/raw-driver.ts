// The raw ceiling: a bare AWS SDK client uploading the same bytes from memory with as much parallelism as
// is useful, no hashing, no state, no checks. Run as its own process (like every tool) by bench/tools/raw.ts:
//   node --import tsx bench/tools/raw-driver.ts <endpoint> <bucket> <prefix> <root> <list-file> <large|small|seed> <concurrency>
// Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints {"uploadSeconds": n} when done.
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { objectMetadata } from '../../src/main/engine/sync/object-metadata.js';

const [endpoint, bucket, prefix, root, listFile, mode, concurrencyArg] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const concurrency = Number(concurrencyArg);
const PART = 16 * 1024 * 1024;

const client = new S3Client({
  endpoint, region: 'us-east-1', forcePathStyle: true,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) }),
});

/** Runs tasks with at most `limit` in flight. */
async function pool(tasks: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}

const files = (await readFile(listFile, 'utf8')).split('\n').filter(Boolean);
// Read (and stat) a few hundred at a time: 100,000 open files at once would run out of descriptors.
const bodies: Buffer[] = new Array<Buffer>(files.length);
const mtimes: number[] = new Array<number>(files.length);
await pool(files.map((f, i) => async () => {
  bodies[i] = await readFile(join(root, f));
  if (mode === 'seed') mtimes[i] = (await stat(join(root, f))).mtimeMs;
}), 256);
// 'seed': small files with the metadata cos-sync and rclone write (mtime, md5chksum), so cos-sync can adopt them.
const metadata = mode === 'seed'
  ? files.map((_, i) => objectMetadata({ mtimeMs: mtimes[i]!, md5: createHash('md5').update(bodies[i]!).digest('base64') }))
  : undefined;
const started = performance.now();
if (mode === 'small' || mode === 'seed') {
  await pool(files.map((f, i) => () => client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + f, Body: bodies[i]!, ContentLength: bodies[i]!.length, Metadata: metadata?.[i] }))), concurrency);
} else {
  // Every part of every file in one pool, so the parallelism does not drop at the end of each file.
  const uploads = await Promise.all(files.map(async (f) => {
    const out = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: prefix + f }));
    return { key: prefix + f, id: out.UploadId!, etags: [] as string[] };
  }));
  const tasks: Array<() => Promise<unknown>> = [];
  files.forEach((_, i) => {
    const body = bodies[i]!;
    const up = uploads[i]!;
    for (let n = 0; n * PART < body.length; n++) {
      tasks.push(async () => {
        const part = body.subarray(n * PART, Math.min(body.length, (n + 1) * PART));
        const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key: up.key, UploadId: up.id, PartNumber: n + 1, Body: part, ContentLength: part.length }));
        up.etags[n] = out.ETag!;
      });
    }
  });
  await pool(tasks, concurrency);
  await Promise.all(uploads.map((up) => client.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: up.key, UploadId: up.id, MultipartUpload: { Parts: up.etags.map((ETag, n) => ({ ETag, PartNumber: n + 1 })) },
  }))));
}
process.stdout.write(`${JSON.stringify({ uploadSeconds: (performance.now() - started) / 1000 })}\n`);
client.destroy();
