// prf.go holds the TLS 1.0–1.2 key schedule: the PRFs, master secret and
// extended master secret, key-block expansion, Finished verify_data, the
// handshake transcript, and the bridge to the record layer's ciphers.
package handshake

import (
	"bytes"
	"crypto/aes"
	"crypto/des"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"

	"github.com/erlang-ssl-go/ssl/record"
)

// Sizes fixed by RFC 5246.
const (
	MasterSecretLen = 48 // §8.1
	FinishedLen     = 12 // §7.4.9 verify_data_length
	RandomLen       = 32 // §7.4.1.2
)

// PRF labels (RFC 5246 §7.4.9, §8.1, §6.3; RFC 7627 §4).
var (
	labelMasterSecret         = []byte("master secret")
	labelExtendedMasterSecret = []byte("extended master secret")
	labelKeyExpansion         = []byte("key expansion")
	labelClientFinished       = []byte("client finished")
	labelServerFinished       = []byte("server finished")
)

// pHash is P_hash from RFC 5246 §5: HMAC_hash(secret, A(i) + seed)
// concatenated until out is full, with A(0) = seed, A(i) = HMAC(secret, A(i-1)).
func pHash(h func() hash.Hash, secret, seed, out []byte) {
	mac := hmac.New(h, secret)
	mac.Write(seed)
	a := mac.Sum(nil)
	for len(out) > 0 {
		mac.Reset()
		mac.Write(a)
		mac.Write(seed)
		b := mac.Sum(nil)
		n := copy(out, b)
		out = out[n:]
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
}

// PRF12 is the TLS 1.2 PRF (RFC 5246 §5): P_h(secret, label + seed), written
// into out (its length is the amount of output wanted).
func PRF12(h func() hash.Hash, secret, label, seed []byte, out []byte) {
	ls := make([]byte, 0, len(label)+len(seed))
	ls = append(append(ls, label...), seed...)
	pHash(h, secret, ls, out)
}

// PRF10 is the TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5 over the first half of
// the secret XOR P_SHA1 over the second half (halves overlap by one byte
// when the length is odd).
func PRF10(secret, label, seed, out []byte) {
	ls := make([]byte, 0, len(label)+len(seed))
	ls = append(append(ls, label...), seed...)
	half := (len(secret) + 1) / 2
	s1, s2 := secret[:half], secret[len(secret)-half:]
	pHash(md5.New, s1, ls, out)
	tmp := make([]byte, len(out))
	pHash(sha1.New, s2, ls, tmp)
	for i := range out {
		out[i] ^= tmp[i]
	}
}

// hashFunc returns the constructor of the TLS 1.2 PRF hash.
func (p PRFHash) hashFunc() func() hash.Hash {
	if p == PRFSHA384 {
		return sha512.New384
	}
	return sha256.New
}

// PRFHashFunc returns the hash constructor of the suite's TLS 1.2 PRF
// (SHA-256 or SHA-384).
func (s *Suite) PRFHashFunc() func() hash.Hash { return s.PRFHash.hashFunc() }

// PRF returns the PRF used with this suite at version v: PRF12 with the
// suite's hash for TLS 1.2, PRF10 before (RFC 5246 §5, RFC 2246 §5).
func (s *Suite) PRF(v Version) func(secret, label, seed, out []byte) {
	if v < record.VersionTLS12 {
		return PRF10
	}
	h := s.PRFHash.hashFunc()
	return func(secret, label, seed, out []byte) { PRF12(h, secret, label, seed, out) }
}

func concat(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// MasterSecret derives the 48-byte master secret from the pre-master secret
// (RFC 5246 §8.1; RFC 6101 §6.1 for SSL 3.0).
func MasterSecret(s *Suite, v Version, pre, clientRandom, serverRandom []byte) []byte {
	out := make([]byte, MasterSecretLen)
	if v == record.VersionSSL30 {
		ssl3Expand(pre, concat(clientRandom, serverRandom), out)
		return out
	}
	s.PRF(v)(pre, labelMasterSecret, concat(clientRandom, serverRandom), out)
	return out
}

// ssl3Expand is SSL 3.0's key derivation (RFC 6101 §6.1 and §6.2.2):
// MD5(secret + SHA('A' + secret + seed)) + MD5(secret + SHA('BB' + secret +
// seed)) + ... until out is full. The master secret uses seed =
// client_random + server_random, the key block server_random +
// client_random.
func ssl3Expand(secret, seed, out []byte) {
	var label [26]byte
	m, sh := md5.New(), sha1.New()
	var inner []byte
	for i := 0; len(out) > 0; i++ {
		if i >= len(label) {
			panic("handshake: SSL 3.0 key block too long") // at most 26*16 bytes: never for real suites
		}
		for j := 0; j <= i; j++ {
			label[j] = 'A' + byte(i)
		}
		sh.Reset()
		sh.Write(label[:i+1])
		sh.Write(secret)
		sh.Write(seed)
		inner = sh.Sum(inner[:0])
		m.Reset()
		m.Write(secret)
		m.Write(inner)
		var blk [md5.Size]byte
		m.Sum(blk[:0])
		out = out[copy(out, blk[:]):]
	}
}

// ExtendedMasterSecret derives the master secret bound to the session hash
// (the transcript hash through ClientKeyExchange), RFC 7627 §4.
func ExtendedMasterSecret(s *Suite, v Version, pre, sessionHash []byte) []byte {
	out := make([]byte, MasterSecretLen)
	s.PRF(v)(pre, labelExtendedMasterSecret, sessionHash, out)
	return out
}

// KeyBlock holds the connection keys cut from the key block (RFC 5246 §6.3).
// IVs are present for AEAD suites (implicit part of the nonce) and for CBC in
// TLS 1.0 (the first record IV); CBC in TLS 1.1+ uses explicit IVs, so they
// are nil there.
type KeyBlock struct {
	ClientMAC, ServerMAC []byte
	ClientKey, ServerKey []byte
	ClientIV, ServerIV   []byte
}

// ivLen is how many IV bytes each side takes from the key block.
func (s *Suite) ivLen(v Version) int {
	if !s.AEAD() && v >= record.VersionTLS11 {
		return 0
	}
	return s.IVLen
}

// DeriveKeys expands the master secret into the key block (RFC 5246 §6.3:
// PRF(master, "key expansion", server_random + client_random)).
func DeriveKeys(s *Suite, v Version, master, clientRandom, serverRandom []byte) KeyBlock {
	ivl := s.ivLen(v)
	n := 2*s.MACLen + 2*s.KeyLen + 2*ivl
	kb := make([]byte, n)
	if v == record.VersionSSL30 {
		ssl3Expand(master, concat(serverRandom, clientRandom), kb)
	} else {
		s.PRF(v)(master, labelKeyExpansion, concat(serverRandom, clientRandom), kb)
	}
	cut := func(l int) []byte {
		if l == 0 {
			return nil
		}
		b := kb[:l:l]
		kb = kb[l:]
		return b
	}
	var k KeyBlock
	k.ClientMAC = cut(s.MACLen)
	k.ServerMAC = cut(s.MACLen)
	k.ClientKey = cut(s.KeyLen)
	k.ServerKey = cut(s.KeyLen)
	k.ClientIV = cut(ivl)
	k.ServerIV = cut(ivl)
	return k
}

// FinishedData computes the 12-byte verify_data of a Finished message
// (RFC 5246 §7.4.9): PRF(master, "client finished"|"server finished",
// Hash(handshake_messages)). transcriptHash comes from Transcript.Sum. It
// does not cover SSL 3.0, whose Finished hashes the messages with the
// master secret: use Transcript.Finished, which handles every version.
func FinishedData(s *Suite, v Version, master []byte, isClient bool, transcriptHash []byte) []byte {
	label := labelServerFinished
	if isClient {
		label = labelClientFinished
	}
	out := make([]byte, FinishedLen)
	s.PRF(v)(master, label, transcriptHash, out)
	return out
}

// Finished returns the verify_data of our (isClient) or the peer's Finished
// for suite s at version v over the messages written so far: FinishedData
// for TLS, and for SSL 3.0 (RFC 6101 §5.6.9) the 36 bytes
// MD5(master + pad_2 + MD5(messages + Sender + master + pad_1)) +
// SHA(master + pad_2 + SHA(messages + Sender + master + pad_1)), with Sender
// "CLNT" or "SRVR".
func (t *Transcript) Finished(s *Suite, v Version, master []byte, isClient bool) []byte {
	if v != record.VersionSSL30 {
		return FinishedData(s, v, master, isClient, t.Sum(s, v))
	}
	sender := []byte("SRVR")
	if isClient {
		sender = []byte("CLNT")
	}
	return t.ssl3Digest(master, sender)
}

// ssl3Digest computes hash(master + pad_2 + hash(messages + sender + master
// + pad_1)) for MD5 and SHA-1 and returns their concatenation.
func (t *Transcript) ssl3Digest(master, sender []byte) []byte {
	out := make([]byte, 0, md5.Size+sha1.Size)
	for _, nh := range []func() hash.Hash{md5.New, sha1.New} {
		in := nh()
		if running := t.running(in.Size()); running != nil {
			in = running
		} else {
			in.Write(t.buf)
		}
		padLen := record.SSL3PadLen(in.Size())
		in.Write(sender)
		in.Write(master)
		in.Write(bytes.Repeat([]byte{0x36}, padLen))
		inner := in.Sum(nil)
		o := nh()
		o.Write(master)
		o.Write(bytes.Repeat([]byte{0x5c}, padLen))
		o.Write(inner)
		out = o.Sum(out)
	}
	return out
}

// running returns a copy of the running legacy MD5 (size 16) or SHA-1 hash,
// or nil when there is none.
func (t *Transcript) running(size int) hash.Hash {
	src := t.sha1
	if size == md5.Size {
		src = t.md5
	}
	if src == nil {
		return nil
	}
	type cloner interface {
		MarshalBinary() ([]byte, error)
	}
	state, err := src.(cloner).MarshalBinary()
	if err != nil {
		return nil
	}
	h := md5.New()
	if size != md5.Size {
		h = sha1.New()
	}
	if err := h.(interface{ UnmarshalBinary([]byte) error }).UnmarshalBinary(state); err != nil {
		return nil
	}
	return h
}

// Transcript accumulates the raw handshake messages (header included) for
// the Finished hash, the extended-master-secret session hash and the TLS 1.2
// CertificateVerify signature. Messages are buffered until the suite is known
// (SetHash); the buffer is kept until DropBuffer, because a TLS 1.2
// CertificateVerify signs the whole transcript with the signature scheme's
// hash, which may differ from the PRF hash. The zero value is ready to use.
type Transcript struct {
	buf     []byte
	dropped bool
	h       hash.Hash // TLS 1.2 PRF hash
	md5     hash.Hash // TLS 1.0/1.1
	sha1    hash.Hash
	prf     PRFHash
	legacy  bool
}

// Write appends one raw handshake message to the transcript.
func (t *Transcript) Write(raw []byte) {
	if !t.dropped {
		t.buf = append(t.buf, raw...)
	}
	switch {
	case t.h != nil:
		t.h.Write(raw)
	case t.md5 != nil:
		t.md5.Write(raw)
		t.sha1.Write(raw)
	}
}

// SetHash starts the running hash for suite s at version v and feeds it
// everything buffered so far.
func (t *Transcript) SetHash(s *Suite, v Version) {
	t.h, t.md5, t.sha1 = nil, nil, nil
	t.legacy = v < record.VersionTLS12
	t.prf = s.PRFHash
	if t.legacy {
		t.md5, t.sha1 = md5.New(), sha1.New()
		t.md5.Write(t.buf)
		t.sha1.Write(t.buf)
	} else {
		t.h = s.PRFHash.hashFunc()()
		t.h.Write(t.buf)
	}
}

// Sum returns the hash of all messages written so far, for suite s at
// version v: the PRF hash in TLS 1.2, MD5 || SHA-1 before (RFC 5246 §7.4.9,
// RFC 2246 §7.4.9). It does not change the running state. If the running
// hash was set for a different suite/version, the buffer is hashed instead;
// if the buffer was dropped too, Sum returns nil.
func (t *Transcript) Sum(s *Suite, v Version) []byte {
	legacy := v < record.VersionTLS12
	switch {
	case legacy && t.md5 != nil:
		return t.sha1.Sum(t.md5.Sum(nil))
	case !legacy && t.h != nil && t.prf == s.PRFHash:
		return t.h.Sum(nil)
	case t.dropped:
		return nil
	case legacy:
		m, s1 := md5.Sum(t.buf), sha1.Sum(t.buf)
		return concat(m[:], s1[:])
	}
	h := s.PRFHash.hashFunc()()
	h.Write(t.buf)
	return h.Sum(nil)
}

// Buffered returns the raw transcript so far (nil after DropBuffer). The
// caller must not modify it.
func (t *Transcript) Buffered() []byte { return t.buf }

// DropBuffer frees the raw transcript once nothing needs it any more
// (after CertificateVerify). It does nothing before SetHash, since the
// buffer is then the only record of the messages.
func (t *Transcript) DropBuffer() {
	if t.h == nil && t.md5 == nil {
		return
	}
	t.buf, t.dropped = nil, true
}

// Reset empties the transcript (for a renegotiation).
func (t *Transcript) Reset() { *t = Transcript{} }

// macHash returns the HMAC hash of a CBC suite.
func (m MACAlg) macHash() func() hash.Hash {
	switch m {
	case MACSHA1:
		return sha1.New
	case MACSHA256:
		return sha256.New
	case MACSHA384:
		return sha512.New384
	case MACMD5:
		return md5.New
	}
	return nil
}

// NewCiphers builds the record-layer ciphers of both directions from the key
// block: clientWrite protects what the client sends (the server opens with
// it), serverWrite the reverse.
func (s *Suite) NewCiphers(kb KeyBlock, v Version) (clientWrite, serverWrite record.Cipher, err error) {
	mk := func(key, macKey, iv []byte) (record.Cipher, error) {
		switch s.Cipher {
		case AES128GCM, AES256GCM:
			return record.NewAESGCM(key, iv)
		case ChaCha20Poly1305:
			return record.NewChaCha20Poly1305(key, iv)
		}
		h := s.MAC.macHash()
		if h == nil {
			return nil, fmt.Errorf("handshake: cipher %v with MAC %v is not implemented", s.Cipher, s.MAC)
		}
		switch s.Cipher {
		case AES128CBC, AES256CBC:
			return record.NewCBC(aes.NewCipher, key, h, macKey, v, iv)
		case TripleDESEDECBC:
			return record.NewCBC(des.NewTripleDESCipher, key, h, macKey, v, iv)
		case DESCBC:
			return record.NewCBC(des.NewCipher, key, h, macKey, v, iv)
		case RC4128:
			return record.NewRC4(key, h, macKey, v)
		}
		return nil, fmt.Errorf("handshake: cipher %v with MAC %v is not implemented", s.Cipher, s.MAC)
	}
	if !s.SupportsVersion(v) {
		return nil, nil, fmt.Errorf("handshake: %s cannot be used with %v", s.Name, v)
	}
	if clientWrite, err = mk(kb.ClientKey, kb.ClientMAC, kb.ClientIV); err != nil {
		return nil, nil, err
	}
	if serverWrite, err = mk(kb.ServerKey, kb.ServerMAC, kb.ServerIV); err != nil {
		return nil, nil, err
	}
	return clientWrite, serverWrite, nil
}
