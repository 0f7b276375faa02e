import { VERSION } from '../../version';

/** What the scaffold is made from: the plugin's name and the g2g it depends on. */
export interface ScaffoldInput {
  /** The plugin's name (`[a-z][a-z0-9-]{0,62}`): config section, topic prefix, folder. */
  name: string;
  /** npm spec of g2g for package.json: `file:` of the package that ran `plugin init`, or a tarball. */
  g2gSpec: string;
}

/**
 * buf's STANDARD lint rules the g2g project itself leaves out (its buf.yaml), so a plugin is held
 * to the same rules as g2g's and the shipped plugins' protos, no stricter: a service need not end
 * in `Service` (g2g's `Admin`, kv's `KeyValue`), and methods may share request/response messages
 * or name them freely (a stream of `ClusterEvent`). A unit test keeps this list equal to the
 * project's.
 */
export const PROJECT_LINT_EXCEPT = ['SERVICE_SUFFIX', 'RPC_REQUEST_RESPONSE_UNIQUE', 'RPC_REQUEST_STANDARD_NAME', 'RPC_RESPONSE_STANDARD_NAME'] as const;

/** Names derived once from the plugin's name. */
export function scaffoldNames(name: string): { pkg: string; service: string; pascal: string; protoFile: string; fullService: string } {
  const pkg = `${name.replace(/-/g, '_')}.v1`;
  const pascal = name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  const service = `${pascal}Service`;
  return { pkg, service, pascal, protoFile: `proto/${name.replace(/-/g, '_')}/v1/${name.replace(/-/g, '_')}.proto`, fullService: `${pkg}.${service}` };
}

/**
 * The files of a new plugin project, path → content. Every file is one an author edits; the
 * generated types (src/generated) are made by `g2g plugin gen` after these are written.
 */
export function scaffoldFiles(input: ScaffoldInput): Record<string, string> {
  const { name } = input;
  const n = scaffoldNames(name);
  const genDir = `./generated/${n.pkg.replace('.', '/')}`;
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    'package.json': json({
      name: `g2g-plugin-${name}`,
      version: '0.1.0',
      private: true,
      description: `g2g plugin ${name}`,
      scripts: {
        gen: 'g2g plugin gen .',
        lint: 'buf lint',
        build: 'tsc -p .',
        check: 'npm run build && g2g plugins check .',
        test: 'tsc -p . && node --test dist/test/',
      },
      dependencies: {},
      devDependencies: {
        g2g: input.g2gSpec,
        // Types only: the node loads the plugin into its own grpc-js (g2g's peer dependency).
        '@grpc/grpc-js': '~1.14.3',
        '@grpc/proto-loader': '^0.8.1',
        // buf from npm, so `npx @bufbuild/buf lint` runs the project's copy (a bare `npx buf` is an unrelated package).
        '@bufbuild/buf': '^1.75.0',
        '@types/node': '^20.19.43',
        typescript: '~5.9.3',
      },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'node16',
        moduleResolution: 'node16',
        lib: ['ES2022'],
        types: ['node'],
        outDir: 'dist',
        rootDir: '.',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        sourceMap: true,
      },
      include: ['src/**/*.ts', 'test/**/*.ts'],
    }),
    // Scoped to proto/: a module at the project root would lint node_modules (g2g's and grpc's protos).
    'buf.yaml': [
      'version: v2',
      'modules:',
      '  - path: proto',
      'lint:',
      '  use:',
      '    - STANDARD',
      '  except:',
      ...PROJECT_LINT_EXCEPT.map((rule) => `    - ${rule}`),
      'breaking:',
      '  use:',
      '    - WIRE_JSON',
      '',
    ].join('\n'),
    '.gitignore': 'node_modules/\ndist/\n',
    'g2g-plugin.json': json({
      name,
      version: '0.1.0',
      host: `^${VERSION}`,
      entry: 'dist/src/index.js',
      protos: [n.protoFile],
      services: [n.fullService],
      description: `${name}: greets callers and asks its peers to greet too`,
      config: {
        greeting: { doc: 'The word Hello answers with. Shown to every caller.', format: 'String', default: 'Hello' },
        peerTimeout: {
          doc: 'Deadline of each peer call in HelloPeers; a slower peer is skipped for the next one in query order. Longer waits for far peers, shorter answers sooner.',
          format: 'g2g-duration',
          min: 10,
          default: 2000,
        },
      },
    }),
    [n.protoFile]: `syntax = "proto3";

// The ${name} plugin's wire contract: field numbers are append-only (reserve removed ones).
package ${n.pkg};

service ${n.service} {
  // A greeting from this node to the caller.
  rpc Hello(HelloRequest) returns (HelloResponse);
  // Greetings from up to \`count\` peers that run this plugin, asked in the pool's query order.
  rpc HelloPeers(HelloPeersRequest) returns (HelloPeersResponse);
}

message HelloRequest {
  // Who to greet; empty greets "stranger".
  string name = 1;
}

message HelloResponse {
  string message = 1;
  // The node that answered.
  string node_id = 2;
}

message HelloPeersRequest {
  // How many peers to ask; 0 means 3.
  uint32 count = 1;
  string name = 2;
}

message HelloPeersResponse {
  repeated HelloResponse replies = 1;
  // Peers that failed or missed their deadline.
  repeated string failed = 2;
}
`,
    'src/index.ts': `import type * as grpc from '@grpc/grpc-js';
import type { G2gPlugin, PluginContext, PluginServer } from 'g2g';
// Generated from ${n.protoFile} by \`npm run gen\` (g2g plugin gen): run it again after editing the proto.
import type { HelloPeersResponse } from '${genDir}/HelloPeersResponse';
import type { HelloResponse, HelloResponse__Output } from '${genDir}/HelloResponse';
import type { ${n.service}Client, ${n.service}Handlers } from '${genDir}/${n.service}';

/** The plugin's config section (\`plugins.${name}\` in the config file), validated against g2g-plugin.json. */
export interface Config {
  greeting: string;
  peerTimeout: number;
}

export const SERVICE = '${n.fullService}';

/** The default export is what g2g constructs, with this plugin's context. */
export default class ${n.pascal}Plugin implements G2gPlugin {
  constructor(private readonly ctx: PluginContext<Config>) {}

  /** Runs before the gossip port listens: add the services the manifest declares. */
  register(server: PluginServer): void {
    const handlers: ${n.service}Handlers = {
      Hello: (call, callback) => callback(null, this.hello(call.request.name)),
      HelloPeers: (call, callback) => {
        this.helloPeers(call.request.count || 3, call.request.name).then(
          (reply) => callback(null, reply),
          (error: unknown) => callback(error as grpc.ServiceError),
        );
      },
    };
    server.addService(SERVICE, handlers);
  }

  /** Runs after the node joined and its pool measured the peers it has. */
  start(): void {
    this.ctx.log.info({ peers: this.ctx.pool.peersServing().length }, 'started');
  }

  private hello(name: string): HelloResponse {
    return { message: \`\${this.ctx.config.greeting}, \${name || 'stranger'}\`, nodeId: this.ctx.nodeId };
  }

  /** Fan-out: asks up to \`count\` peers serving this plugin, each with its own deadline; partial results are a value. */
  private async helloPeers(count: number, name: string): Promise<HelloPeersResponse> {
    const outcome = await this.ctx.pool.fanOut<HelloResponse__Output, ${n.service}Client>(
      count,
      (client, _nodeId, deadline, cancel) =>
        new Promise((resolve, reject) => {
          cancel.cancelOnEnd(client.Hello({ name }, { deadline }, (error, reply) => (error ? reject(error) : resolve(reply!))));
        }),
      { deadlineMs: this.ctx.config.peerTimeout },
    );
    return { replies: outcome.results.map((r) => r.value), failed: outcome.errors.map((e) => e.nodeId) };
  }
}
`,
    [`test/${name}.test.ts`]: `import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createFakeContext, FakeNetwork } from 'g2g/testing';
import type { HelloResponse__Output } from '${genDir.replace('./', '../src/')}/HelloResponse';
import type { ${n.service}Client } from '${genDir.replace('./', '../src/')}/${n.service}';
import Plugin, { type Config } from '../src/index';

/** The project folder (this file runs from dist/test/). */
const PLUGIN_DIR = path.resolve(__dirname, '../..');

function hello(client: ${n.service}Client, name: string): Promise<HelloResponse__Output> {
  return new Promise((resolve, reject) => client.Hello({ name }, (error, reply) => (error ? reject(error) : resolve(reply!))));
}

test('a peer greets with its configured greeting, and HelloPeers fans out to the peers that run the plugin', async () => {
  const network = new FakeNetwork();
  // pluginDir: name, services and config schema come from g2g-plugin.json, config is validated as the host does.
  const a = createFakeContext<Config>({ pluginDir: PLUGIN_DIR, network });
  const b = createFakeContext<Config>({ pluginDir: PLUGIN_DIR, network, config: { greeting: 'Howdy' } });
  try {
    await a.start(Plugin);
    assert.deepEqual(a.pool.peersServing(), [], 'b has not started its plugin yet');
    await b.start(Plugin);
    const client = a.pool.client<${n.service}Client>(b.nodeId)!;
    assert.deepEqual(await hello(client, 'ann'), { message: 'Howdy, ann', nodeId: b.nodeId });
    const peers = await new Promise<{ replies: HelloResponse__Output[]; failed: string[] }>((resolve, reject) =>
      a.pool.client<${n.service}Client>(b.nodeId)!.HelloPeers({ count: 2, name: 'bob' }, (error, reply) => (error ? reject(error) : resolve(reply!))),
    );
    assert.deepEqual(peers.replies.map((r) => r.nodeId), [a.nodeId], "b's only peer is a");
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('a bad config value is refused as the host refuses it', () => {
  assert.throws(() => createFakeContext<Config>({ pluginDir: PLUGIN_DIR, config: { peerTimeout: 1 } }), { code: 'ERR_PLUGIN_CONFIG' });
});
`,
    'README.md': `# ${name}

A [g2g](https://github.com/) plugin, scaffolded by \`g2g plugin init ${name}\`. The plugin API is
documented in g2g's \`docs/plugin-guide.md\` (and its generated reference, \`npm run docs\` in g2g).

| file | what |
| --- | --- |
| \`g2g-plugin.json\` | manifest: name, host version range, entry, protos, services, config schema |
| \`${n.protoFile}\` | the wire contract (\`npm run lint\`, i.e. \`buf lint\`, checks it with g2g's rules in \`buf.yaml\`) |
| \`src/index.ts\` | the plugin class (default export) |
| \`src/generated/\` | request/response/client/handler types: \`npm run gen\` after editing the proto |
| \`test/${name}.test.ts\` | unit tests on g2g's testing kit (\`g2g/testing\`) |

\`\`\`sh
npm install && npm test          # build and run the tests
npm run check                    # validate as a node would (g2g plugins check .)
G2G_PLUGINS_DIR=$PWD g2g start   # run it in a node
\`\`\`
`,
  };
}
