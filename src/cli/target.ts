import { labelsOf } from '../config/node-tags';
import { isNodeId } from '../identity/node-id';
import type { MemberInfo__Output } from '../proto/generated/g2g/v1/MemberInfo';
import { TargetError } from './cli-error';

/** Fewer characters than this are too likely to match by accident (git asks for 4 as well). */
export const MIN_PREFIX = 4;

/**
 * The member a CLI argument names, as an operator would write it: a full node id, a unique id
 * prefix (at least 4 characters, like git's short hashes), a node name (G2G_NODE_NAME), or one
 * `key=value` tag (G2G_TAGS). Exactly one member must match; otherwise a TargetError lists
 * the candidates, so `g2g remove web` never removes the wrong node.
 */
export function resolveMember(text: string, members: readonly MemberInfo__Output[]): MemberInfo__Output {
  const exact = members.find((m) => m.nodeId === text);
  if (exact) return exact;
  const eq = text.indexOf('=');
  let matches: MemberInfo__Output[];
  let what: string;
  if (eq > 0) {
    const [key, value] = [text.slice(0, eq), text.slice(eq + 1)];
    matches = members.filter((m) => labelsOf(m.tags).tags.some((t) => t.key === key && t.value === value));
    what = `tag ${text}`;
  } else {
    matches = members.filter((m) => labelsOf(m.tags).name === text);
    what = `name ${text}`;
    if (matches.length === 0) {
      if (text.length < MIN_PREFIX) throw new TargetError(`"${text}" names no member, and an id prefix needs at least ${MIN_PREFIX} characters`);
      matches = members.filter((m) => m.nodeId.startsWith(text));
      what = isNodeId(text) ? `id ${text}` : `id prefix ${text}`;
    }
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new TargetError(`no member matches ${what} (see g2g members)`);
  const listed = matches.slice(0, 5).map((m) => `${m.nodeId}${labelsOf(m.tags).name ? ` (${labelsOf(m.tags).name})` : ''}`);
  throw new TargetError(`${what} matches ${matches.length} members: ${listed.join(', ')}${matches.length > 5 ? ', …' : ''}; give more of the id`);
}
