// prf.go holds the TLS 1.0–1.2 key schedule: the PRFs, master secret and
// extended master secret, key-block expansion, Finished verify_data, the
// handshake transcript, and the bridge to the record layer's ciphers.
package handshake

import (
	"crypto/aes"
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
// (RFC 5246 §8.1).
func MasterSecret(s *Suite, v Version, pre, clientRandom, serverRandom []byte) []byte {
	out := make([]byte, MasterSecretLen)
	s.PRF(v)(pre, labelMasterSecret, concat(clientRandom, serverRandom), out)
	return out
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
	s.PRF(v)(master, labelKeyExpansion, concat(serverRandom, clientRandom), kb)
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
// Hash(handshake_messages)). transcriptHash comes from Transcript.Sum.
func FinishedData(s *Suite, v Version, master []byte, isClient bool, transcriptHash []byte) []byte {
	label := labelServerFinished
	if isClient {
		label = labelClientFinished
	}
	out := make([]byte, FinishedLen)
	s.PRF(v)(master, label, transcriptHash, out)
	return out
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
		case AES128CBC, AES256CBC:
			h := s.MAC.macHash()
			if h == nil {
				break
			}
			return record.NewCBC(aes.NewCipher, key, h, macKey, v, iv)
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
