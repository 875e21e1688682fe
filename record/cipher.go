// Record protection: the Cipher interface and the AEAD ciphers (AES-GCM,
// ChaCha20-Poly1305) for TLS 1.2; CBC and RC4 are in cbc.go and stream.go.
package record

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Cipher protects the records of one direction of a connection with one set
// of keys. Implementations live in this package only (the methods that do
// the work are unexported): AEAD ciphers from NewAESGCM and
// NewChaCha20Poly1305, block ciphers from NewCBC, the RC4 stream cipher from
// NewRC4, MAC-only protection from NewNullMAC. A HalfConn without a Cipher sends and accepts plaintext.
//
// A Cipher keeps state (nonce buffers, the TLS 1.0 CBC chain) and must be
// used by a single HalfConn, from one goroutine at a time.
type Cipher interface {
	// Overhead returns the largest number of bytes that protection adds
	// to a fragment (explicit nonce or IV, tag or MAC, padding).
	Overhead() int
	// Kind names the construction: "aead", "cbc", "stream" or "null_mac".
	Kind() string

	// seal appends the protected fragment of payload to rec, which holds
	// the 5-byte header (its length field not yet set) and has enough
	// capacity for Overhead more bytes than the payload.
	seal(rec []byte, seq uint64, payload []byte, rnd io.Reader) ([]byte, error)
	// open decrypts rec[HeaderLen:] in place and returns the plaintext.
	open(rec []byte, seq uint64, opt openOptions) ([]byte, *AlertError)
}

// openOptions carries per-connection knobs that affect opening.
type openOptions struct {
	noPaddingCheck bool // TLS 1.0 padding_check=false
}

// errBadMAC is the one alert for every integrity failure, whatever its
// cause, so that the peer learns nothing about which check failed.
func errBadMAC() *AlertError { return Fatal(AlertBadRecordMAC, "record authentication failed") }

// aeadCipher implements TLS 1.2 AEAD record protection (RFC 5246 §6.2.3.3).
// For AES-GCM (RFC 5288 §3) the nonce is a 4-byte implicit salt followed by
// an 8-byte explicit part sent in the record, which we set to the sequence
// number. For ChaCha20-Poly1305 (RFC 7905 §2) the nonce is the 12-byte IV
// XORed with the left-padded sequence number and nothing is sent.
type aeadCipher struct {
	aead     cipher.AEAD
	iv       [12]byte // GCM: salt in iv[:4]; ChaCha: the whole IV
	nonce    [12]byte
	ad       [13]byte // seq_num || type || version || length
	explicit int      // explicit nonce bytes in the record: 8 (GCM) or 0
}

// NewAESGCM returns the TLS 1.2 AES-GCM cipher (RFC 5288) for a 16- or
// 32-byte key and the 4-byte implicit salt (client/server_write_IV).
func NewAESGCM(key, fixedIV []byte) (Cipher, error) {
	if len(key) != 16 && len(key) != 32 {
		return nil, errors.New("record: AES-GCM key must be 16 or 32 bytes")
	}
	if len(fixedIV) != 4 {
		return nil, errors.New("record: AES-GCM implicit IV must be 4 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	c := &aeadCipher{aead: aead, explicit: 8}
	copy(c.iv[:4], fixedIV)
	copy(c.nonce[:4], fixedIV)
	return c, nil
}

// NewChaCha20Poly1305 returns the ChaCha20-Poly1305 cipher of RFC 7905 for a
// 32-byte key and the 12-byte IV.
func NewChaCha20Poly1305(key, iv []byte) (Cipher, error) {
	if len(key) != chacha20poly1305.KeySize {
		return nil, errors.New("record: ChaCha20-Poly1305 key must be 32 bytes")
	}
	if len(iv) != chacha20poly1305.NonceSize {
		return nil, errors.New("record: ChaCha20-Poly1305 IV must be 12 bytes")
	}
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, err
	}
	c := &aeadCipher{aead: aead}
	copy(c.iv[:], iv)
	return c, nil
}

func (c *aeadCipher) Overhead() int { return c.explicit + c.aead.Overhead() }
func (c *aeadCipher) Kind() string  { return "aead" }

// setNonce fills c.nonce for sequence number seq.
func (c *aeadCipher) setNonce(seq uint64) {
	if c.explicit != 0 {
		binary.BigEndian.PutUint64(c.nonce[4:], seq)
		return
	}
	copy(c.nonce[:4], c.iv[:4])
	binary.BigEndian.PutUint64(c.nonce[4:], binary.BigEndian.Uint64(c.iv[4:])^seq)
}

// setAD fills the additional data of RFC 5246 §6.2.3.3.
func (c *aeadCipher) setAD(seq uint64, hdr []byte, n int) {
	binary.BigEndian.PutUint64(c.ad[:8], seq)
	c.ad[8], c.ad[9], c.ad[10] = hdr[0], hdr[1], hdr[2]
	c.ad[11], c.ad[12] = byte(n>>8), byte(n)
}

func (c *aeadCipher) seal(rec []byte, seq uint64, payload []byte, _ io.Reader) ([]byte, error) {
	c.setNonce(seq)
	c.setAD(seq, rec, len(payload))
	rec = append(rec, c.nonce[4:4+c.explicit]...)
	// Seal encrypts straight into rec's spare capacity: no copy.
	return c.aead.Seal(rec, c.nonce[:], payload, c.ad[:]), nil
}

func (c *aeadCipher) open(rec []byte, seq uint64, _ openOptions) ([]byte, *AlertError) {
	frag := rec[HeaderLen:]
	tag := c.aead.Overhead()
	if len(frag) < c.explicit+tag {
		return nil, errBadMAC()
	}
	n := len(frag) - c.explicit - tag
	if n > MaxPlaintext {
		// The plaintext length of an AEAD record is public.
		return nil, Fatal(AlertRecordOverflow, "plaintext longer than 2^14")
	}
	if c.explicit != 0 {
		copy(c.nonce[4:], frag[:c.explicit])
	} else {
		c.setNonce(seq)
	}
	c.setAD(seq, rec, n)
	ct := frag[c.explicit:]
	pt, err := c.aead.Open(ct[:0], c.nonce[:], ct, c.ad[:])
	if err != nil {
		return nil, errBadMAC()
	}
	return pt, nil
}
