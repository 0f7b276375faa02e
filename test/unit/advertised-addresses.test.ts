import assert from 'node:assert/strict';
import type os from 'node:os';
import { test } from 'node:test';
import { advertisedAddresses, leafDnsNames, leafIpAddresses } from '../../src/node/advertised-addresses';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal }) as os.NetworkInterfaceInfo;
const interfaces = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('198.18.0.5', 'IPv4'), iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')],
  eth1: [iface('198.19.0.7', 'IPv4')],
};

test('configured addresses win (deduplicated)', () => {
  assert.deepEqual(advertisedAddresses('0.0.0.0', ['node.example', 'node.example', '198.18.0.9'], interfaces), ['node.example', '198.18.0.9']);
});

test('bound to one address: that address', () => {
  assert.deepEqual(advertisedAddresses('127.0.0.1', [], interfaces), ['127.0.0.1']);
});

test('bound to all IPv4 interfaces: every non-internal IPv4 address; with :: also global IPv6', () => {
  assert.deepEqual(advertisedAddresses('0.0.0.0', [], interfaces), ['198.18.0.5', '198.19.0.7']);
  assert.deepEqual(advertisedAddresses('::', [], interfaces), ['198.18.0.5', '2001:db8::5', '198.19.0.7']);
  assert.deepEqual(advertisedAddresses('0.0.0.0', [], { lo: interfaces.lo }), ['127.0.0.1']);
});

test('leaf SANs: advertised IPs plus loopback, host names plus localhost', () => {
  assert.deepEqual(leafIpAddresses(['198.18.0.5', 'node.example']), ['198.18.0.5', '127.0.0.1', '::1']);
  assert.deepEqual(leafDnsNames(['198.18.0.5', 'node.example']), ['node.example', 'localhost']);
});
