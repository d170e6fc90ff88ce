// Resolving a profile's "auto" choices: region, addressing and checksums per provider, the refusals, and
// the plain-language lines that explain the result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ConnectionProfileSchema, type ConnectionProfileInput, type ResolvedConnection } from '../../src/shared/profile.js';
import { PROVIDER_IDS } from '../../src/shared/providers.js';
import { describeResolution, isAutoRegion, resolveConnection } from '../../src/shared/resolve.js';

const profile = (fields: Partial<ConnectionProfileInput> & Pick<ConnectionProfileInput, 'provider' | 'endpoint'>) =>
  ConnectionProfileSchema.parse({ name: 'test', accessKeyId: 'AKIDEXAMPLE', ...fields });

function resolved(fields: Parameters<typeof profile>[0]): ResolvedConnection {
  const result = resolveConnection(profile(fields));
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

const COS_BASE: ResolvedConnection = {
  provider: 'cos',
  endpoint: 'https://cos.ap-guangzhou.myqcloud.com',
  protocol: 'https',
  host: 'cos.ap-guangzhou.myqcloud.com',
  port: undefined,
  region: 'ap-guangzhou',
  regionSource: 'endpoint',
  forcePathStyle: false,
  addressingSource: 'auto',
  signature: 'v4',
  checksums: 'WHEN_REQUIRED',
  md5Fallback: true,
  cos: true,
  caFile: undefined,
  proxy: undefined,
};

describe('resolveConnection: Tencent COS', () => {
  test('auto everything, exactly', () => {
    assert.deepEqual(resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com' }), COS_BASE);
  });
  for (const word of ['auto', 'Auto', 'DEFAULT', 'Automatic', '  auto  ']) {
    test(`region ${JSON.stringify(word)} means auto`, () => {
      assert.equal(isAutoRegion(word), true);
      const r = resolved({ provider: 'cos', endpoint: 'https://cos.ap-chengdu.myqcloud.com', region: word });
      assert.deepEqual([r.region, r.regionSource], ['ap-chengdu', 'endpoint']);
    });
  }
  test('an explicit region overrides the endpoint', () => {
    const r = resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', region: ' AP-Beijing ' });
    assert.deepEqual([r.region, r.regionSource], ['ap-beijing', 'explicit']);
  });
  test('a pasted bucket URL resolves to the service endpoint', () => {
    const r = resolved({ provider: 'cos', endpoint: 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com' });
    assert.equal(r.endpoint, 'https://cos.ap-guangzhou.myqcloud.com');
  });
  test('explicit path-style is kept (doctor reports the 403), virtual-hosted too', () => {
    const path = resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', addressing: 'path' });
    assert.deepEqual([path.forcePathStyle, path.addressingSource], [true, 'explicit']);
    const virtual = resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', addressing: 'virtual' });
    assert.deepEqual([virtual.forcePathStyle, virtual.addressingSource], [false, 'explicit']);
  });
  test('the acceleration endpoint needs an explicit region', () => {
    const auto = resolveConnection(profile({ provider: 'cos', endpoint: 'cos.accelerate.myqcloud.com' }));
    assert.ok(!auto.ok);
    assert.equal(auto.error.code, 'invalid-profile');
    assert.match(auto.error.message, /Set the region to your bucket's region/);
    const set = resolved({ provider: 'cos', endpoint: 'cos.accelerate.myqcloud.com', region: 'ap-shanghai' });
    assert.deepEqual([set.region, set.regionSource, set.forcePathStyle], ['ap-shanghai', 'explicit', false]);
  });
  test('a private deployment on an IP: path-style, region from the profile', () => {
    const r = resolved({ provider: 'cos', endpoint: 'http://10.0.0.5:8080', region: 'ap-guangzhou' });
    assert.deepEqual(
      [r.endpoint, r.protocol, r.port, r.forcePathStyle, r.addressingSource, r.cos],
      ['http://10.0.0.5:8080', 'http', 8080, true, 'auto', true],
    );
  });
  test('signature v2, CA file and proxy pass through', () => {
    const r = resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', signature: 'v2', caFile: ' /etc/ca.pem ', proxy: '' });
    assert.deepEqual([r.signature, r.caFile, r.proxy], ['v2', '/etc/ca.pem', undefined]);
  });
});

type Row = [string, Parameters<typeof profile>[0], Partial<ResolvedConnection>];
const PROVIDER_ROWS: Row[] = [
  ['AWS with no endpoint: the SDK default', { provider: 'aws', endpoint: '' },
    { endpoint: undefined, host: undefined, region: 'us-east-1', regionSource: 'default', forcePathStyle: false, checksums: 'WHEN_SUPPORTED', md5Fallback: false, cos: false }],
  ['AWS regional endpoint', { provider: 'aws', endpoint: 's3.us-west-2.amazonaws.com' },
    { endpoint: 'https://s3.us-west-2.amazonaws.com', region: 'us-west-2', regionSource: 'endpoint', forcePathStyle: false, checksums: 'WHEN_SUPPORTED' }],
  ['AWS with an explicit region and no endpoint', { provider: 'aws', endpoint: '', region: 'eu-west-1' },
    { endpoint: undefined, region: 'eu-west-1', regionSource: 'explicit' }],
  ['AWS provider on a custom host: path-style', { provider: 'aws', endpoint: 'https://s3.example.com' },
    { forcePathStyle: true, addressingSource: 'auto', region: 'us-east-1', regionSource: 'default' }],
  ['R2', { provider: 'r2', endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com' },
    { region: 'auto', regionSource: 'default', forcePathStyle: true, checksums: 'WHEN_REQUIRED', md5Fallback: false }],
  ['B2', { provider: 'b2', endpoint: 's3.us-west-004.backblazeb2.com' },
    { region: 'us-west-004', regionSource: 'endpoint', forcePathStyle: false, checksums: 'WHEN_REQUIRED' }],
  ['Wasabi regional', { provider: 'wasabi', endpoint: 's3.eu-central-1.wasabisys.com' },
    { region: 'eu-central-1', regionSource: 'endpoint', forcePathStyle: false }],
  ['Wasabi without a region in the host', { provider: 'wasabi', endpoint: 's3.wasabisys.com' },
    { region: 'us-east-1', regionSource: 'default', forcePathStyle: false }],
  ['OSS', { provider: 'oss', endpoint: 's3.oss-cn-hangzhou.aliyuncs.com' },
    { region: 'cn-hangzhou', regionSource: 'endpoint', forcePathStyle: false, md5Fallback: true, checksums: 'WHEN_REQUIRED' }],
  ['OSS with explicit path-style', { provider: 'oss', endpoint: 'oss-cn-shanghai.aliyuncs.com', addressing: 'path' },
    { region: 'cn-shanghai', forcePathStyle: true, addressingSource: 'explicit' }],
  ['MinIO', { provider: 'minio', endpoint: 'http://minio.local:9000' },
    { endpoint: 'http://minio.local:9000', protocol: 'http', port: 9000, region: 'us-east-1', regionSource: 'default', forcePathStyle: true, addressingSource: 'auto', checksums: 'WHEN_REQUIRED' }],
  ['MinIO with virtual-hosted chosen', { provider: 'minio', endpoint: 'https://minio.example.com', addressing: 'virtual' },
    { forcePathStyle: false, addressingSource: 'explicit' }],
  ['other S3 on IPv6', { provider: 's3', endpoint: '[fd00::1]:9000', region: 'garage' },
    { host: '[fd00::1]', endpoint: 'https://[fd00::1]:9000', region: 'garage', regionSource: 'explicit', forcePathStyle: true }],
];

describe('resolveConnection: every provider', () => {
  for (const [name, fields, expected] of PROVIDER_ROWS) {
    test(name, () => {
      const r = resolved(fields);
      const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, r[key as keyof ResolvedConnection]]));
      assert.deepEqual(picked, expected);
    });
  }
});

describe('resolveConnection refuses', () => {
  const rows: [string, Parameters<typeof profile>[0], string, string][] = [
    ['virtual-hosted on an IP', { provider: 'minio', endpoint: '192.168.1.10:9000', addressing: 'virtual' }, 'invalid-profile', 'Path-style'],
    ['virtual-hosted on localhost', { provider: 's3', endpoint: 'http://localhost:9000', addressing: 'virtual' }, 'invalid-profile', 'impossible with localhost'],
    ['virtual-hosted on IPv6', { provider: 's3', endpoint: '[::1]:9000', addressing: 'virtual' }, 'invalid-profile', 'impossible with [::1]'],
    ['a bad endpoint', { provider: 'cos', endpoint: 'cos.myqcloud.com' }, 'invalid-endpoint', 'does not name a region'],
    ['an empty endpoint where one is needed', { provider: 'minio', endpoint: '' }, 'invalid-endpoint', 'Enter the endpoint'],
    ['a COS host with another provider', { provider: 'aws', endpoint: 'cos.ap-guangzhou.myqcloud.com' }, 'invalid-endpoint', 'Choose Tencent Cloud COS'],
    ['a region with a space', { provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', region: 'ap guangzhou' }, 'invalid-profile', 'is not a region name'],
  ];
  for (const [name, fields, code, fragment] of rows) {
    test(name, () => {
      const result = resolveConnection(profile(fields));
      assert.ok(!result.ok);
      assert.equal(result.error.code, code);
      assert.ok(result.error.message.includes(fragment), result.error.message);
    });
  }
});

describe('describeResolution', () => {
  test('COS, all automatic', () => {
    assert.deepEqual(describeResolution(COS_BASE), [
      'Provider: Tencent Cloud COS',
      'Endpoint: https://cos.ap-guangzhou.myqcloud.com',
      'Region: ap-guangzhou (from the endpoint)',
      'Addressing: virtual-hosted (https://bucket.host) (automatic for this endpoint)',
      'Signature: AWS Signature Version 4',
      'Checksums: only where an operation requires one, with Content-MD5 instead of CRC32',
      'COS rules: bucket names are <BucketName>-<APPID>; uploads are checked with CRC64',
    ]);
  });
  test('explicit path-style on COS warns of the 403; a region clash is pointed out', () => {
    const lines = describeResolution(resolved({ provider: 'cos', endpoint: 'cos.ap-guangzhou.myqcloud.com', addressing: 'path', region: 'ap-beijing' }));
    assert.ok(lines.includes('Region: ap-beijing (set in the profile; the endpoint is in ap-guangzhou, and the bucket must be in the endpoint\'s region)'));
    assert.ok(lines.some((line) => line.startsWith('Addressing: path-style') && line.includes('403 PathStyleDomainForbidden')));
  });
  test('AWS defaults, HTTP, CA file and a proxy with its password hidden', () => {
    const aws = describeResolution(resolved({ provider: 'aws', endpoint: '' }));
    assert.ok(aws.includes('Endpoint: the standard one for the region (chosen by the SDK)'));
    assert.ok(aws.includes('Region: us-east-1 (the default for Amazon S3)'));
    assert.ok(aws.includes('Checksums: SDK defaults (CRC32 on every upload)'));
    const minio = describeResolution(
      resolved({ provider: 'minio', endpoint: 'http://minio.local:9000', caFile: '/ca.pem', proxy: 'http://me:pa55word@proxy:3128' }),
    );
    assert.ok(minio.includes('Protocol: plain HTTP, unencrypted'));
    assert.ok(minio.includes('Custom CA certificate: /ca.pem'));
    assert.ok(minio.includes('Proxy: http://***@proxy:3128'));
    assert.ok(!minio.join('\n').includes('pa55word'));
  });
});

describe('resolve properties', () => {
  test('the COS region round-trips from the endpoint to the resolved connection', () => {
    const region = fc.stringMatching(/^[a-z]{2}-[a-z]{4,12}(-[a-z]{3,4})?$/);
    fc.assert(
      fc.property(region, fc.constantFrom('auto', 'Default', 'AUTOMATIC'), (r, word) => {
        const result = resolved({ provider: 'cos', endpoint: `https://examplebucket-1250000000.cos.${r}.myqcloud.com`, region: word });
        assert.deepEqual([result.region, result.regionSource, result.endpoint], [r, 'endpoint', `https://cos.${r}.myqcloud.com`]);
      }),
    );
  });
  test('never throws, and checksums are WHEN_SUPPORTED for AWS only', () => {
    const endpoint = fc.oneof(
      fc.string(),
      fc.constantFrom('', 'cos.ap-guangzhou.myqcloud.com', 's3.us-west-2.amazonaws.com', '127.0.0.1:9000', 'localhost', 'minio.local'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDER_IDS),
        endpoint,
        fc.oneof(fc.constantFrom('auto', 'us-east-1'), fc.string({ minLength: 1 })),
        fc.constantFrom('auto', 'virtual', 'path'),
        (provider, endpointText, region, addressing) => {
          const parsed = ConnectionProfileSchema.safeParse({ name: 'p', accessKeyId: 'k', provider, endpoint: endpointText, region, addressing });
          if (!parsed.success) return;
          const result = resolveConnection(parsed.data);
          if (!result.ok) return assert.ok(result.error.message.length > 0);
          assert.equal(result.value.checksums === 'WHEN_SUPPORTED', provider === 'aws');
          assert.ok(describeResolution(result.value).length >= 6);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
