// Endpoint parsing: every accepted form with its exact parsed result, every refused form with the part of
// the message that says what is wrong, and properties over arbitrary input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { hostProvider, isIpv6, parseEndpoint, type ParsedEndpoint } from '../../src/shared/endpoint.js';
import { PROVIDER_IDS, type ProviderId } from '../../src/shared/providers.js';

type Expected = Omit<ParsedEndpoint, 'warnings' | 'port'> & { port?: number; warnings?: string[] };

/** Parses and checks the exact result; `warnings` lists fragments, one per expected warning. */
function expectParsed(input: string, provider: ProviderId, expected: Expected, opts = {}): void {
  const result = parseEndpoint(input, provider, opts);
  assert.ok(result.ok, `expected ${JSON.stringify(input)} to parse, got ${result.ok ? '' : result.error.message}`);
  const { warnings, ...rest } = result.value;
  const { warnings: fragments = [], ...expectedRest } = expected;
  assert.deepEqual(rest, { port: undefined, ...expectedRest });
  assert.equal(warnings.length, fragments.length, `warnings: ${JSON.stringify(warnings)}`);
  fragments.forEach((fragment, i) => assert.match(warnings[i] ?? '', new RegExp(escape(fragment), 'i')));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const GZ = { url: 'https://cos.ap-guangzhou.myqcloud.com', protocol: 'https', host: 'cos.ap-guangzhou.myqcloud.com', region: 'ap-guangzhou' } as const;
const R2_ACCOUNT = '0123456789abcdef0123456789abcdef';

const ACCEPTED: [string, ProviderId, Expected][] = [
  // Tencent COS, as the guide writes it and as people paste it
  ['cos.ap-guangzhou.myqcloud.com', 'cos', GZ],
  ['https://cos.ap-guangzhou.myqcloud.com', 'cos', GZ],
  ['https://cos.ap-guangzhou.myqcloud.com/', 'cos', GZ],
  ['https://cos.ap-guangzhou.myqcloud.com//', 'cos', GZ],
  ['  cos.ap-guangzhou.myqcloud.com \t', 'cos', GZ],
  ['HTTPS://COS.AP-GUANGZHOU.MYQCLOUD.COM', 'cos', GZ],
  ['https://cos.ap-guangzhou.myqcloud.com:443', 'cos', GZ],
  ['https://cos.ap-guangzhou.myqcloud.com:8443', 'cos', { ...GZ, url: 'https://cos.ap-guangzhou.myqcloud.com:8443', port: 8443 }],
  ['http://cos.ap-guangzhou.myqcloud.com:80/', 'cos', { ...GZ, url: 'http://cos.ap-guangzhou.myqcloud.com', protocol: 'http', warnings: ['unencrypted'] }],
  ['examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'cos', { ...GZ, bucket: 'examplebucket-1250000000', warnings: ['address of bucket examplebucket-1250000000'] }],
  ['https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'cos', { ...GZ, bucket: 'examplebucket-1250000000', warnings: ['address of bucket'] }],
  [
    'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/some/key',
    'cos',
    { ...GZ, bucket: 'examplebucket-1250000000', warnings: ['file path after the bucket address was left out', 'address of bucket'] },
  ],
  [
    'https://cos.ap-guangzhou.myqcloud.com/examplebucket-1250000000',
    'cos',
    { ...GZ, bucket: 'examplebucket-1250000000', warnings: ['refuses bucket names in the path (path-style)'] },
  ],
  [
    'cos.ap-guangzhou.myqcloud.com/examplebucket-1250000000/photos/a.jpg',
    'cos',
    { ...GZ, bucket: 'examplebucket-1250000000', warnings: ['file path after the bucket was left out', 'taken out of the endpoint'] },
  ],
  ['cos.ap-beijing.tencentcos.cn', 'cos', { url: 'https://cos.ap-beijing.tencentcos.cn', protocol: 'https', host: 'cos.ap-beijing.tencentcos.cn', region: 'ap-beijing' }],
  [
    'examplebucket-1250000000.cos.ap-beijing.tencentcos.cn',
    'cos',
    { url: 'https://cos.ap-beijing.tencentcos.cn', protocol: 'https', host: 'cos.ap-beijing.tencentcos.cn', region: 'ap-beijing', bucket: 'examplebucket-1250000000', warnings: ['address of bucket'] },
  ],
  ['cos-internal.ap-shanghai.tencentcos.cn', 'cos', { url: 'https://cos-internal.ap-shanghai.tencentcos.cn', protocol: 'https', host: 'cos-internal.ap-shanghai.tencentcos.cn', region: 'ap-shanghai' }],
  ['cos.accelerate.myqcloud.com', 'cos', { url: 'https://cos.accelerate.myqcloud.com', protocol: 'https', host: 'cos.accelerate.myqcloud.com', warnings: ['cannot list, create or configure buckets'] }],
  [
    'examplebucket-1250000000.cos.accelerate.myqcloud.com',
    'cos',
    { url: 'https://cos.accelerate.myqcloud.com', protocol: 'https', host: 'cos.accelerate.myqcloud.com', bucket: 'examplebucket-1250000000', warnings: ['global acceleration', 'address of bucket'] },
  ],
  ['https://10.0.0.5:8080', 'cos', { url: 'https://10.0.0.5:8080', protocol: 'https', host: '10.0.0.5', port: 8080, warnings: ['private deployment'] }],
  // Amazon S3
  ['', 'aws', { url: '', protocol: 'https', host: '' }],
  ['   ', 'aws', { url: '', protocol: 'https', host: '' }],
  ['s3.us-west-2.amazonaws.com', 'aws', { url: 'https://s3.us-west-2.amazonaws.com', protocol: 'https', host: 's3.us-west-2.amazonaws.com', region: 'us-west-2' }],
  ['s3.amazonaws.com', 'aws', { url: 'https://s3.amazonaws.com', protocol: 'https', host: 's3.amazonaws.com' }],
  ['s3-us-west-2.amazonaws.com', 'aws', { url: 'https://s3-us-west-2.amazonaws.com', protocol: 'https', host: 's3-us-west-2.amazonaws.com', region: 'us-west-2' }],
  ['s3.dualstack.eu-central-1.amazonaws.com', 'aws', { url: 'https://s3.dualstack.eu-central-1.amazonaws.com', protocol: 'https', host: 's3.dualstack.eu-central-1.amazonaws.com', region: 'eu-central-1' }],
  ['s3.cn-north-1.amazonaws.com.cn', 'aws', { url: 'https://s3.cn-north-1.amazonaws.com.cn', protocol: 'https', host: 's3.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' }],
  ['s3-accelerate.amazonaws.com', 'aws', { url: 'https://s3-accelerate.amazonaws.com', protocol: 'https', host: 's3-accelerate.amazonaws.com' }],
  ['bucket.s3.us-west-2.amazonaws.com', 'aws', { url: 'https://s3.us-west-2.amazonaws.com', protocol: 'https', host: 's3.us-west-2.amazonaws.com', region: 'us-west-2', bucket: 'bucket', warnings: ['address of bucket bucket'] }],
  ['https://my.s3.bucket.s3.us-west-2.amazonaws.com/key.txt', 'aws', { url: 'https://s3.us-west-2.amazonaws.com', protocol: 'https', host: 's3.us-west-2.amazonaws.com', region: 'us-west-2', bucket: 'my.s3.bucket', warnings: ['left out', 'address of bucket'] }],
  ['my-bucket.s3.amazonaws.com', 'aws', { url: 'https://s3.amazonaws.com', protocol: 'https', host: 's3.amazonaws.com', bucket: 'my-bucket', warnings: ['address of bucket'] }],
  // Cloudflare R2
  [`https://${R2_ACCOUNT}.r2.cloudflarestorage.com`, 'r2', { url: `https://${R2_ACCOUNT}.r2.cloudflarestorage.com`, protocol: 'https', host: `${R2_ACCOUNT}.r2.cloudflarestorage.com` }],
  [`${R2_ACCOUNT}.eu.r2.cloudflarestorage.com`, 'r2', { url: `https://${R2_ACCOUNT}.eu.r2.cloudflarestorage.com`, protocol: 'https', host: `${R2_ACCOUNT}.eu.r2.cloudflarestorage.com` }],
  [`https://${R2_ACCOUNT}.r2.cloudflarestorage.com/photos`, 'r2', { url: `https://${R2_ACCOUNT}.r2.cloudflarestorage.com`, protocol: 'https', host: `${R2_ACCOUNT}.r2.cloudflarestorage.com`, bucket: 'photos', warnings: ['taken out of the endpoint'] }],
  [`photos.${R2_ACCOUNT}.r2.cloudflarestorage.com`, 'r2', { url: `https://${R2_ACCOUNT}.r2.cloudflarestorage.com`, protocol: 'https', host: `${R2_ACCOUNT}.r2.cloudflarestorage.com`, bucket: 'photos', warnings: ['address of bucket'] }],
  ['myaccount.r2.cloudflarestorage.com', 'r2', { url: 'https://myaccount.r2.cloudflarestorage.com', protocol: 'https', host: 'myaccount.r2.cloudflarestorage.com', warnings: ['32 hexadecimal'] }],
  // Backblaze B2, Wasabi, Alibaba OSS
  ['s3.us-west-004.backblazeb2.com', 'b2', { url: 'https://s3.us-west-004.backblazeb2.com', protocol: 'https', host: 's3.us-west-004.backblazeb2.com', region: 'us-west-004' }],
  ['photos.s3.eu-central-003.backblazeb2.com', 'b2', { url: 'https://s3.eu-central-003.backblazeb2.com', protocol: 'https', host: 's3.eu-central-003.backblazeb2.com', region: 'eu-central-003', bucket: 'photos', warnings: ['address of bucket'] }],
  ['https://s3.eu-central-1.wasabisys.com', 'wasabi', { url: 'https://s3.eu-central-1.wasabisys.com', protocol: 'https', host: 's3.eu-central-1.wasabisys.com', region: 'eu-central-1' }],
  ['s3.wasabisys.com', 'wasabi', { url: 'https://s3.wasabisys.com', protocol: 'https', host: 's3.wasabisys.com' }],
  ['photos.s3.us-east-2.wasabisys.com', 'wasabi', { url: 'https://s3.us-east-2.wasabisys.com', protocol: 'https', host: 's3.us-east-2.wasabisys.com', region: 'us-east-2', bucket: 'photos', warnings: ['address of bucket'] }],
  ['s3.oss-cn-hangzhou.aliyuncs.com', 'oss', { url: 'https://s3.oss-cn-hangzhou.aliyuncs.com', protocol: 'https', host: 's3.oss-cn-hangzhou.aliyuncs.com', region: 'cn-hangzhou' }],
  ['oss-cn-hangzhou.aliyuncs.com', 'oss', { url: 'https://oss-cn-hangzhou.aliyuncs.com', protocol: 'https', host: 'oss-cn-hangzhou.aliyuncs.com', region: 'cn-hangzhou' }],
  ['oss-cn-beijing-internal.aliyuncs.com', 'oss', { url: 'https://oss-cn-beijing-internal.aliyuncs.com', protocol: 'https', host: 'oss-cn-beijing-internal.aliyuncs.com', region: 'cn-beijing' }],
  ['photos.oss-cn-hangzhou.aliyuncs.com', 'oss', { url: 'https://oss-cn-hangzhou.aliyuncs.com', protocol: 'https', host: 'oss-cn-hangzhou.aliyuncs.com', region: 'cn-hangzhou', bucket: 'photos', warnings: ['address of bucket'] }],
  ['cn-hangzhou.oss.aliyuncs.com', 'oss', { url: 'https://cn-hangzhou.oss.aliyuncs.com', protocol: 'https', host: 'cn-hangzhou.oss.aliyuncs.com', region: 'cn-hangzhou' }],
  ['s3.oss-accelerate.aliyuncs.com', 'oss', { url: 'https://s3.oss-accelerate.aliyuncs.com', protocol: 'https', host: 's3.oss-accelerate.aliyuncs.com', warnings: ['acceleration endpoint'] }],
  // custom hosts
  ['minio.local:9000', 'minio', { url: 'https://minio.local:9000', protocol: 'https', host: 'minio.local', port: 9000 }],
  ['http://minio.local:9000', 'minio', { url: 'http://minio.local:9000', protocol: 'http', host: 'minio.local', port: 9000, warnings: ['Plain HTTP'] }],
  ['192.168.1.10:9000', 's3', { url: 'https://192.168.1.10:9000', protocol: 'https', host: '192.168.1.10', port: 9000 }],
  ['localhost:9000', 'minio', { url: 'https://localhost:9000', protocol: 'https', host: 'localhost', port: 9000 }],
  ['[::1]:9000', 'minio', { url: 'https://[::1]:9000', protocol: 'https', host: '[::1]', port: 9000 }],
  ['https://[fd00::1]', 's3', { url: 'https://[fd00::1]', protocol: 'https', host: '[fd00::1]' }],
  ['https://[FD00:0:0::A]:9443/', 's3', { url: 'https://[fd00:0:0::a]:9443', protocol: 'https', host: '[fd00:0:0::a]', port: 9443 }],
  ['[::ffff:192.168.1.10]', 'minio', { url: 'https://[::ffff:192.168.1.10]', protocol: 'https', host: '[::ffff:192.168.1.10]' }],
  ['minio_1:9000', 'minio', { url: 'https://minio_1:9000', protocol: 'https', host: 'minio_1', port: 9000 }],
  ['http://minio.local:443', 'minio', { url: 'http://minio.local:443', protocol: 'http', host: 'minio.local', port: 443, warnings: ['Plain HTTP', 'Port 443 normally speaks HTTPS'] }],
  ['https://s3.example.com:80', 's3', { url: 'https://s3.example.com:80', protocol: 'https', host: 's3.example.com', port: 80, warnings: ['Port 80 normally speaks plain HTTP'] }],
  ['s3.example.com', 'aws', { url: 'https://s3.example.com', protocol: 'https', host: 's3.example.com', warnings: ["not one of Amazon S3's own addresses"] }],
];

describe('parseEndpoint accepts', () => {
  for (const [input, provider, expected] of ACCEPTED) {
    test(`${provider}: ${JSON.stringify(input)}`, () => expectParsed(input, provider, expected));
  }
  test('defaultProtocol http applies only without a scheme, and warns', () => {
    expectParsed('minio.local:9000', 'minio', { url: 'http://minio.local:9000', protocol: 'http', host: 'minio.local', port: 9000, warnings: ['Plain HTTP'] }, { defaultProtocol: 'http' });
    expectParsed('https://minio.local:9000', 'minio', { url: 'https://minio.local:9000', protocol: 'https', host: 'minio.local', port: 9000 }, { defaultProtocol: 'http' });
  });
});

const REFUSED: [string, ProviderId, string[]][] = [
  ['', 'cos', ['Enter the endpoint']],
  ['  ', 'minio', ['Enter the endpoint']],
  ['s3://bucket', 'aws', ['s3:// addresses name a bucket', 'bucket field']],
  ['cos://examplebucket-1250000000', 'cos', ['cos:// addresses name a bucket']],
  ['ftp://files.example.com', 's3', ['"ftp://"', 'only https:// and http://']],
  ['https:/cos.ap-guangzhou.myqcloud.com', 'cos', ['with two slashes']],
  ['https://cos.ap-guangzhou.myqcloud.com/?versioning', 'cos', ['query string', 'Remove "?"']],
  ['https://cos.ap-guangzhou.myqcloud.com#top', 'cos', ['fragment', 'Remove "#"']],
  ['https://b-1250000000.cos.ap-guangzhou.myqcloud.com/a.jpg?q-sign-algorithm=sha1&q-signature=x', 'cos', ['signed link to one file']],
  ['https://AKIDEXAMPLE:secretEXAMPLE@cos.ap-guangzhou.myqcloud.com', 'cos', ['Never put access keys in the endpoint']],
  ['AKIDEXAMPLE@minio.local:9000', 'minio', ['Never put access keys in the endpoint']],
  ['https://AKIA:wJal/rXUtnFEMI/K7MDENG@s3.amazonaws.com', 'aws', ['Never put access keys in the endpoint']],
  ['cos.ap guangzhou.myqcloud.com', 'cos', ['contains a space']],
  ['https://cos.ap-guangzhou.myqcloud.com\n/x', 'cos', ['contains a space']],
  ['minio.local:0', 'minio', ['Port "0" is out of range', '1 to 65535']],
  ['minio.local:65536', 'minio', ['Port "65536" is out of range']],
  ['minio.local:abc', 'minio', ['port "abc" is not a number']],
  ['minio.local:', 'minio', ['port is missing']],
  ['minio.local:-1', 'minio', ['not a number']],
  ['fd00::1', 's3', ['square brackets', '[fd00::1]:9000']],
  ['::1', 's3', ['square brackets']],
  ['https://fd00::1:9000', 'minio', ['square brackets']],
  ['[fd00::1', 's3', ['no closing "]"']],
  ['[fd00::g]', 's3', ['[fd00::g] is not a valid IPv6 address']],
  ['[1:2:3:4:5:6:7:8:9]', 's3', ['not a valid IPv6 address']],
  ['[::1]x', 's3', ['only ":port" may follow']],
  ['[::1]:99999', 's3', ['out of range']],
  ['https://', 's3', ['no host name']],
  ['https://:9000', 's3', ['no host name']],
  ['ho$t.example.com', 's3', ['"$"', 'letters, digits, dots and hyphens']],
  ['cös.example.com', 's3', ['outside plain ASCII', 'xn--']],
  ['cos..myqcloud.com', 'cos', ['empty part']],
  ['.example.com', 's3', ['empty part']],
  ['example.com.', 's3', ['empty part']],
  ['-minio.local', 'minio', ['cannot start or end with "-"']],
  [`${'a'.repeat(64)}.example.com`, 's3', ['longer than 63 characters']],
  [`${'abcdefghi.'.repeat(26)}com`, 's3', ['longer than 253 characters']],
  ['192.168.1.300', 'minio', ['not a valid IPv4 address']],
  ['1.2.3', 'minio', ['not a valid IPv4 address']],
  ['myqcloud.com', 'cos', ['does not name a region', 'cos.<region>.myqcloud.com']],
  ['cos.myqcloud.com', 'cos', ['does not name a region']],
  ['examplebucket-1250000000.cos.myqcloud.com', 'cos', ['does not name a region']],
  ['service.cos.myqcloud.com', 'cos', ['old global address', "endpoint of your bucket's region"]],
  ['ap-guangzhou.myqcloud.com', 'cos', ['is not a COS endpoint']],
  ['a.b.cos.ap-guangzhou.myqcloud.com', 'cos', ['is not a COS endpoint']],
  ['examplebucket-1250000000.cos-website.ap-guangzhou.myqcloud.com', 'cos', ['static website address']],
  ['examplebucket-1250000000.pic.ap-guangzhou.myqcloud.com', 'cos', ['is not a COS endpoint']],
  ['cos.ap-guangzhou.myqcloud.com', 'aws', ['belongs to Tencent Cloud COS, but the provider is set to Amazon S3', 'Choose Tencent Cloud COS']],
  ['cos.ap-guangzhou.myqcloud.com', 's3', ['Choose Tencent Cloud COS']],
  ['cos.ap-guangzhou.myqcloud.com', 'minio', ['Choose Tencent Cloud COS']],
  ['examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'r2', ['Choose Tencent Cloud COS']],
  ['s3.us-west-2.amazonaws.com', 's3', ['Choose Amazon S3']],
  ['s3.oss-cn-hangzhou.aliyuncs.com', 'cos', ['Choose Alibaba Cloud OSS']],
  ['ec2.us-east-1.amazonaws.com', 'aws', ['not an Amazon S3 endpoint']],
  ['bucket.s3-website-us-east-1.amazonaws.com', 'aws', ['static website address']],
  ['r2.cloudflarestorage.com', 'r2', ['has no account ID']],
  ['pub-123.r2.dev', 'r2', ['public r2.dev link']],
  ['s3.backblazeb2.com', 'b2', ['does not name a region', 's3.<region>.backblazeb2.com']],
  ['f004.backblazeb2.com', 'b2', ['is not the S3 endpoint of Backblaze B2']],
  ['console.wasabisys.com', 'wasabi', ['is not a Wasabi S3 endpoint']],
  ['aliyuncs.com', 'oss', ['does not name a region']],
  ['oss.aliyuncs.com', 'oss', ['does not name a region']],
  ['ecs.aliyuncs.com', 'oss', ['is not an OSS endpoint']],
  ['https://minio.local:9000/photos', 'minio', ['contains a path ("/photos")', 'enter https://minio.local:9000 here', 'bucket field']],
  ['https://s3.us-west-2.amazonaws.com/bucket', 'aws', ['contains a path', 'enter https://s3.us-west-2.amazonaws.com here']],
  ['https://cos.ap-guangzhou.myqcloud.com/NotABucket', 'cos', ['contains a path']],
];

describe('parseEndpoint refuses, saying what is wrong', () => {
  for (const [input, provider, fragments] of REFUSED) {
    test(`${provider}: ${JSON.stringify(input)}`, () => {
      const result = parseEndpoint(input, provider);
      assert.equal(result.ok, false, `expected ${JSON.stringify(input)} to be refused`);
      if (result.ok) return;
      assert.equal(result.error.code, 'invalid-endpoint');
      for (const fragment of fragments) assert.match(result.error.message, new RegExp(escape(fragment), 'i'));
      assert.ok(result.error.hint, 'every endpoint error says what an endpoint looks like');
    });
  }
  test('a message never repeats a key pasted into the endpoint', () => {
    for (const input of ['https://AKIDz:hunter2secret@host', 'https://AKIDz:a/b+hunter2secret@host:9000/x?y#z']) {
      const result = parseEndpoint(input, 's3');
      assert.ok(!result.ok);
      assert.doesNotMatch(JSON.stringify(result.error), /hunter2secret|AKIDz/);
    }
  });
});

describe('helpers', () => {
  test('isIpv6', () => {
    for (const good of ['::', '::1', 'fd00::1', '1:2:3:4:5:6:7:8', '::ffff:10.0.0.1', '1::', 'FE80::ABCD']) assert.ok(isIpv6(good), good);
    for (const bad of ['', ':1', '1:2', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::1.2.3', 'g::1', '1.2.3.4::']) assert.ok(!isIpv6(bad), bad);
  });
  test('hostProvider', () => {
    assert.equal(hostProvider('cos.ap-guangzhou.myqcloud.com'), 'cos');
    assert.equal(hostProvider('S3.US-WEST-2.AMAZONAWS.COM'), 'aws');
    assert.equal(hostProvider('minio.local'), undefined);
  });
});

// ---- properties ----

const providers = fc.constantFrom(...PROVIDER_IDS);
/** Strings built from the pieces endpoints are made of, so the generator reaches the interesting branches. */
const endpointish = fc
  .array(
    fc.constantFrom(
      'https://', 'http://', 's3://', 'cos.', 'ap-guangzhou', '.', 'myqcloud.com', 'tencentcos.cn', 'accelerate',
      'examplebucket-1250000000', 's3', 'us-west-2', 'amazonaws.com', 'r2.cloudflarestorage.com', R2_ACCOUNT,
      'backblazeb2.com', 'wasabisys.com', 'oss-cn-hangzhou', 'aliyuncs.com', 'minio', 'localhost', ':', '9000', '0',
      '65536', '[', ']', '::1', 'fd00::', '/', '//', '@', '?', '#', ' ', '-', '_', 'A', '192.168.1.10', 'é', '%',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));
/** Well-formed endpoints of every family, with optional scheme, bucket, port, path and odd case. */
const structured = fc
  .record({
    scheme: fc.constantFrom('', 'https://', 'http://', 'HTTPS://'),
    bucket: fc.option(fc.stringMatching(/^[a-z0-9]{3,12}(-1\d{9})?$/), { nil: undefined }),
    host: fc.constantFrom(
      'cos.ap-guangzhou.myqcloud.com', 'cos.na-siliconvalley.tencentcos.cn', 'cos.accelerate.myqcloud.com',
      's3.us-west-2.amazonaws.com', 's3.amazonaws.com', `${R2_ACCOUNT}.r2.cloudflarestorage.com`,
      's3.us-west-004.backblazeb2.com', 's3.wasabisys.com', 's3.oss-cn-hangzhou.aliyuncs.com', 'minio.local',
    ),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.constantFrom('', '/', '/examplebucket-1250000000', '/photos/2024/a.jpg'),
    upper: fc.boolean(),
  })
  .map(({ scheme, bucket, host, port, path, upper }) => {
    const text = `${scheme}${bucket ? `${bucket}.` : ''}${host}${port ? `:${port}` : ''}${path}`;
    return upper ? text.toUpperCase() : text;
  });
const anyInput = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), endpointish, structured);

describe('parseEndpoint properties', () => {
  test('never throws; always ok, or an invalid-endpoint error with a message', () => {
    fc.assert(
      fc.property(anyInput, providers, fc.constantFrom<'https' | 'http'>('https', 'http'), (input, provider, defaultProtocol) => {
        const result = parseEndpoint(input, provider, { defaultProtocol });
        if (!result.ok) {
          assert.equal(result.error.code, 'invalid-endpoint');
          assert.ok(result.error.message.trim().length > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a parsed url parses again to itself', () => {
    fc.assert(
      fc.property(anyInput, providers, (input, provider) => {
        const first = parseEndpoint(input, provider);
        if (!first.ok) return;
        const again = parseEndpoint(first.value.url, provider);
        assert.ok(again.ok, `${first.value.url} did not re-parse`);
        const { url, protocol, host, port, region } = first.value;
        assert.deepEqual(
          { url: again.value.url, protocol: again.value.protocol, host: again.value.host, port: again.value.port, region: again.value.region },
          { url, protocol, host, port, region },
        );
        assert.equal(again.value.bucket, undefined);
      }),
      { numRuns: 3000 },
    );
  });

  test('the COS region round-trips through the endpoint and the bucket URL', () => {
    const region = fc.stringMatching(/^[a-z]{2}-[a-z]{4,12}(-[a-z]{3,4})?$/);
    const bucket = fc.stringMatching(/^[a-z0-9]{1,20}-1\d{9}$/);
    fc.assert(
      fc.property(region, bucket, fc.constantFrom('myqcloud.com', 'tencentcos.cn'), (r, b, domain) => {
        const plain = parseEndpoint(`cos.${r}.${domain}`, 'cos');
        const pasted = parseEndpoint(`https://${b}.cos.${r}.${domain}/x`, 'cos');
        assert.ok(plain.ok && pasted.ok);
        assert.equal(plain.value.region, r);
        assert.deepEqual([pasted.value.region, pasted.value.bucket, pasted.value.url], [r, b, `https://cos.${r}.${domain}`]);
      }),
    );
  });
});
