// The `cos-sync` commands for connection profiles, diagnosis and buckets. Each command is a small function
// over the ConnectionService that returns its exit code; parsing lives in index.ts.
import { createInterface } from 'node:readline';
import { PROVIDERS, isProviderId } from '../../shared/providers.js';
import { parseEndpoint } from '../../shared/endpoint.js';
import { appError } from '../../shared/errors.js';
import type { ConnectionProfileInput } from '../../shared/profile.js';
import type { ConnectionService } from '../engine/connection/service.js';
import type { ProfileSummary } from '../../shared/ipc/contract.js';
import { EXIT, formatDiagnosis, report, reportFailure, type Printer } from './output.js';

export interface ProfileAddOptions {
  provider: string;
  endpoint?: string;
  region?: string;
  addressing?: string;
  signature?: string;
  ca?: string;
  proxy?: string;
  bucket?: string;
  accessKeyId: string;
  secretStdin?: boolean;
  replace?: boolean;
}

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  envHasKeys: boolean;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks for the secret on a terminal without echoing it. */
function promptHidden(io: Io, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  io.stderr.write(question);
  output._writeToOutput = () => undefined;
  return new Promise((resolve) => rl.question('', (answer) => { rl.close(); io.stderr.write('\n'); resolve(answer); }));
}

async function secretFor(options: ProfileAddOptions, io: Io): Promise<{ secret?: string; error?: string }> {
  if (options.secretStdin) {
    const secret = await readStdin(io.stdin);
    return secret ? { secret } : { error: '--secret-stdin was given but standard input was empty.' };
  }
  if (io.stdin.isTTY) return { secret: await promptHidden(io, 'Secret key (SecretKey): ') };
  if (io.envHasKeys) return {};
  return { error: 'No secret key given. Pipe it in with --secret-stdin (e.g. `cos-sync profile add ... --secret-stdin < keyfile`), or set COS_SYNC_ACCESS_KEY_ID and COS_SYNC_SECRET_ACCESS_KEY.' };
}

function profileFrom(name: string, options: ProfileAddOptions): ConnectionProfileInput {
  const provider = options.provider as ConnectionProfileInput['provider'];
  const endpoint = parseEndpoint(options.endpoint ?? '', provider);
  return {
    name,
    provider,
    endpoint: endpoint.ok ? endpoint.value.url : (options.endpoint ?? ''),
    region: options.region ?? 'auto',
    addressing: (options.addressing ?? 'auto') as ConnectionProfileInput['addressing'],
    signature: (options.signature ?? 'v4') as ConnectionProfileInput['signature'],
    accessKeyId: options.accessKeyId,
    ...(options.ca ? { caFile: options.ca } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...((options.bucket ?? (endpoint.ok ? endpoint.value.bucket : undefined)) ? { bucket: options.bucket ?? (endpoint.ok ? endpoint.value.bucket : undefined) } : {}),
  };
}

export async function profileAdd(service: ConnectionService, printer: Printer, io: Io, name: string, options: ProfileAddOptions): Promise<number> {
  if (!isProviderId(options.provider)) {
    return reportFailure(printer, appError('invalid-argument', { message: `Unknown provider "${options.provider}".`, hint: `Use one of: ${Object.keys(PROVIDERS).join(', ')}.` }));
  }
  const endpoint = parseEndpoint(options.endpoint ?? '', options.provider);
  if (!endpoint.ok) return reportFailure(printer, endpoint.error);
  const { secret, error } = await secretFor(options, io);
  if (error) return reportFailure(printer, appError('invalid-argument', { message: error }));
  const saved = await service.saveProfile({ profile: profileFrom(name, options), secretAccessKey: secret, replace: options.replace });
  for (const warning of endpoint.value.warnings) printer.err(`Warning: ${warning}`);
  return report(printer, saved, (s) => `Saved profile "${s.profile.name}".\n${formatSummary(s)}`);
}

export function formatSummary(summary: ProfileSummary): string {
  const p = summary.profile;
  const lines = [
    `${p.name}`,
    `  Provider: ${PROVIDERS[p.provider].label}`,
    `  Endpoint: ${p.endpoint || '(provider default)'}`,
    `  Access key (SecretId): ${p.accessKeyId}`,
    `  Secret key: ${summary.hasSecret ? 'stored' : 'not stored'}`,
    ...(p.bucket ? [`  Bucket: ${p.bucket}`] : []),
    ...summary.resolution.map((line) => `  ${line}`),
  ];
  return lines.join('\n');
}

export async function profileList(service: ConnectionService, printer: Printer): Promise<number> {
  return report(printer, await service.listProfiles(), (list) =>
    list.length ? list.map((s) => `${s.profile.name}\t${PROVIDERS[s.profile.provider].label}\t${s.profile.endpoint || '(default)'}`).join('\n') : 'No profiles yet. Add one with `cos-sync profile add`.');
}

export async function profileShow(service: ConnectionService, printer: Printer, name: string): Promise<number> {
  return report(printer, await service.getProfile(name), formatSummary);
}

export async function profileRemove(service: ConnectionService, printer: Printer, name: string): Promise<number> {
  return report(printer, await service.removeProfile(name), () => `Removed profile "${name}" and its secret key.`);
}

export async function doctor(service: ConnectionService, printer: Printer, name: string, options: { bucket?: string; prefix?: string }): Promise<number> {
  const result = await service.diagnose({ name }, options);
  const code = report(printer, result, formatDiagnosis);
  return code === EXIT.ok && result.ok && !result.value.ok ? EXIT.failed : code;
}

export async function buckets(service: ConnectionService, printer: Printer, name: string): Promise<number> {
  return report(printer, await service.listBuckets({ name }), (list) => {
    const lines = list.buckets.map((b) => `${b.name}${b.region ? `\t${b.region}` : ''}`);
    if (!lines.length) lines.push('No buckets at this endpoint.');
    if (list.elsewhere.length) lines.push(`(${list.elsewhere.length} more in other regions: ${list.elsewhere.map((b) => `${b.name} (${b.region})`).join(', ')}; use that region's endpoint to reach them)`);
    return lines.join('\n');
  });
}

export async function bucketCreate(service: ConnectionService, printer: Printer, name: string, bucket: string): Promise<number> {
  return report(printer, await service.createBucket({ name }, bucket), (r) => `Created bucket ${r.bucket} in ${r.region}.`);
}
