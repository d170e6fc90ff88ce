// The local files the workloads upload: written once per run from a seeded generator, so every tool reads
// the same bytes and a rerun writes the same tree. Content is incompressible (nothing gains from compression).
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

/** Deterministic pseudo-random bytes: AES-128-CTR over zeros, keyed by the seed (fast: GB/s). */
export function seededStream(seed: string): (length: number) => Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return (length) => cipher.update(Buffer.alloc(length));
}

export interface Tree {
  root: string;
  /** Paths relative to root, '/'-separated, sorted. */
  files: string[];
  bytes: number;
}

/** `count` files of `size` bytes each, `file-<i>.bin` under root. */
export async function writeLargeFiles(root: string, count: number, size: number, seed: string): Promise<Tree> {
  await mkdir(root, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `file-${i}.bin`;
    const next = seededStream(`${seed}/${i}`);
    const handle = await open(join(root, name), 'w');
    try {
      for (let done = 0; done < size; ) {
        const chunk = next(Math.min(4 * MiB, size - done));
        await handle.write(chunk, 0, chunk.length, done);
        done += chunk.length;
      }
    } finally {
      await handle.close();
    }
    files.push(name);
  }
  return { root, files: files.sort(), bytes: count * size };
}

/** `count` files of `size` bytes spread evenly over `folders` folders: `d<NNN>/f<NNNNNN>.dat`. */
export async function writeSmallTree(root: string, count: number, folders: number, size: number, seed: string): Promise<Tree> {
  const next = seededStream(seed);
  const files: string[] = [];
  const perFolder = Math.ceil(count / folders);
  for (let f = 0; f < folders; f++) {
    const dir = `d${String(f).padStart(4, '0')}`;
    await mkdir(join(root, dir), { recursive: true });
    const writes: Promise<void>[] = [];
    for (let i = f * perFolder; i < Math.min(count, (f + 1) * perFolder); i++) {
      const rel = `${dir}/f${String(i).padStart(6, '0')}.dat`;
      files.push(rel);
      writes.push(writeFile(join(root, rel), next(size)));
    }
    await Promise.all(writes);
  }
  return { root, files: files.sort(), bytes: files.length * size };
}
