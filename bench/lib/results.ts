// Every measurement of a run, and the median / min / max the report shows.
export type WorkloadId = 'large' | 'small' | 'resync-10k' | 'upload-100k' | 'adopt-100k' | 'resync-100k' | 'watch' | 'resume';

export interface Sample {
  workload: WorkloadId;
  tool: string;
  round: number;
  /** seconds, cpuS, peakRssMB, requests, putBytes, mbPerS, filesPerS, … */
  metrics: Record<string, number>;
  /** Object count and bytes matched what was expected (uploads only). */
  verified?: boolean;
  note?: string;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stat(values: readonly number[]): Stat | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, n: v.length };
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
}

export class Results {
  readonly samples: Sample[] = [];
  readonly notes: string[] = [];

  add(sample: Sample): void {
    this.samples.push(sample);
  }

  of(workload: WorkloadId, tool: string, metric: string): Stat | undefined {
    return stat(this.samples.filter((s) => s.workload === workload && s.tool === tool).map((s) => s.metrics[metric] ?? NaN));
  }

  tools(workload: WorkloadId): string[] {
    return [...new Set(this.samples.filter((s) => s.workload === workload).map((s) => s.tool))];
  }
}
