// Stream-cipher record protection (RC4, RFC 5246 §6.2.3.1) and the SSL 3.0
// record MAC (RFC 6101 §5.2.3.1), shared by the stream and CBC ciphers.
package record

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rc4"
	"crypto/subtle"
	"errors"
	"hash"
	"io"
)

// ssl3MAC is the SSL 3.0 keyed hash (RFC 6101 §5.2.3.1), a precursor of
// HMAC: hash(secret + pad_2 + hash(secret + pad_1 + data)), with pad_1 =
// 0x36 and pad_2 = 0x5c repeated 48 times for MD5 and 40 times for SHA-1.
// It implements hash.Hash so the record code treats it like an HMAC.
type ssl3MAC struct {
	inner, outer hash.Hash
	key          []byte
	padLen       int
	scratch      [64]byte
}

var (
	ssl3Pad1 = [48]byte{0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36}
	ssl3Pad2 = [48]byte{0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c}
)

// SSL3PadLen returns the length of SSL 3.0's pad_1/pad_2 for a hash of the
// given output size: 48 for MD5 (16 bytes), 40 for SHA-1 (20 bytes)
// (RFC 6101 §5.2.3.1 and §5.6.8).
func SSL3PadLen(hashSize int) int {
	if hashSize == 16 {
		return 48
	}
	return 40
}

func newSSL3MAC(newHash func() hash.Hash, key []byte) *ssl3MAC {
	m := &ssl3MAC{inner: newHash(), outer: newHash(), key: append([]byte(nil), key...)}
	m.padLen = SSL3PadLen(m.inner.Size())
	m.Reset()
	return m
}

func (m *ssl3MAC) Reset() {
	m.inner.Reset()
	m.inner.Write(m.key)
	m.inner.Write(ssl3Pad1[:m.padLen])
}

func (m *ssl3MAC) Write(p []byte) (int, error) { return m.inner.Write(p) }
func (m *ssl3MAC) Size() int                   { return m.inner.Size() }
func (m *ssl3MAC) BlockSize() int              { return m.inner.BlockSize() }

func (m *ssl3MAC) Sum(b []byte) []byte {
	in := m.inner.Sum(m.scratch[:0])
	m.outer.Reset()
	m.outer.Write(m.key)
	m.outer.Write(ssl3Pad2[:m.padLen])
	m.outer.Write(in)
	return m.outer.Sum(b)
}

// newRecordMAC returns the record MAC of version v keyed with key: the SSL
// 3.0 construction for SSL 3.0, HMAC otherwise.
func newRecordMAC(newHash func() hash.Hash, key []byte, v Version) hash.Hash {
	if v == VersionSSL30 {
		return newSSL3MAC(newHash, key)
	}
	return hmac.New(newHash, key)
}

// macInput fills the MAC pseudo-header: seq_num || type || version ||
// length in TLS (RFC 5246 §6.2.3.1), seq_num || type || length in SSL 3.0
// (RFC 6101 §5.2.3.1), and returns the part to hash.
func macInput(dst *[13]byte, seq uint64, hdr []byte, n int, ssl3 bool) []byte {
	macHeader(dst, seq, hdr, n)
	if ssl3 {
		dst[9], dst[10] = dst[11], dst[12]
		return dst[:11]
	}
	return dst[:]
}

// streamCipher is RC4 with a MAC in MAC-then-encrypt order and no padding
// (RFC 5246 §6.2.3.1, RFC 6101 §5.2.3.1). The key stream runs on from
// record to record, so a streamCipher serves one direction only.
type streamCipher struct {
	stream           cipher.Stream
	ssl3             bool
	sealMAC, openMAC hash.Hash
	macSize          int
	sealHdr, openHdr [13]byte
	macBuf           [64]byte
}

// NewRC4 returns the RC4 stream cipher (rc4_128) with the record MAC over
// newHash (md5.New or sha1.New) keyed with macKey, for SSL 3.0 through TLS
// 1.2. RC4 is broken (RFC 7465 prohibits it in TLS); it exists for the
// manual's explicitly configured legacy suites only.
func NewRC4(key []byte, newHash func() hash.Hash, macKey []byte, v Version) (Cipher, error) {
	if v < VersionSSL30 || v > VersionTLS12 {
		return nil, errors.New("record: RC4 needs SSL 3.0 to TLS 1.2")
	}
	if len(key) != 16 {
		return nil, errors.New("record: RC4 key must be 16 bytes")
	}
	s, err := rc4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	c := &streamCipher{stream: s, ssl3: v == VersionSSL30}
	c.sealMAC = newRecordMAC(newHash, macKey, v)
	c.openMAC = newRecordMAC(newHash, macKey, v)
	c.macSize = c.sealMAC.Size()
	if c.macSize > len(c.macBuf) {
		return nil, errors.New("record: MAC too long")
	}
	return c, nil
}

func (c *streamCipher) Overhead() int { return c.macSize }
func (c *streamCipher) Kind() string  { return "stream" }

func (c *streamCipher) seal(rec []byte, seq uint64, payload []byte, _ io.Reader) ([]byte, error) {
	bodyStart := len(rec)
	rec = append(rec, payload...)
	c.sealMAC.Reset()
	c.sealMAC.Write(macInput(&c.sealHdr, seq, rec, len(payload), c.ssl3))
	c.sealMAC.Write(rec[bodyStart:])
	rec = c.sealMAC.Sum(rec)
	body := rec[bodyStart:]
	c.stream.XORKeyStream(body, body)
	return rec, nil
}

func (c *streamCipher) open(rec []byte, seq uint64, _ openOptions) ([]byte, *AlertError) {
	frag := rec[HeaderLen:]
	if len(frag) < c.macSize {
		return nil, errBadMAC()
	}
	c.stream.XORKeyStream(frag, frag)
	n := len(frag) - c.macSize
	c.openMAC.Reset()
	c.openMAC.Write(macInput(&c.openHdr, seq, rec, n, c.ssl3))
	c.openMAC.Write(frag[:n])
	if subtle.ConstantTimeCompare(c.openMAC.Sum(c.macBuf[:0]), frag[n:]) != 1 {
		return nil, errBadMAC()
	}
	if n > MaxPlaintext {
		return nil, Fatal(AlertRecordOverflow, "plaintext longer than 2^14")
	}
	return frag[:n], nil
}
