// What every tool driver offers the workloads: a session on one local folder and one bucket prefix, whose
// `sync()` is a first upload the first time and a no-change resync after that.
import type { Measured } from '../lib/proc.js';

export type Kind = 'large' | 'small';

export interface BenchEnv {
  /** Plain HTTP endpoint of RGW (every side-by-side run). */
  httpEndpoint: string;
  /** HTTPS endpoint of RGW, for our own HTTPS run. */
  httpsEndpoint: string;
  caCertFile: string;
  keys: { accessKeyId: string; secretAccessKey: string };
  projectDir: string;
  /** Where sessions keep logs, config and state. */
  workDir: string;
  /** Node flags for every cos-sync process (`--cpu-prof --cpu-prof-dir …` with the bench's --cpu-prof). */
  nodeFlags: string[];
}

export interface Target {
  /** The local folder (a Tree's root). */
  dir: string;
  bucket: string;
  /** '' or 'a/b/'. */
  prefix: string;
  kind: Kind;
  /** Relative paths of the files, for drivers that need the list (raw). */
  files: readonly string[];
}

export interface Session {
  /** Runs the tool once over the whole folder; logs go to `<workDir>/<label>.log`. */
  sync(label: string): Promise<Measured & { detail?: Record<string, number> }>;
  close(): Promise<void>;
}

export interface Tool {
  id: string;
  /** Short name for tables and the chart. */
  label: string;
  group: 'ours' | 'peer' | 'raw';
  /** Whether a second sync() means "no-change resync" (raw uploads again). */
  resyncs: boolean;
  open(env: BenchEnv, target: Target): Promise<Session>;
}
