#!/usr/bin/env python3
"""An independent implementation (Python: hashlib, cryptography, PyNaCl) checking docs/vectors/v1.json byte for byte:
canonical encoding, ids, signatures, transport form, the sealed box, booking codes and txn_hash."""
import json, hashlib, base64, unicodedata
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
import nacl.public, nacl.signing, nacl.bindings
import sys, os
v = json.load(open(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../docs/vectors/v1.json')))
def canon(o):
    if isinstance(o, dict):
        return '{' + ','.join(json.dumps(k) + ':' + canon(o[k]) for k in sorted(o, key=lambda k: k.encode())) + '}'
    if isinstance(o, list): return '[' + ','.join(canon(x) for x in o) + ']'
    if isinstance(o, str):
        out = '"'
        for ch in o:
            c = ord(ch)
            if ch == '"': out += '\\"'
            elif ch == '\\': out += '\\\\'
            elif ch in '\b\f\n\r\t': out += {'\b':'\\b','\f':'\\f','\n':'\\n','\r':'\\r','\t':'\\t'}[ch]
            elif c < 0x20: out += '\\u%04x' % c
            else: out += ch
        return out + '"'
    if isinstance(o, bool): return 'true' if o else 'false'
    if isinstance(o, int): return str(o)
    raise Exception(o)
for cs in v['change_sets']:
    b = bytes.fromhex(cs['canonical_hex'])
    assert b.decode() == cs['canonical']
    assert canon(json.loads(b)).encode() == b, cs['name']
    assert hashlib.blake2b(b, digest_size=32).hexdigest() == cs['id']
    sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(cs['author_seed']))
    sig = sk.sign(b'hutsync/change-set/v1\x00' + b)
    assert sig.hex() == cs['signature'], cs['name']
    t = cs['transport']; assert base64.b64decode(t['change_set']) == b
    print('ok', cs['name'], len(b))
s = v['sealed_box']
sk = nacl.signing.SigningKey(bytes.fromhex(s['recipient_seed']))
box = nacl.public.SealedBox(sk.to_curve25519_private_key())
assert box.decrypt(base64.b64decode(s['box'])).decode() == s['plaintext']; print('sealed ok', s['plaintext'])
bc = v['booking_code']
import uuid
d = hashlib.blake2b(b'hutsync/booking-code' + uuid.UUID(bc['booking_id']).bytes, digest_size=32).digest()
assert d.hex() == bc['digest']
n = int.from_bytes(d, 'big'); alpha = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
chars = ''.join(alpha[(n >> (256 - 5*(i+1))) & 31] for i in range(51))
assert chars == bc['crockford']; assert bc['candidates'][0] == 'HB-' + chars[:8] and bc['candidates'][1] == 'HB-' + chars[8:16]
d1 = hashlib.blake2b(b'hutsync/booking-code' + uuid.UUID(bc['booking_id']).bytes + b'\x01', digest_size=32).digest()
n1 = int.from_bytes(d1,'big'); assert bc['candidates'][3] == 'HB-' + ''.join(alpha[(n1 >> (256 - 5*(i+1))) & 31] for i in range(8))
print('code ok', bc['candidates'])
t = v['txn_hash']; assert hashlib.blake2b(b'hutsync/txn' + b'easypaisa\x00' + b'0123ABCD9XYZ', digest_size=32).hexdigest() == t['txn_hash']; print('txn ok')
print("interop: %d change sets, sealed box, booking code and txn hash agree" % len(v["change_sets"]))

# The entry-hash chain of the digest vector (docs/protocol.md, section 15.2), recomputed independently.
dv = json.load(open(os.path.join(os.path.dirname(__file__), '../../docs/vectors/digest-v1.json')))
prev = bytes(32)
for e in dv['entries']:
    signed = e['signed_change_set']
    body = base64.b64decode(signed['change_set'])
    assert hashlib.blake2b(body, digest_size=32).hexdigest() == e['change_set_id']
    author = nacl.signing.VerifyKey(bytes.fromhex(e['author']))
    author.verify(b'hutsync/change-set/v1\x00' + body, bytes.fromhex(signed['signature']))
    doc = {'digest': e['digest'], 'id': e['change_set_id'], 'outcome': e['outcome'], 'prev': prev.hex(),
           'seq': e['seq'], 'time': e['relay_time']}
    h = hashlib.blake2b(b'hutsync/entry/v1\x00' + canon(doc).encode(), digest_size=32).digest()
    assert h.hex() == e['hash'], e['seq']
    prev = h
print("interop: entry-hash chain of %d entries agrees" % len(dv['entries']))

# Signed requests and the signed head (docs/protocol.md, section 16).
r = v['request_signature']
message = (b'hutsync/request/v1\x00' + '\n'.join([r['method'], r['path'], r['query'],
           hashlib.blake2b(r['body'].encode(), digest_size=32).hexdigest(), r['x_hutsync_time'],
           r['x_hutsync_nonce']]).encode())
assert message.hex() == r['message_hex']
key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(r['seed']))
assert key.sign(message).hex() == r['x_hutsync_signature']
h = v['signed_head']
head_message = b'hutsync/head/v1\x00' + canon({'digest': h['head']['digest'], 'hash': h['head']['hash'], 'seq': h['head']['seq']}).encode()
assert head_message.hex() == h['message_hex']
assert Ed25519PrivateKey.from_private_bytes(bytes.fromhex(h['relay_seed'])).sign(head_message).hex() == h['head']['signature']
print("interop: request signature and signed head agree")
