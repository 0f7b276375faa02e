import os from 'node:os';
import { VERSION } from 'g2g';

export interface Fact {
  name: string;
  value: string;
}

/**
 * What a node answers with: facts about itself. Swap it for your own to answer another
 * question (the fan-out and the merge do not care what the facts are).
 */
export interface Answerer {
  /** The facts named in `names` that this node has (every fact when `names` is empty). */
  answer(names: readonly string[]): Fact[] | Promise<Fact[]>;
}

/** Fact names: dotted lower-case words, e.g. `region`, `host.load1`. */
const FACT_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

/**
 * Parses `plugins.query.facts`: `name=value` pairs separated by commas (`region=eu-west,tier=gpu`).
 * Throws on a malformed pair, naming it.
 */
export function parseFacts(text: string): Fact[] {
  const out: Fact[] = [];
  for (const part of text.split(',')) {
    const pair = part.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (!FACT_NAME.test(name)) throw new Error(`"${pair}" is not name=value with a name like region or host.zone`);
    out.push({ name, value: pair.slice(eq + 1).trim() });
  }
  return out;
}

/**
 * The shipped answerer: the operator's configured facts plus a few the node knows by itself
 * (`g2g.version`, `runtime.node`, `os.platform`, `os.arch`, `host.cpus`, `host.load1`,
 * `host.memory_free_mb`). Configured facts win over built-in ones of the same name. Dynamic
 * facts are read at answer time.
 */
export class FactsAnswerer implements Answerer {
  private readonly configured: Map<string, string>;

  constructor(
    configured: readonly Fact[],
    private readonly builtIn: () => Fact[] = () => builtInFacts(),
  ) {
    this.configured = new Map(configured.map((f) => [f.name, f.value]));
  }

  answer(names: readonly string[]): Fact[] {
    const all = new Map<string, string>(this.builtIn().map((f) => [f.name, f.value]));
    for (const [name, value] of this.configured) all.set(name, value);
    const wanted = names.length === 0 ? [...all.keys()].sort() : [...new Set(names)];
    return wanted.filter((n) => all.has(n)).map((name) => ({ name, value: all.get(name)! }));
  }
}

export function builtInFacts(version = VERSION): Fact[] {
  return [
    { name: 'g2g.version', value: version },
    { name: 'runtime.node', value: process.version },
    { name: 'os.platform', value: process.platform },
    { name: 'os.arch', value: process.arch },
    { name: 'host.cpus', value: String(os.cpus().length) },
    { name: 'host.load1', value: os.loadavg()[0]!.toFixed(2) },
    { name: 'host.memory_free_mb', value: String(Math.round(os.freemem() / 2 ** 20)) },
  ];
}
