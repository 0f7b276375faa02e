import type Forge from 'node-forge';

/**
 * The part of node-forge g2g uses: X.509 assembly and PEM, the ASN.1 parser, and the RSA public
 * key and digest code they need. `import 'node-forge'` loads all of node-forge (TLS, PKCS#7 and
 * #12, SSH, Ed25519, password-based encryption, ...): twice the modules, and their source and
 * compiled code stay in every node's heap for its lifetime. Each of forge's modules adds itself to
 * one shared object, so loading x509 (which requires asn1, oids, pem, rsa, md, util) gives that
 * object with everything below; signing is node:crypto's, never forge's.
 */
require('node-forge/lib/x509');
const forge = require('node-forge/lib/forge') as typeof Forge;

export default forge;
