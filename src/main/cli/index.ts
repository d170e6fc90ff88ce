// `cos-sync`: the headless command line, running the same engine as the app. Exit codes: 0 success,
// 1 a failure that was reported with its fix, 2 a usage error.
import { Command, CommanderError, Option } from 'commander';
import { PROVIDER_IDS } from '../../shared/providers.js';
import { createServices } from '../engine/services.js';
import { EXIT, consolePrinter, reportFailure } from './output.js';
import * as commands from './commands.js';

type Action = (services: Awaited<ReturnType<typeof createServices>>, json: boolean) => Promise<number>;

async function run(action: Action, json = false): Promise<void> {
  const services = await createServices();
  const printer = consolePrinter(json);
  if (!services.loaded.ok) {
    process.exitCode = reportFailure(printer, services.loaded.error);
    return;
  }
  process.exitCode = await action(services, json);
}

const jsonOption = () => new Option('--json', 'print the result as JSON');

function profileCommands(program: Command): void {
  const profile = program.command('profile').description('manage connection profiles');
  profile
    .command('add <name>')
    .description('add a connection profile; the secret key goes to the system keychain')
    .addOption(new Option('--provider <provider>', 'storage provider').choices([...PROVIDER_IDS]).makeOptionMandatory())
    .option('--endpoint <url>', 'service endpoint, e.g. cos.ap-guangzhou.myqcloud.com')
    .option('--region <region>', 'region, or "auto" to take it from the endpoint', 'auto')
    .addOption(new Option('--addressing <style>', 'bucket addressing').choices(['auto', 'virtual', 'path']).default('auto'))
    .addOption(new Option('--signature <version>', 'request signature').choices(['v4', 'v2']).default('v4'))
    .option('--ca <pem>', 'extra CA certificate to trust (private deployments)')
    .option('--proxy <url>', 'HTTP(S) proxy, e.g. http://proxy:3128')
    .option('--bucket <bucket>', 'default bucket')
    .requiredOption('--access-key-id <id>', 'access key (SecretId)')
    .option('--secret-stdin', 'read the secret key (SecretKey) from standard input')
    .option('--replace', 'replace a profile of the same name')
    .addOption(jsonOption())
    .action((name: string, options) =>
      run(({ connections }) => commands.profileAdd(connections, consolePrinter(options.json), ioOf(), name, options), options.json));
  profile.command('list').description('list the profiles').addOption(jsonOption())
    .action((options) => run(({ connections }, json) => commands.profileList(connections, consolePrinter(json)), options.json));
  profile.command('show <name>').description('show a profile and how its "auto" settings resolve').addOption(jsonOption())
    .action((name: string, options) => run(({ connections }, json) => commands.profileShow(connections, consolePrinter(json), name), options.json));
  profile.command('remove <name>').description('remove a profile and its secret key').addOption(jsonOption())
    .action((name: string, options) => run(({ connections }, json) => commands.profileRemove(connections, consolePrinter(json), name), options.json));
}

function ioOf(): commands.Io {
  return { stdin: process.stdin, stderr: process.stderr, envHasKeys: Boolean(process.env.COS_SYNC_ACCESS_KEY_ID && process.env.COS_SYNC_SECRET_ACCESS_KEY) };
}

function connectionCommands(program: Command): void {
  program.command('doctor <profile>').description('diagnose a connection: network, TLS, keys, clock, bucket, permissions')
    .option('--bucket <bucket>', 'bucket to check (default: the profile\'s bucket)')
    .option('--prefix <prefix>', 'where the probe object is written')
    .addOption(jsonOption())
    .action((name: string, options) => run(({ connections }, json) => commands.doctor(connections, consolePrinter(json), name, options), options.json));
  program.command('buckets <profile>').description('list the buckets at the profile\'s endpoint').addOption(jsonOption())
    .action((name: string, options) => run(({ connections }, json) => commands.buckets(connections, consolePrinter(json), name), options.json));
  const bucket = program.command('bucket').description('manage buckets');
  bucket.command('create <profile> <bucket>').description('create a bucket in the profile\'s region').addOption(jsonOption())
    .action((name: string, bucketName: string, options) => run(({ connections }, json) => commands.bucketCreate(connections, consolePrinter(json), name, bucketName), options.json));
}

export function buildProgram(): Command {
  const program = new Command('cos-sync')
    .description('Keep local folders in sync with a Tencent Cloud COS bucket, or any S3-compatible bucket.')
    .showHelpAfterError()
    .exitOverride();
  profileCommands(program);
  connectionCommands(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw err;
}
