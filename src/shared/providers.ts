// Provider presets: what each S3-compatible service needs by default. Every provider quirk the client
// applies is decided from here (see cos-s3-facts.md), so the factory has no provider special cases.

export const PROVIDER_IDS = ['cos', 'aws', 'r2', 'b2', 'wasabi', 'oss', 'minio', 's3'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export type Addressing = 'virtual' | 'path';

export interface ProviderPreset {
  id: ProviderId;
  /** Name shown in the provider picker. */
  label: string;
  /** Example endpoint shown as a placeholder; `<region>` marks where the region goes. */
  endpointTemplate: string;
  /** Addressing used when the profile says "auto". */
  defaultAddressing: Addressing;
  /** Whether path-style is refused by the service (COS buckets made since 2024). */
  pathStyleRefused: boolean;
  /** Region used when the profile says "auto" and none can be read from the endpoint. */
  fallbackRegion: string;
  /** Reads the region out of an endpoint host, for "auto". */
  regionFromHost?: (host: string) => string | undefined;
  /** AWS computes the SDK's default flexible checksums; everyone else gets WHEN_REQUIRED. */
  sdkDefaultChecksums: boolean;
  /** Operations the SDK marks "checksum required" need Content-MD5 instead of CRC32. */
  md5ForRequiredChecksums: boolean;
  /** The service returns x-cos-hash-crc64ecma and bucket names must be <name>-<appid>. */
  cosSemantics: boolean;
  /** Whether the service lets this client create buckets through the S3 API. */
  canCreateBucket: boolean;
  /** Whether the endpoint may be left empty (the SDK knows the endpoint). */
  endpointOptional: boolean;
}

const match = (re: RegExp) => (host: string) => re.exec(host.toLowerCase())?.[1];

/** Self-hosted and other services: path-style, a default region, Content-MD5 where the SDK wants CRC32. */
const SELF_HOSTED = {
  defaultAddressing: 'path',
  pathStyleRefused: false,
  fallbackRegion: 'us-east-1',
  sdkDefaultChecksums: false,
  md5ForRequiredChecksums: true,
  cosSemantics: false,
  canCreateBucket: true,
  endpointOptional: false,
} as const;

export const PROVIDERS: Record<ProviderId, ProviderPreset> = {
  cos: {
    id: 'cos',
    label: 'Tencent Cloud COS',
    endpointTemplate: 'https://cos.<region>.myqcloud.com',
    defaultAddressing: 'virtual',
    pathStyleRefused: true,
    fallbackRegion: 'ap-guangzhou',
    // cos-internal is the in-VPC endpoint; cos.accelerate.myqcloud.com names no region.
    regionFromHost: match(/(?:^|\.)cos(?:-internal)?\.(?!accelerate\.)([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/),
    sdkDefaultChecksums: false,
    md5ForRequiredChecksums: true,
    cosSemantics: true,
    canCreateBucket: true,
    endpointOptional: false,
  },
  aws: {
    id: 'aws',
    label: 'Amazon S3',
    endpointTemplate: 'https://s3.<region>.amazonaws.com',
    defaultAddressing: 'virtual',
    pathStyleRefused: false,
    fallbackRegion: 'us-east-1',
    // FIPS, dual-stack, VPC and China (.com.cn) hosts too; s3-accelerate and s3-external-1 name no region.
    regionFromHost: match(
      /(?:^|\.)s3(?:-fips)?[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d+)(?:\.vpce)?\.amazonaws\.com(?:\.cn)?$/,
    ),
    sdkDefaultChecksums: true,
    md5ForRequiredChecksums: false,
    cosSemantics: false,
    canCreateBucket: true,
    endpointOptional: true,
  },
  r2: {
    id: 'r2',
    label: 'Cloudflare R2',
    endpointTemplate: 'https://<account>.r2.cloudflarestorage.com',
    defaultAddressing: 'path',
    pathStyleRefused: false,
    fallbackRegion: 'auto',
    sdkDefaultChecksums: false,
    md5ForRequiredChecksums: false,
    cosSemantics: false,
    canCreateBucket: true,
    endpointOptional: false,
  },
  b2: {
    id: 'b2',
    label: 'Backblaze B2',
    endpointTemplate: 'https://s3.<region>.backblazeb2.com',
    defaultAddressing: 'virtual',
    pathStyleRefused: false,
    fallbackRegion: 'us-west-004',
    regionFromHost: match(/(?:^|\.)s3\.([a-z0-9-]+)\.backblazeb2\.com$/),
    sdkDefaultChecksums: false,
    md5ForRequiredChecksums: false,
    cosSemantics: false,
    canCreateBucket: true,
    endpointOptional: false,
  },
  wasabi: {
    id: 'wasabi',
    label: 'Wasabi',
    endpointTemplate: 'https://s3.<region>.wasabisys.com',
    defaultAddressing: 'virtual',
    pathStyleRefused: false,
    fallbackRegion: 'us-east-1',
    regionFromHost: match(/(?:^|\.)s3\.([a-z0-9-]+)\.wasabisys\.com$/),
    sdkDefaultChecksums: false,
    md5ForRequiredChecksums: false,
    cosSemantics: false,
    canCreateBucket: true,
    endpointOptional: false,
  },
  oss: {
    id: 'oss',
    label: 'Alibaba Cloud OSS',
    endpointTemplate: 'https://s3.oss-<region>.aliyuncs.com',
    defaultAddressing: 'virtual',
    pathStyleRefused: true,
    fallbackRegion: 'cn-hangzhou',
    // oss-<region>[-internal] and dual-stack <region>.oss hosts; oss-accelerate names no region.
    regionFromHost: (host) =>
      match(/(?:^|\.)oss-(?!accelerate)([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/)(host) ??
      match(/(?:^|\.)([a-z]{2}-[a-z0-9-]+)\.oss\.aliyuncs\.com$/)(host),
    sdkDefaultChecksums: false,
    md5ForRequiredChecksums: true,
    cosSemantics: false,
    canCreateBucket: true,
    endpointOptional: false,
  },
  minio: { ...SELF_HOSTED, id: 'minio', label: 'MinIO or Ceph RGW', endpointTemplate: 'https://minio.example.com:9000' },
  s3: { ...SELF_HOSTED, id: 's3', label: 'Other S3-compatible service', endpointTemplate: 'https://s3.example.com' },
};

export const isProviderId = (value: string): value is ProviderId =>
  (PROVIDER_IDS as readonly string[]).includes(value);
