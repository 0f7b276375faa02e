import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { G2gError } from '../errors';

/** Label values as prom-client takes them. */
export type MetricLabels = Record<string, string | number>;

/**
 * A plugin's metrics (PluginContext.metrics), exported on the node's metrics port with the
 * node's own. Every name gets the plugin's prefix (`kv` → `kv_writes_total`), so plugins cannot
 * collide with each other or with the node's metrics. Structural types only: a plugin does not
 * depend on the host's prom-client version.
 */
export interface PluginMetrics {
  counter(options: MetricOptions): PluginCounter;
  gauge(options: MetricOptions): PluginGauge;
  histogram(options: MetricOptions & { buckets?: number[] }): PluginHistogram;
}

export interface PluginCounter {
  inc(value?: number): void;
  inc(labels: MetricLabels, value?: number): void;
}

export interface PluginGauge extends PluginCounter {
  set(value: number): void;
  set(labels: MetricLabels, value: number): void;
  dec(value?: number): void;
  dec(labels: MetricLabels, value?: number): void;
}

export interface PluginHistogram {
  observe(value: number): void;
  observe(labels: MetricLabels, value: number): void;
}

export interface MetricOptions {
  /** Without the prefix: `writes_total` becomes `<plugin>_writes_total`. Counters end in `_total`. */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export class InvalidMetricError extends G2gError {
  readonly code = 'ERR_PLUGIN_METRIC_INVALID';
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The prefix for a plugin's metrics: its name, with what Prometheus does not allow as `_`. */
export function pluginMetricPrefix(pluginName: string): string {
  const p = pluginName.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(p) ? `_${p}` : p;
}

/**
 * The plugin's metrics, registered in `registry` (the node's, so one scrape has everything). The
 * same name asked twice with the same type gives the same metric; a name the node (or another
 * plugin) already has is refused with a coded error, never a thrown prom-client one.
 */
export function pluginMetrics(pluginName: string, registry: Registry = new Registry()): PluginMetrics & { registry: Registry } {
  const prefix = pluginMetricPrefix(pluginName);
  const made = new Map<string, { type: string; metric: unknown }>();
  const make = <T>(type: string, options: MetricOptions, create: (name: string, labelNames: string[]) => T): T => {
    if (!NAME.test(options.name)) throw new InvalidMetricError(`metric name ${JSON.stringify(options.name)} of plugin ${pluginName} is not a Prometheus name ([a-zA-Z_][a-zA-Z0-9_]*)`);
    if (type === 'counter' && !options.name.endsWith('_total')) throw new InvalidMetricError(`counter ${options.name} of plugin ${pluginName} must end in _total (Prometheus naming)`);
    if (type !== 'counter' && options.name.endsWith('_total')) throw new InvalidMetricError(`${type} ${options.name} of plugin ${pluginName} must not end in _total: that suffix is for counters`);
    const name = `${prefix}_${options.name}`;
    const existing = made.get(name);
    if (existing) {
      if (existing.type !== type) throw new InvalidMetricError(`plugin ${pluginName} already has a ${existing.type} named ${name}`);
      return existing.metric as T;
    }
    if (registry.getSingleMetric(name)) throw new InvalidMetricError(`metric ${name} of plugin ${pluginName} clashes with a metric the node already exports`);
    const metric = create(name, [...(options.labelNames ?? [])]);
    made.set(name, { type, metric });
    return metric;
  };
  return {
    registry,
    counter: (o) => make('counter', o, (name, labelNames) => new Counter({ name, help: o.help, labelNames, registers: [registry] })),
    gauge: (o) => make('gauge', o, (name, labelNames) => new Gauge({ name, help: o.help, labelNames, registers: [registry] })),
    histogram: (o) => make('histogram', o, (name, labelNames) => new Histogram({ name, help: o.help, labelNames, registers: [registry], ...(o.buckets ? { buckets: o.buckets } : {}) })),
  };
}
