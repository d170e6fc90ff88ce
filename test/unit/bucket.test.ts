// Bucket names: COS's <BucketName>-<APPID> form and the S3 rules, each refusal with the part of the
// message that says what to change; the warnings; bucket/prefix splitting; properties.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bucketNameWarnings, splitBucketAndPrefix, validateBucketName, type BucketContext } from '../../src/shared/bucket.js';
import { PROVIDER_IDS, type ProviderId } from '../../src/shared/providers.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const GZ: BucketContext = { endpointHost: 'cos.ap-guangzhou.myqcloud.com' };

const ACCEPTED: [string, ProviderId, string, BucketContext?][] = [
  ['examplebucket-1250000000', 'cos', 'examplebucket-1250000000'],
  ['  examplebucket-1250000000 ', 'cos', 'examplebucket-1250000000'],
  ['my-photos-1250000000', 'cos', 'my-photos-1250000000', GZ],
  ['a-1250000000', 'cos', 'a-1250000000', GZ],
  ['2024-1250000000', 'cos', '2024-1250000000'],
  // 30 + 1 + 29 = 60 characters: exactly the limit at ap-guangzhou
  [`${'a'.repeat(19)}-1250000000`, 'cos', `${'a'.repeat(19)}-1250000000`, GZ],
  // legacy APPIDs of other lengths are allowed (Tencent's SDKs accept any digits); a warning says to check
  ['examplebucket-10012345', 'cos', 'examplebucket-10012345'],
  ['my-bucket', 'aws', 'my-bucket'],
  ['my.bucket.name', 'aws', 'my.bucket.name'],
  ['abc', 'minio', 'abc'],
  ['a'.repeat(63), 's3', 'a'.repeat(63)],
  ['123', 'r2', '123'],
  ['photos-2024', 'b2', 'photos-2024'],
  ['photos', 'wasabi', 'photos'],
  ['examplebucket-1250000000', 'oss', 'examplebucket-1250000000'],
  ['sthree-data', 'minio', 'sthree-data'],
];

describe('validateBucketName accepts', () => {
  for (const [name, provider, expected, ctx] of ACCEPTED) {
    test(`${provider}: ${JSON.stringify(name)}`, () => {
      assert.deepEqual(validateBucketName(name, provider, ctx), { ok: true, value: expected });
    });
  }
});

const REFUSED: [string, ProviderId, string[], BucketContext?][] = [
  ['', 'cos', ['Enter the bucket name', '<BucketName>-<APPID>', 'examplebucket-1250000000']],
  ['   ', 'aws', ['Enter the bucket name']],
  ['examplebucket', 'cos', ['has no APPID', 'append the APPID shown on the API key page of the CAM console', 'examplebucket-1250000000']],
  ['my-photos', 'cos', ['has no APPID', 'my-photos-1250000000']],
  ['my-photos-', 'cos', ['has no APPID', 'my-photos-1250000000']],
  ['1250000000', 'cos', ['only an APPID', 'examplebucket-1250000000']],
  ['-1250000000', 'cos', ['BucketName before -APPID is missing']],
  ['-photos-1250000000', 'cos', ['cannot start or end with "-"']],
  ['photos--1250000000', 'cos', ['"photos-" cannot start or end with "-"']],
  ['ExampleBucket-1250000000', 'cos', ['Bucket names are lower case', '"examplebucket-1250000000"']],
  ['example_bucket-1250000000', 'cos', ['only lower-case letters, digits and "-"', '"_"']],
  ['example.bucket-1250000000', 'cos', ['only lower-case letters, digits and "-"', '"."']],
  ['例子-1250000000', 'cos', ['only lower-case letters, digits and "-"']],
  ['examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'cos', ['address of a bucket', 'enter just "examplebucket-1250000000"']],
  ['https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/x', 'cos', ['enter just "examplebucket-1250000000"']],
  ['https://cos.ap-guangzhou.myqcloud.com', 'cos', ['not an address']],
  ['examplebucket-1250000000/photos', 'cos', ['cannot contain "/"']],
  ['example bucket-1250000000', 'cos', ['cannot contain spaces']],
  // 31 + 1 + 29 = 61 characters at ap-guangzhou
  [`${'a'.repeat(20)}-1250000000`, 'cos', ['too long for COS at cos.ap-guangzhou.myqcloud.com', 'at most 60', 'would have 61', 'by 1'], GZ],
  [`${'a'.repeat(30)}-1250000000`, 'cos', ['too long for COS in any region']],
  [`${'a'.repeat(16)}-1250000000`, 'cos', ['would have 61'], { endpointHost: 'cos.na-siliconvalley.myqcloud.com' }],
  ['ab', 'aws', ['3 to 63 characters', 'has 2']],
  ['a'.repeat(64), 'minio', ['3 to 63 characters', 'has 64']],
  ['My-Bucket', 'aws', ['Bucket names are lower case', '"my-bucket"']],
  ['my_bucket', 's3', ['"_"', 'Use "-" instead']],
  ['my:bucket', 'r2', ['":"']],
  ['-bucket', 'aws', ['start and end with a letter or a digit']],
  ['bucket.', 'aws', ['start and end with a letter or a digit']],
  ['my..bucket', 'aws', ['two dots in a row']],
  ['my.-bucket', 'wasabi', ['"." next to "-"']],
  ['192.168.5.4', 'aws', ['look like an IP address']],
  ['xn--bucket', 'minio', ['start with "xn--"']],
  ['bucket-s3alias', 'b2', ['end with "-s3alias"']],
  ['sthree-bucket', 'aws', ['start with "sthree-"']],
  ['bucket--ol-s3', 'aws', ['end with "--ol-s3"']],
  ['bucket/prefix', 'aws', ['cannot contain "/"']],
  ['my-bucket.s3.us-west-2.amazonaws.com', 'aws', ['enter just "my-bucket"']],
  ['s3://my-bucket', 'aws', ['not an address']],
];

describe('validateBucketName refuses, saying what to change', () => {
  for (const [name, provider, fragments, ctx] of REFUSED) {
    test(`${provider}: ${JSON.stringify(name)}`, () => {
      const result = validateBucketName(name, provider, ctx);
      assert.equal(result.ok, false, `expected ${JSON.stringify(name)} to be refused`);
      if (result.ok) return;
      assert.equal(result.error.code, 'invalid-bucket-name');
      for (const fragment of fragments) assert.match(result.error.message, new RegExp(escape(fragment), 'i'));
    });
  }
  test('the missing-APPID refusal says where the APPID is', () => {
    const result = validateBucketName('photos', 'cos');
    assert.ok(!result.ok);
    assert.match(result.error.hint ?? '', /console\.cloud\.tencent\.com\/cam\/capi/);
  });
  test('a slash refusal says where a folder goes', () => {
    const result = validateBucketName('bucket/prefix', 'minio');
    assert.ok(!result.ok);
    assert.match(result.error.hint ?? '', /folder pair/);
  });
});

describe('bucketNameWarnings', () => {
  const cases: [string, ProviderId, { forcePathStyle: boolean; protocol?: 'https' | 'http' }, string[]][] = [
    ['my.bucket', 'aws', { forcePathStyle: false }, ['break HTTPS certificate checks']],
    ['my.bucket', 'aws', { forcePathStyle: false, protocol: 'https' }, ['path-style addressing']],
    ['my.bucket', 'minio', { forcePathStyle: true }, []],
    ['my.bucket', 'minio', { forcePathStyle: false, protocol: 'http' }, []],
    ['my-bucket', 'aws', { forcePathStyle: false }, []],
    ['examplebucket-1250000000', 'cos', { forcePathStyle: false }, []],
    ['examplebucket-10012345', 'cos', { forcePathStyle: false }, ['usually 10 digits starting with 1']],
  ];
  for (const [name, provider, ctx, fragments] of cases) {
    test(`${provider}: ${name} ${JSON.stringify(ctx)}`, () => {
      const warnings = bucketNameWarnings(name, provider, ctx);
      assert.equal(warnings.length, fragments.length, JSON.stringify(warnings));
      fragments.forEach((fragment, i) => assert.match(warnings[i] ?? '', new RegExp(escape(fragment))));
    });
  }
});

describe('splitBucketAndPrefix', () => {
  const cases: [string, { bucket: string; prefix: string }][] = [
    ['bucket', { bucket: 'bucket', prefix: '' }],
    ['bucket/', { bucket: 'bucket', prefix: '' }],
    ['bucket/some/prefix', { bucket: 'bucket', prefix: 'some/prefix' }],
    ['bucket/some/prefix/', { bucket: 'bucket', prefix: 'some/prefix' }],
    ['/bucket//some///prefix/', { bucket: 'bucket', prefix: 'some/prefix' }],
    ['  examplebucket-1250000000/photos  ', { bucket: 'examplebucket-1250000000', prefix: 'photos' }],
    ['s3://bucket/a/b', { bucket: 'bucket', prefix: 'a/b' }],
    ['cos://examplebucket-1250000000/a', { bucket: 'examplebucket-1250000000', prefix: 'a' }],
    ['', { bucket: '', prefix: '' }],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(splitBucketAndPrefix(input), expected));
  }
});

describe('bucket properties', () => {
  const providers = fc.constantFrom(...PROVIDER_IDS);
  const names = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.stringMatching(/^[a-zA-Z0-9._/ -]{0,70}$/),
    fc.stringMatching(/^[a-z0-9-]{0,30}-\d{1,12}$/),
  );

  test('never throws; ok with the trimmed name, or an invalid-bucket-name error with a message', () => {
    fc.assert(
      fc.property(names, providers, fc.constantFrom(undefined, 'cos.ap-guangzhou.myqcloud.com', 'minio.local'), (name, provider, endpointHost) => {
        const result = validateBucketName(name, provider, { endpointHost });
        if (result.ok) {
          assert.equal(result.value, name.trim());
          assert.deepEqual(validateBucketName(result.value, provider, { endpointHost }), result);
        } else {
          assert.equal(result.error.code, 'invalid-bucket-name');
          assert.ok(result.error.message.trim().length > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('every well-formed COS name that fits in 60 characters is accepted', () => {
    const cosName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?-1\d{9}$/);
    fc.assert(
      fc.property(cosName, (name) => {
        assert.deepEqual(validateBucketName(name, 'cos', GZ), { ok: true, value: name });
      }),
    );
  });

  test('splitBucketAndPrefix gives a prefix without empty segments or outer slashes', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const { prefix } = splitBucketAndPrefix(input);
        assert.ok(!prefix.startsWith('/') && !prefix.endsWith('/') && !prefix.includes('//'));
      }),
    );
  });
});
