import path from 'node:path';
import ts from 'typescript';

/**
 * Fields a Kubernetes manifest holds that its API type does not have: `publishNotReadyAdresses`
 * on a Service spec, a `grpcc:` probe. kubernetes-models' `validate()` passes those (its JSON
 * schemas allow additional properties), so a test built on it alone misses a misspelling that a
 * strict `kubectl apply` refuses and a lenient client sends to an API server that drops it.
 *
 * The check uses the interfaces kubernetes-models ships (generated from the same OpenAPI spec as
 * its schemas) and TypeScript's checker: each manifest becomes an object literal typed `I<Kind>`
 * in an in-memory source file, and every property of every object literal in it, at any depth
 * and in arrays, must exist in the type the checker expects there. (The compiler's own
 * excess-property error stops at the first one it finds per assignment; this walk lists all.)
 * Free-form maps (labels, annotations, resource quantities) are index signatures there and take
 * any key. The compiler's other diagnostics (a kind kubernetes-models does not have, a wrong
 * type) are returned too.
 */

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

/** Parsed declaration files (lib, kubernetes-models), shared by the checks of one test process. */
const declarations = new Map<string, ts.SourceFile>();

/** One problem per line, `<label>: <path> is not a field of <type>` or a compiler message; empty when every field is known. */
export function unknownFields(manifests: ReadonlyArray<{ label: string; object: ManifestObject }>, repoRoot: string): string[] {
  const fileName = path.join(repoRoot, '__kubernetes_manifests__.ts');
  const lines: string[] = [];
  const labels: string[] = [];
  manifests.forEach(({ label, object }, i) => {
    // Core-group objects are `v1/<Kind>` in kubernetes-models, the others `<group>/<version>/<Kind>`.
    lines.push(`import type { I${object.kind} as T${i} } from ${JSON.stringify(`kubernetes-models/${object.apiVersion}/${object.kind}`)};`);
    lines.push(`export const m${i}: T${i} = ${JSON.stringify(object)};`);
    labels.push(label);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    // No DOM: parsing lib.dom is most of the program's cost, and manifests need only the basic types.
    lib: ['lib.es5.d.ts'],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.fileExists = ((exists) => (name: string) => name === fileName || exists(name))(host.fileExists.bind(host));
  host.getSourceFile = (name, language, onError, shouldCreate) => {
    if (name === fileName) return ts.createSourceFile(name, source, language);
    let parsed = declarations.get(name);
    if (!parsed) {
      parsed = getSourceFile(name, language, onError, shouldCreate);
      if (parsed) declarations.set(name, parsed);
    }
    return parsed;
  };
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(fileName)!;
  // Line 2i is manifest i's import, 2i+1 its object.
  const labelAt = (position: number) => labels[Math.floor(file.getLineAndCharacterOfPosition(position).line / 2)] ?? '?';
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const type = checker.getContextualType(node);
      for (const property of node.properties) {
        if (!type || !ts.isPropertyAssignment(property)) continue;
        if (!hasField(checker, type, nameOf(property))) problems.push(`${labelAt(property.getStart(file))}: ${pathOf(property)} is not a field of ${checker.typeToString(checker.getNonNullableType(type))}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const excessProperty = new Set([2353, 2561]); // "Object literal may only specify known properties…": the walk reports those, all of them
  for (const d of ts.getPreEmitDiagnostics(program, file)) {
    if (excessProperty.has(d.code)) continue;
    problems.push(`${d.start !== undefined ? labelAt(d.start) : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  return problems;
}

/** Whether an object of `type` may hold `name`: a declared property, or any key of a map. */
function hasField(checker: ts.TypeChecker, type: ts.Type, name: string): boolean {
  const t = checker.getNonNullableType(type);
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
  if (t.isUnion()) return t.types.some((member) => hasField(checker, member, name));
  if (checker.getPropertyOfType(t, name)) return true;
  return checker.getIndexInfosOfType(t).some((info) => (info.keyType.flags & ts.TypeFlags.String) !== 0);
}

/** The key of a property as written in JSON: a string literal. */
function nameOf(property: ts.PropertyAssignment): string {
  return ts.isStringLiteral(property.name) || ts.isIdentifier(property.name) ? property.name.text : property.name.getText();
}

/** `spec.template.spec.containers[0].readinessProbe.grpcc`: where a property sits in its manifest. */
function pathOf(property: ts.PropertyAssignment): string {
  const parts: string[] = [];
  let node: ts.Node = property;
  while (node && !ts.isVariableDeclaration(node)) {
    if (ts.isPropertyAssignment(node)) parts.unshift(`.${nameOf(node)}`);
    else if (ts.isArrayLiteralExpression(node.parent)) parts.unshift(`[${node.parent.elements.indexOf(node as ts.Expression)}]`);
    node = node.parent;
  }
  return parts.join('').slice(1);
}
