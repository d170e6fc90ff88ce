// What the front remembers to answer like COS: the CRC-64 of every object and multipart part that
// went through it, and the region of each bucket.
import { crc64Combine } from './crc64.js';
import { normaliseEtag } from './errors.js';

export interface Checksum {
  crc: bigint;
  length: number;
}

export interface ObjectChecksum extends Checksum {
  /** The ETag the upstream gave the object, so a later change made elsewhere is noticed. */
  etag?: string;
}

const objectId = (bucket: string, key: string) => `${bucket}/${key}`;

export class CrcLedger {
  private readonly objects = new Map<string, ObjectChecksum>();
  private readonly uploads = new Map<string, Map<number, Checksum>>();

  rememberObject(bucket: string, key: string, sum: ObjectChecksum): void {
    this.objects.set(objectId(bucket, key), { ...sum, etag: normaliseEtag(sum.etag) });
  }

  forgetObject(bucket: string, key: string): void {
    this.objects.delete(objectId(bucket, key));
  }

  /** The object's CRC, unless the upstream's ETag shows the object is no longer the one we saw. */
  objectCrc(bucket: string, key: string, etag: string | undefined): ObjectChecksum | undefined {
    const sum = this.objects.get(objectId(bucket, key));
    const seen = normaliseEtag(etag);
    if (!sum || (sum.etag !== undefined && seen !== undefined && sum.etag !== seen)) return undefined;
    return sum;
  }

  rememberPart(uploadId: string, partNumber: number, sum: Checksum | undefined): void {
    const parts = this.uploads.get(uploadId) ?? new Map<number, Checksum>();
    if (sum) parts.set(partNumber, sum);
    else parts.delete(partNumber);
    this.uploads.set(uploadId, parts);
  }

  /** The CRC of the parts listed, combined in order; undefined if any part's CRC is unknown. */
  combineParts(uploadId: string, partNumbers: number[]): Checksum | undefined {
    const parts = this.uploads.get(uploadId);
    if (!parts || partNumbers.length === 0) return undefined;
    let whole: Checksum = { crc: 0n, length: 0 };
    for (const number of partNumbers) {
      const part = parts.get(number);
      if (!part) return undefined;
      whole = { crc: crc64Combine(whole.crc, part.crc, part.length), length: whole.length + part.length };
    }
    return whole;
  }

  forgetUpload(uploadId: string): void {
    this.uploads.delete(uploadId);
  }
}

export class BucketRegions {
  private readonly recorded = new Map<string, string>();

  constructor(private readonly defaultRegion: string) {}

  set(bucket: string, region: string): void {
    this.recorded.set(bucket, region);
  }

  forget(bucket: string): void {
    this.recorded.delete(bucket);
  }

  recordedRegion(bucket: string): string | undefined {
    return this.recorded.get(bucket);
  }

  regionOf(bucket: string): string {
    return this.recorded.get(bucket) ?? this.defaultRegion;
  }
}
