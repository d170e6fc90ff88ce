// `cos-sync`: the headless command line, running the same engine as the app. Exit codes: 0 success,
// 1 a failure that was reported with its fix, 2 a usage error.
import { Command, CommanderError, Option } from 'commander';
import { PROVIDER_IDS } from '../../shared/providers.js';
import { createServices } from '../engine/services.js';
import { EXIT, consolePrinter, reportFailure } from './output.js';
import * as commands from './commands.js';
import * as syncCommands from './sync-commands.js';
import * as pairCommands from './pair-commands.js';
import * as trashCommands from './trash-commands.js';
import { DELETE_POLICIES } from '../../shared/pair.js';

type Action = (services: Awaited<ReturnType<typeof createServices>>, json: boolean) => Promise<number>;

async function run(action: Action, json = false): Promise<void> {
  const services = await createServices();
  const printer = consolePrinter(json);
  try {
    if (!services.loaded.ok) {
      process.exitCode = reportFailure(printer, services.loaded.error);
      return;
    }
    process.exitCode = await action(services, json);
  } finally {
    await services.close();
  }
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

const deleteOption = () => new Option('--delete <policy>', 'what a file deleted locally does in the bucket').choices([...DELETE_POLICIES]);
const limitOptions = (command: Command) => command
  .option('--bwlimit <rate>', 'upload bandwidth limit in bytes per second, with K, M or G (e.g. 10M); 0 for none')
  .option('--transfers <n>', 'files uploaded at once (default 8)');

function syncCommandsOf(program: Command): void {
  limitOptions(program.command('sync <folder> <target>')).description('sync a folder to <profile>:<bucket>[/<prefix>]: once (exit when in sync), or continuously with --watch')
    .option('--watch', 'keep watching the folder and syncing changes')
    .option('--dry-run', 'print the plan with the reason for each operation; change nothing')
    .option('--approve', 'if a safety gate holds the plan (mass delete, emptied folder...), print it and run it anyway')
    .option('--keep', 'if a safety gate holds the plan, decline it: the objects stay in the bucket and nothing is deleted')
    .addOption(deleteOption())
    .addOption(jsonOption())
    .action((folder: string, target: string, options) => run((s, json) => syncCommands.sync(s.sync(), consolePrinter(json), folder, target, options), options.json));
  const pair = program.command('pair').description('manage the saved folder pairs (the app syncs these)');
  limitOptions(pair.command('add <folder> <target>')).description('save a folder pair: <profile>:<bucket>[/<prefix>] (default prefix: none)')
    .addOption(deleteOption().default('trash'))
    .option('--max-deletes <n>', 'hold a plan that deletes more objects than this (default 50)')
    .option('--paused', 'add it paused')
    .addOption(jsonOption())
    .action((folder: string, target: string, options) => run((s, json) => pairCommands.pairAdd(s.sync(), consolePrinter(json), folder, target, options), options.json));
  pair.command('list').description('list the folder pairs').addOption(jsonOption())
    .action((options) => run(async (s, json) => pairCommands.pairList(s.sync(), consolePrinter(json)), options.json));
  pair.command('remove <id>').description('remove a pair (no file is deleted anywhere)').addOption(jsonOption())
    .action((id: string, options) => run((s, json) => pairCommands.pairRemove(s.sync(), consolePrinter(json), id), options.json));
  for (const [name, paused] of [['pause', true], ['resume', false]] as const) {
    pair.command(`${name} <id>`).description(`${name} a pair, or "all"`).addOption(jsonOption())
      .action((id: string, options) => run((s, json) => pairCommands.pairPause(s.sync(), consolePrinter(json), id, paused), options.json));
  }
  program.command('status').description('the folder pairs and what is in sync').addOption(jsonOption())
    .action((options) => run(async (s, json) => pairCommands.status(s.sync(), consolePrinter(json)), options.json));
  program.command('run').description('sync every saved pair continuously, as the app does').addOption(jsonOption())
    .action((options) => run((s, json) => pairCommands.runAll(s.sync(), consolePrinter(json)), options.json));
}

function trashCommandsOf(program: Command): void {
  const trash = program.command('trash').description('the bucket\'s trash of a saved folder pair: what deletions moved there, and putting it back');
  trash.command('list <pair|folder>').description('list what was moved to the trash: original key, when, size and why').addOption(jsonOption())
    .action((pair: string, options) => run((s, json) => trashCommands.trashList(s.sync(), consolePrinter(json), pair), options.json));
  trash.command('restore <pair|folder> <items...>')
    .description('restore files (original key, or a trash key for one version) or folders (ending in "/") to the bucket and the folder; a name now taken gets "(restored <date>)"')
    .addOption(jsonOption())
    .action((pair: string, items: string[], options) => run((s, json) => trashCommands.trashRestore(s.sync(), consolePrinter(json), pair, items), options.json));
  trash.command('empty <pair|folder>').description('delete for good what was trashed more than N days ago; lists it and changes nothing without --yes')
    .requiredOption('--older-than <days>', 'only what was trashed more than this many days ago (0: everything)')
    .option('--yes', 'really delete; nothing in the list can be restored afterwards')
    .addOption(jsonOption())
    .action((pair: string, options) => {
      const days = Number(options.olderThan);
      if (!Number.isInteger(days) || days < 0) {
        process.stderr.write(`Error: --older-than "${options.olderThan}" is not a number of days.\n  What to do: give a whole number, e.g. --older-than 30.\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      return run((s, json) => trashCommands.trashEmpty(s.sync(), consolePrinter(json), pair, days, options.yes === true), options.json);
    });
}

export function buildProgram(): Command {
  const program = new Command('cos-sync')
    .description('Keep local folders in sync with a Tencent Cloud COS bucket, or any S3-compatible bucket.')
    .showHelpAfterError()
    .exitOverride();
  profileCommands(program);
  connectionCommands(program);
  syncCommandsOf(program);
  trashCommandsOf(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw err;
}
