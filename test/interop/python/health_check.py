#!/usr/bin/env python3
"""grpc.health.v1.Health/Check against a g2g node, from Python's grpcio (C-core), over TLS.

Used by test/interop/python-grpcio.test.ts to prove that a non-Node gRPC stack can talk to g2g.
It needs only `grpc` (Debian: python3-grpcio): the two health messages are encoded by hand, so
neither grpcio-health-checking nor protoc is required.

Prints one JSON object on stdout:
  {"status": "SERVING"}                                   exit 0
  {"error": {"code": "UNAVAILABLE", "details": "..."}}    exit 2 (the RPC failed)
Exit 3 means `grpc` cannot be imported (the caller skips), 1 a usage or file error.
"""
import argparse
import json
import sys

try:
    import grpc
except ImportError as exc:  # pragma: no cover - reported to the caller, which skips
    print(json.dumps({"error": {"code": "NO_GRPC", "details": str(exc)}}))
    sys.exit(3)

# grpc.health.v1.HealthCheckResponse.ServingStatus
SERVING_STATUS = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def encode_check_request(service):
    """HealthCheckRequest { string service = 1; } (an empty string is omitted, as proto3 does)."""
    if not service:
        return b""
    raw = service.encode("utf-8")
    return b"\x0a" + encode_varint(len(raw)) + raw


def decode_check_response(data):
    """HealthCheckResponse { ServingStatus status = 1; }; unknown fields are skipped."""
    status = 0
    pos = 0
    while pos < len(data):
        key, pos = decode_varint(data, pos)
        field, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = decode_varint(data, pos)
            if field == 1:
                status = value
        elif wire_type == 1:
            pos += 8
        elif wire_type == 2:
            length, pos = decode_varint(data, pos)
            pos += length
        elif wire_type == 5:
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire_type)
    if pos != len(data):
        raise ValueError("truncated message")
    return status


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port")
    parser.add_argument("--ca", required=True, help="PEM file of the root to trust (the node CA)")
    parser.add_argument("--cert", help="client certificate PEM (mutual TLS)")
    parser.add_argument("--key", help="client key PEM (mutual TLS)")
    parser.add_argument("--server-name", help="TLS name to verify instead of the target host")
    parser.add_argument("--service", default="", help="service to check; empty means the server")
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline in seconds")
    args = parser.parse_args()
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")

    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None,
    )
    # A proxy from the environment must not capture loopback test traffic.
    options = [("grpc.enable_http_proxy", 0)]
    if args.server_name:
        options.append(("grpc.ssl_target_name_override", args.server_name))
    with grpc.secure_channel(args.target, credentials, options=options) as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=encode_check_request,
            response_deserializer=decode_check_response,
        )
        try:
            status = check(args.service, timeout=args.timeout)
        except grpc.RpcError as error:
            print(json.dumps({"error": {"code": error.code().name, "details": error.details()}}))
            return 2
    print(json.dumps({"status": SERVING_STATUS.get(status, str(status)), "grpcio": grpc.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
