import { readFile } from 'node:fs/promises';

/** One Dockerfile instruction: its keyword (upper case) and its arguments, continuations joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The `AS` name, or its index for an unnamed stage. */
  name: string;
  from: string;
  instructions: Instruction[];
}

/**
 * Enough of the Dockerfile grammar to read our own Dockerfile's steps (for the image steps test,
 * as no container runtime is available): comments, `\` continuations, stages. Not a general
 * parser (no heredocs, no escape directive).
 */
export async function readDockerfile(file: string): Promise<Stage[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const logical: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (current !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    if (keyword.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ name: m?.[2] ?? String(stages.length), from: m?.[1] ?? args, instructions: [] });
      continue;
    }
    void rest;
    stages[stages.length - 1]?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

export function stage(stages: readonly Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
  return found;
}

export function argsOf(s: Stage, keyword: string): string[] {
  return s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** `ENV A=1 B=2` (the form our Dockerfile uses) as a record. */
export function envOf(s: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const args of argsOf(s, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return out;
}
