// Run inside a test host: calls Register.WhoAmI on ADDRESS (TLS, trusting CA_FILE, expecting
// NODE_ID) and prints the JSON answer. Used by the netns tests to see addresses across hosts.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { g2gProto } from '../../src/proto/protos';

const [address, caFile, nodeId] = process.argv.slice(2);
const proto = g2gProto();
const client = new proto.g2g.v1.Register(address!, grpc.credentials.createSsl(readFileSync(caFile!)), {
  'grpc.ssl_target_name_override': nodeId!,
});
client.WhoAmI({}, { deadline: Date.now() + 10_000 }, (error, response) => {
  client.close();
  if (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify(response)}\n`);
});
