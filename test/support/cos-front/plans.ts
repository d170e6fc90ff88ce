// Per-operation handling of forwarded requests: which bodies the front reads, and how it turns the
// upstream's answer into COS's (CRC-64 headers, bucket Location, region) while keeping its ledger.
import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { cosErrors, escapeXml, xmlValues, type CosError } from './errors.js';
import type { Exchange } from './exchange.js';
import { readCopySource, type OpName } from './target.js';

/** The upstream's answer on its way to the client; plans may change headers and a buffered body. */
export interface UpstreamAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
}

export interface OpPlan {
  /** 'crc': streamed through a CRC-64 tap; 'buffer': read whole first (small XML bodies). */
  requestBody?: 'crc' | 'buffer';
  checkBody?(ex: Exchange, body: Buffer): CosError | undefined;
  /** Read the upstream's (small XML) answer whole, to inspect or rewrite it. */
  bufferResponse?: boolean;
  onAnswer?(ex: Exchange, answer: UpstreamAnswer): void | Promise<void>;
}

const succeeded = (answer: UpstreamAnswer) => answer.status >= 200 && answer.status < 300;

/** Complete and Copy can answer 200 with an <Error> body: only a result document is a success. */
const succeededWith = (answer: UpstreamAnswer, root: string) =>
  succeeded(answer) && answer.body !== undefined && answer.body.includes(`<${root}`) && !answer.body.includes('<Error>');

const etagOf = (answer: UpstreamAnswer) => {
  if (typeof answer.headers.etag === 'string') return answer.headers.etag;
  return answer.body ? xmlValues(answer.body.toString('utf8'), 'ETag')[0] : undefined;
};

function setCrc(ex: Exchange, answer: UpstreamAnswer, crc: bigint): void {
  answer.headers[ex.state.crcHeader] = crc.toString(10);
}

async function putObjectAnswered(ex: Exchange, answer: UpstreamAnswer): Promise<void> {
  const { bucket, key } = ex.target;
  if (!succeeded(answer)) return;
  const sum = await ex.bodyCrc;
  if (!sum) return ex.state.ledger.forgetObject(bucket!, key);
  setCrc(ex, answer, sum.crc);
  ex.state.ledger.rememberObject(bucket!, key, { ...sum, etag: etagOf(answer) });
}

const uploadIdOf = (ex: Exchange) => ex.target.query.get('uploadId') ?? '';
const partNumberOf = (ex: Exchange) => Number(ex.target.query.get('partNumber'));

async function uploadPartAnswered(ex: Exchange, answer: UpstreamAnswer): Promise<void> {
  const sum = succeeded(answer) ? await ex.bodyCrc : undefined;
  if (!sum) return;
  setCrc(ex, answer, sum.crc);
  ex.state.ledger.rememberPart(uploadIdOf(ex), partNumberOf(ex), sum);
}

/** The source's CRC when a copy takes the whole of a source the front knows. */
function copiedChecksum(ex: Exchange) {
  const source = readCopySource(ex.req.headers['x-amz-copy-source']);
  if (!source || ex.req.headers['x-amz-copy-source-range'] !== undefined) return undefined;
  return ex.state.ledger.objectCrc(source.bucket, source.key, undefined);
}

function uploadPartCopyAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeededWith(answer, 'CopyPartResult')) return;
  const sum = copiedChecksum(ex);
  ex.state.ledger.rememberPart(uploadIdOf(ex), partNumberOf(ex), sum && { crc: sum.crc, length: sum.length });
}

function copyObjectAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeededWith(answer, 'CopyObjectResult')) return;
  const { bucket, key } = ex.target;
  const sum = copiedChecksum(ex);
  if (sum) ex.state.ledger.rememberObject(bucket!, key, { crc: sum.crc, length: sum.length, etag: etagOf(answer) });
  else ex.state.ledger.forgetObject(bucket!, key);
}

function completeAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeededWith(answer, 'CompleteMultipartUploadResult')) return;
  const { bucket, key } = ex.target;
  const listed = xmlValues(ex.requestBody?.toString('utf8') ?? '', 'PartNumber').map(Number);
  const whole = ex.state.ledger.combineParts(uploadIdOf(ex), listed);
  ex.state.ledger.forgetUpload(uploadIdOf(ex));
  if (!whole) return ex.state.ledger.forgetObject(bucket!, key);
  setCrc(ex, answer, whole.crc);
  ex.state.ledger.rememberObject(bucket!, key, { ...whole, etag: etagOf(answer) });
}

function objectReadAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeeded(answer)) return;
  const etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
  const sum = ex.state.ledger.objectCrc(ex.target.bucket!, ex.target.key, etag);
  if (sum) setCrc(ex, answer, sum.crc);
}

/** COS refuses a missing, malformed or wrong Content-MD5 on DeleteObjects. */
function checkDeleteMd5(ex: Exchange, body: Buffer): CosError | undefined {
  const sent = Buffer.from(String(ex.req.headers['content-md5'] ?? ''), 'base64');
  if (sent.length !== 16) return cosErrors.invalidDigest;
  return sent.equals(createHash('md5').update(body).digest()) ? undefined : cosErrors.badDigest;
}

function deleteObjectsAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeeded(answer)) return;
  // Every listed key is forgotten, deleted or not: a missing CRC header is the safe side.
  for (const key of xmlValues(ex.requestBody?.toString('utf8') ?? '', 'Key')) ex.state.ledger.forgetObject(ex.target.bucket!, key);
}

function bucketCreated(ex: Exchange, answer: UpstreamAnswer): void {
  if (succeeded(answer)) ex.state.bucketRegions.set(ex.target.bucket!, ex.target.region!);
}

function bucketDeleted(ex: Exchange, answer: UpstreamAnswer): void {
  if (succeeded(answer)) ex.state.bucketRegions.forget(ex.target.bucket!);
}

function headBucketAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (succeeded(answer)) answer.headers['x-cos-bucket-region'] = ex.target.region;
}

/** COS names the bucket's region; the upstream would name its own zone group. */
function locationAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeeded(answer)) return;
  answer.body = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${escapeXml(ex.target.region!)}</LocationConstraint>`,
  );
  answer.headers['content-type'] = 'application/xml';
}

/** COS's GET Service lists every region's buckets, each with its <Location>. */
function listBucketsAnswered(ex: Exchange, answer: UpstreamAnswer): void {
  if (!succeeded(answer) || !answer.body) return;
  const xml = answer.body.toString('utf8').replace(/<Bucket>([\s\S]*?)<\/Bucket>/g, (whole, inner: string) => {
    const name = xmlValues(inner, 'Name')[0];
    if (name === undefined || inner.includes('<Location>')) return whole;
    const location = `<Location>${escapeXml(ex.state.bucketRegions.regionOf(name))}</Location>`;
    return `<Bucket>${inner.replace('</Name>', `</Name>${location}`)}</Bucket>`;
  });
  answer.body = Buffer.from(xml);
}

export const OP_PLANS: Partial<Record<OpName, OpPlan>> = {
  putObject: { requestBody: 'crc', onAnswer: putObjectAnswered },
  uploadPart: { requestBody: 'crc', onAnswer: uploadPartAnswered },
  uploadPartCopy: { bufferResponse: true, onAnswer: uploadPartCopyAnswered },
  copyObject: { bufferResponse: true, onAnswer: copyObjectAnswered },
  completeUpload: { requestBody: 'buffer', bufferResponse: true, onAnswer: completeAnswered },
  abortUpload: { onAnswer: (ex, a) => void (succeeded(a) && ex.state.ledger.forgetUpload(uploadIdOf(ex))) },
  deleteObject: { onAnswer: (ex, a) => void (succeeded(a) && ex.state.ledger.forgetObject(ex.target.bucket!, ex.target.key)) },
  deleteObjects: { requestBody: 'buffer', checkBody: checkDeleteMd5, onAnswer: deleteObjectsAnswered },
  getObject: { onAnswer: objectReadAnswered },
  headObject: { onAnswer: objectReadAnswered },
  createBucket: { onAnswer: bucketCreated },
  deleteBucket: { onAnswer: bucketDeleted },
  headBucket: { onAnswer: headBucketAnswered },
  getBucketLocation: { bufferResponse: true, onAnswer: locationAnswered },
  listBuckets: { bufferResponse: true, onAnswer: listBucketsAnswered },
};
