import type { Fact } from './facts';

export interface NodeAnswer {
  nodeId: string;
  facts: readonly Fact[];
}

export interface ValueCount {
  value: string;
  count: number;
  nodeIds: string[];
}

export interface FactSummary {
  name: string;
  values: ValueCount[];
  /** Answering nodes without the fact. */
  missing: number;
}

/**
 * Merges answers into one summary per fact: each value with how many nodes gave it (most
 * frequent first, ties by value), and how many answering nodes lack the fact. `wanted` lists
 * facts to report even when nobody has them; facts nobody was asked for but somebody gave are
 * reported too (an empty question asks for everything).
 */
export function mergeAnswers(answers: readonly NodeAnswer[], wanted: readonly string[] = []): FactSummary[] {
  const byFact = new Map<string, Map<string, string[]>>();
  for (const name of wanted) byFact.set(name, new Map());
  for (const a of answers) {
    const seen = new Set<string>();
    for (const f of a.facts) {
      if (seen.has(f.name)) continue; // one vote per node and fact
      seen.add(f.name);
      let values = byFact.get(f.name);
      if (!values) byFact.set(f.name, (values = new Map()));
      const nodes = values.get(f.value) ?? [];
      nodes.push(a.nodeId);
      values.set(f.value, nodes);
    }
  }
  return [...byFact.keys()].sort().map((name) => {
    const values = [...byFact.get(name)!].map(([value, nodeIds]) => ({ value, count: nodeIds.length, nodeIds }));
    values.sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
    const answered = values.reduce((n, v) => n + v.count, 0);
    return { name, values, missing: answers.length - answered };
  });
}
