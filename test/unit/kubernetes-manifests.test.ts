import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/interop-exec';
import { unknownFields } from '../helpers/kubernetes-fields';

/**
 * Every manifest in examples/kubernetes validates against the Kubernetes API schemas (the
 * `kubernetes-models` package: JSON schemas generated from the OpenAPI spec) and holds no field
 * its Kubernetes type does not have (which those schemas let through), and the set says
 * what a deployment needs of it: identical pods joining one Service with a token from a Secret, a
 * headless governing Service, separate liveness and readiness, a PodDisruptionBudget, non-root
 * with a read-only root file system, resources, scrape annotations, the pod IP advertised.
 */

const DIR = path.join(REPO_ROOT, 'examples', 'kubernetes');

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: unknown;
}

/** What `kubectl apply -f <dir>` reads: files ending in .json, .yaml or .yml (kubectl's own list). */
const APPLIED = /\.(ya?ml|json)$/;

async function parse(file: string): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(await readFile(path.join(DIR, file), 'utf8'))) {
    assert.deepEqual(doc.errors, [], `${file} parses as YAML`);
    const value = doc.toJS() as Manifest | null;
    if (value) out.push({ ...value, file });
  }
  return out;
}

/**
 * The manifests `kubectl apply -f examples/kubernetes/` applies, and with `examples` also the
 * `*.example` files an operator fills in and applies by hand (the Secret's shape).
 */
async function manifests(options: { examples?: boolean } = {}): Promise<Manifest[]> {
  const all = (await readdir(DIR)).sort();
  const files = all.filter((f) => APPLIED.test(f) || (options.examples === true && f.endsWith('.example')));
  assert.ok(files.some((f) => APPLIED.test(f)));
  const out: Manifest[] = [];
  for (const file of files) out.push(...(await parse(file)));
  return out;
}

/** The kubernetes-models class of `apiVersion`/`kind` (core group: `v1/<Kind>`). */
function modelOf(apiVersion: string, kind: string): new (data: object) => { validate(): void } {
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  const mod = require(modulePath) as Record<string, new (data: object) => { validate(): void }>;
  const model = mod[kind];
  assert.ok(model, `${modulePath} exports ${kind}`);
  return model;
}

test('every manifest in examples/kubernetes validates against the Kubernetes schemas', async () => {
  for (const m of await manifests({ examples: true })) {
    const { file, ...object } = m;
    const Model = modelOf(m.apiVersion, m.kind);
    assert.doesNotThrow(() => new Model(object).validate(), `${file}: ${m.kind}/${m.metadata?.name}`);
  }
});

test('the validation is real: a manifest with a wrong type or a missing required field is refused', () => {
  const StatefulSet = modelOf('apps/v1', 'StatefulSet');
  const broken = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { serviceName: 'x', selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 'register' }] }] } } } };
  assert.throws(() => new StatefulSet(broken).validate(), /containerPort/);
  const Service = modelOf('v1', 'Service');
  assert.throws(() => new Service({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { publishNotReadyAddresses: 'yes' } }).validate());
});

/** `unknownFields` of manifests, each labelled `file: Kind/name`. */
function strictCheck(all: readonly Manifest[]): string[] {
  return unknownFields(all.map(({ file, ...object }) => ({ label: `${file}: ${object.kind}/${object.metadata?.name}`, object })), REPO_ROOT);
}

test('no manifest holds a field its Kubernetes type does not have (validate() lets misspelled fields through)', async () => {
  assert.deepEqual(strictCheck(await manifests({ examples: true })), []);
});

test('the field check is real: a misspelled field at any depth is found, where validate() passes it', async () => {
  const all = await manifests({ examples: true });
  const mutate = (edit: (copy: Manifest[]) => void): Manifest[] => {
    const copy = structuredClone(all);
    edit(copy);
    return copy;
  };
  const register = (ms: Manifest[]) => ms.find((m) => m.kind === 'Service' && m.metadata.name === 'g2g-register')!;
  const container = (ms: Manifest[]) => ms.find((m) => m.kind === 'StatefulSet')!.spec.template.spec.containers[0];
  const sts = (ms: Manifest[]) => ms.find((m) => m.kind === 'StatefulSet')!;
  const cases: Array<{ copy: Manifest[]; changed: Manifest; fields: string[] }> = [];

  const misspelledSpec = mutate((ms) => {
    const spec = register(ms).spec;
    spec.publishNotReadyAdresses = spec.publishNotReadyAddresses;
    delete spec.publishNotReadyAddresses;
  });
  cases.push({ copy: misspelledSpec, changed: register(misspelledSpec), fields: ['spec.publishNotReadyAdresses'] });

  const misspelledProbe = mutate((ms) => {
    const probe = container(ms).readinessProbe;
    probe.grpcc = probe.grpc;
    delete probe.grpc;
  });
  cases.push({ copy: misspelledProbe, changed: sts(misspelledProbe), fields: ['spec.template.spec.containers[0].readinessProbe.grpcc'] });

  // Two in one object: every one is listed, not only the first the compiler would report.
  const two = mutate((ms) => {
    const probe = container(ms).readinessProbe;
    probe.grpcc = probe.grpc;
    delete probe.grpc;
    sts(ms).spec.podManagmentPolicy = 'Parallel';
  });
  cases.push({ copy: two, changed: sts(two), fields: ['spec.podManagmentPolicy', 'spec.template.spec.containers[0].readinessProbe.grpcc'] });

  for (const { copy, changed, fields } of cases) {
    const { file, ...object } = changed;
    assert.doesNotThrow(() => new (modelOf(changed.apiVersion, changed.kind))(object).validate(), `validate() alone passes ${fields.join(', ')} (${file})`);
    const problems = strictCheck(copy);
    assert.equal(problems.length, fields.length, problems.join('\n'));
    for (const [i, field] of fields.entries()) {
      assert.ok(problems[i]!.startsWith(`${file}: ${changed.kind}/${changed.metadata.name}: ${field} is not a field of `), problems[i]);
    }
  }
});

test('kubectl apply -f examples/kubernetes/ applies no Secret: the placeholder cannot overwrite the real one', async () => {
  const applied = await manifests();
  assert.deepEqual(applied.filter((m) => m.kind === 'Secret').map((m) => `${m.file}: ${m.metadata.name}`), []);
  const shown = (await manifests({ examples: true })).filter((m) => m.kind === 'Secret');
  assert.ok(shown.length > 0 && shown.every((m) => !APPLIED.test(m.file)), 'the Secret\'s shape is shown in a file kubectl does not apply');
});

test('identical pods: a StatefulSet with a headless governing Service, the register Service, the token from a Secret, the pod IP advertised', async () => {
  const all = await manifests({ examples: true });
  const of = (kind: string) => all.filter((m) => m.kind === kind);
  const [sts] = of('StatefulSet');
  assert.ok(sts, 'a StatefulSet');
  const services = of('Service');
  const governing = services.find((s) => s.metadata.name === sts.spec.serviceName);
  assert.ok(governing, `the Service named by serviceName (${sts.spec.serviceName}) is defined`);
  assert.equal(governing.spec.clusterIP, 'None', 'headless');
  assert.equal(governing.spec.publishNotReadyAddresses, true);
  const container = sts.spec.template.spec.containers[0];
  assert.doesNotMatch(container.image, /^node:/, 'runs the g2g image, not a bare Node image');
  const env = new Map<string, { value?: string; valueFrom?: any }>(container.env.map((e: { name: string }) => [e.name, e]));
  const [serviceHost, servicePort] = env.get('G2G_SERVICES')!.value!.split(':');
  const register = services.find((s) => s.metadata.name === serviceHost);
  assert.ok(register, `G2G_SERVICES names a Service defined here (${serviceHost})`);
  assert.ok(register.spec.ports.some((p: { port: number }) => String(p.port) === servicePort));
  assert.deepEqual(register.spec.selector, sts.spec.selector.matchLabels, 'it selects the pods');
  assert.equal(register.spec.publishNotReadyAddresses, true, 'a starting pod answers on its register port before it is ready: pods started together find each other at once');
  const tokenRef = env.get('G2G_TOKEN')!.valueFrom.secretKeyRef;
  const secret = of('Secret').find((s) => s.metadata.name === tokenRef.name);
  assert.ok(secret && (secret.stringData as Record<string, string>)[tokenRef.key] !== undefined, 'G2G_TOKEN comes from the Secret shown in secret.yaml.example');
  assert.equal(env.get('G2G_ADVERTISE')!.valueFrom.fieldRef.fieldPath, 'status.podIP');
  assert.equal(env.get('G2G_HEALTH_HOST')!.value, '0.0.0.0', 'the kubelet probes the pod IP');
  assert.ok(sts.spec.volumeClaimTemplates.some((v: { metadata: { name: string } }) => container.volumeMounts.some((m: { name: string; mountPath: string }) => m.name === v.metadata.name && m.mountPath === env.get('G2G_DATA_DIR')!.value)), 'the data dir is on a PVC');
});

test('probes, disruption budget, security context, resources and scrape annotations', async () => {
  const all = await manifests();
  const sts = all.find((m) => m.kind === 'StatefulSet')!;
  const pod = sts.spec.template;
  const container = pod.spec.containers[0];
  const healthPort = Number(container.env.find((e: { name: string }) => e.name === 'G2G_HEALTH_PORT').value);
  assert.equal(container.readinessProbe.grpc.port, healthPort, 'ready = SERVING on the plain health port');
  assert.equal(container.livenessProbe.grpc, undefined, 'liveness is not the gRPC status: NOT_SERVING from an expiring leaf must not restart the pod');
  assert.ok(container.livenessProbe.tcpSocket, 'liveness: the process accepts connections');
  assert.ok(Number(pod.spec.terminationGracePeriodSeconds) > 10, 'longer than the default drainTimeout');
  assert.equal(pod.spec.securityContext.runAsNonRoot, true);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory);
  assert.equal(pod.metadata.annotations['prometheus.io/scrape'], 'true');
  const metricsPort = container.env.find((e: { name: string }) => e.name === 'G2G_METRICS_PORT').value;
  assert.equal(pod.metadata.annotations['prometheus.io/port'], metricsPort);
  const pdb = all.find((m) => m.kind === 'PodDisruptionBudget');
  assert.ok(pdb, 'a PodDisruptionBudget');
  assert.deepEqual(pdb.spec.selector.matchLabels, sts.spec.selector.matchLabels);
});
