// Block-cipher record protection: CBC with HMAC (RFC 2246 §6.2.3.2, RFC 4346
// §6.2.3.2, RFC 5246 §6.2.3.2) or, in SSL 3.0, with the SSL 3.0 MAC (RFC 6101
// §5.2.3.2), checked in constant time, and MAC-only protection for the
// NULL-cipher suites.
package record

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
	"io"
)

// ivSetter is the SetIV method that the standard library's CBC modes have;
// it lets one BlockMode serve every record of TLS 1.1+.
type ivSetter interface{ SetIV([]byte) }

// cbcCipher protects records with a block cipher in CBC mode and HMAC in
// MAC-then-encrypt order. TLS 1.1 and 1.2 send a fresh random IV with each
// record; SSL 3.0 and TLS 1.0 chain the IV from the last ciphertext block.
type cbcCipher struct {
	version  Version
	block    cipher.Block
	bs       int
	explicit bool // TLS 1.1+: explicit per-record IV
	ssl3     bool // SSL 3.0: its MAC, and padding of any content shorter than a block
	enc, dec cipher.BlockMode

	sealMAC hash.Hash
	openMAC hash.Hash // constant-time Sum when the hash offers one
	macSize int

	sealHdr, openHdr [13]byte // seq_num || type || version || length
	macBuf           [64]byte // the locally computed MAC when opening
}

// NewCBC returns a CBC+HMAC cipher. newBlock builds the block cipher from
// key (aes.NewCipher, des.NewTripleDESCipher); newHash is the HMAC hash
// (sha1.New, sha256.New, sha512.New384) keyed with macKey. For TLS 1.1 and
// 1.2 each record carries a random IV read from the HalfConn's Rand and iv
// is ignored; for SSL 3.0 and TLS 1.0 iv is the initial IV from the key
// block and later IVs chain from the last ciphertext block (RFC 2246
// §6.2.3.2). SSL 3.0 uses its own keyed hash instead of HMAC (newHash is then
// md5.New or sha1.New) and lets the padding bytes be anything, with the
// padding shorter than a block (RFC 6101 §5.2.3.2) — the POODLE weakness,
// inherent in the protocol.
func NewCBC(newBlock func(key []byte) (cipher.Block, error), key []byte, newHash func() hash.Hash, macKey []byte, v Version, iv []byte) (Cipher, error) {
	switch v {
	case VersionSSL30, VersionTLS10, VersionTLS11, VersionTLS12:
	default:
		return nil, errors.New("record: CBC protection needs SSL 3.0 or TLS 1.0, 1.1 or 1.2")
	}
	block, err := newBlock(key)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if bs < 8 || bs > 255 {
		return nil, errors.New("record: unsupported block size")
	}
	c := &cbcCipher{version: v, block: block, bs: bs, explicit: v >= VersionTLS11, ssl3: v == VersionSSL30}
	if c.explicit {
		zero := make([]byte, bs)
		c.enc = cipher.NewCBCEncrypter(block, zero)
		c.dec = cipher.NewCBCDecrypter(block, zero)
		_, okE := c.enc.(ivSetter)
		_, okD := c.dec.(ivSetter)
		if !okE || !okD {
			return nil, errors.New("record: CBC mode without SetIV")
		}
	} else {
		if len(iv) != bs {
			return nil, errors.New("record: SSL 3.0/TLS 1.0 CBC IV must be one block")
		}
		c.enc = cipher.NewCBCEncrypter(block, iv)
		c.dec = cipher.NewCBCDecrypter(block, iv)
	}
	c.sealMAC = newRecordMAC(newHash, macKey, v)
	c.openMAC = newRecordMAC(constantTimeHash(newHash), macKey, v)
	c.macSize = c.sealMAC.Size()
	if c.macSize > len(c.macBuf) {
		return nil, errors.New("record: MAC too long")
	}
	return c, nil
}

func (c *cbcCipher) Overhead() int {
	n := c.macSize + c.bs // MAC plus at most one block of padding
	if c.explicit {
		n += c.bs
	}
	return n
}

func (c *cbcCipher) Kind() string { return "cbc" }

// macHeader fills the MAC's pseudo-header (RFC 5246 §6.2.3.1).
func macHeader(dst *[13]byte, seq uint64, hdr []byte, n int) {
	binary.BigEndian.PutUint64(dst[:8], seq)
	dst[8], dst[9], dst[10] = hdr[0], hdr[1], hdr[2]
	dst[11], dst[12] = byte(n>>8), byte(n)
}

func (c *cbcCipher) seal(rec []byte, seq uint64, payload []byte, rnd io.Reader) ([]byte, error) {
	ivStart := len(rec)
	if c.explicit {
		rec = rec[:ivStart+c.bs] // capacity was reserved by HalfConn
		if _, err := io.ReadFull(rnd, rec[ivStart:]); err != nil {
			return nil, Fatal(AlertInternalError, "reading random IV failed")
		}
	}
	bodyStart := len(rec)
	rec = append(rec, payload...)
	c.sealMAC.Reset()
	c.sealMAC.Write(macInput(&c.sealHdr, seq, rec, len(payload), c.ssl3))
	c.sealMAC.Write(rec[bodyStart:])
	rec = c.sealMAC.Sum(rec)
	// Minimal padding: padLen+1 bytes of value padLen fill the last block.
	padLen := c.bs - 1 - (len(rec)-bodyStart)%c.bs
	for i := 0; i <= padLen; i++ {
		rec = append(rec, byte(padLen))
	}
	body := rec[bodyStart:]
	if c.explicit {
		c.enc.(ivSetter).SetIV(rec[ivStart:bodyStart])
	}
	c.enc.CryptBlocks(body, body)
	return rec, nil
}

func (c *cbcCipher) open(rec []byte, seq uint64, opt openOptions) ([]byte, *AlertError) {
	frag := rec[HeaderLen:]
	ivLen := 0
	if c.explicit {
		ivLen = c.bs
	}
	// The ciphertext length is public; a malformed one is still reported
	// as bad_record_mac (RFC 5246 §6.2.3.2 says so for bad padding, and
	// we keep one alert for every integrity failure).
	minLen := ivLen + (c.macSize+1+c.bs-1)/c.bs*c.bs
	if len(frag)%c.bs != 0 || len(frag) < minLen {
		return nil, errBadMAC()
	}
	if c.explicit {
		c.dec.(ivSetter).SetIV(frag[:ivLen])
	}
	body := frag[ivLen:]
	c.dec.CryptBlocks(body, body)

	checkContent := !c.ssl3 && !(opt.noPaddingCheck && c.version == VersionTLS10)
	remove, good := cbcPadding(body, c.macSize, checkContent)
	if c.ssl3 {
		// RFC 6101 §5.2.3.2: the padding (with its length byte) is at
		// most one block. remove is 0 when good is 0, so min is 1 here.
		good &= ctLessEq(remove, c.bs)
		remove = int(int8(good)) & remove
	}
	n := len(body) - c.macSize - remove // >= 0: remove is 0 when padding is bad

	c.openMAC.Reset()
	c.openMAC.Write(macInput(&c.openHdr, seq, rec, n, c.ssl3))
	c.openMAC.Write(body[:n])
	local := c.openMAC.Sum(c.macBuf[:0])
	// Lucky13 (and crypto/tls's answer to it): n depends on the secret
	// padding, so hash the bytes past the MAC too, after the sum. The
	// hash then sees the same number of bytes whatever the padding, and
	// a bad padding costs the same work as a bad MAC.
	c.openMAC.Write(body[n+c.macSize:])
	remote := body[n : n+c.macSize]
	if subtle.ConstantTimeCompare(local, remote)&int(good&1) != 1 {
		return nil, errBadMAC()
	}
	if n > MaxPlaintext {
		return nil, Fatal(AlertRecordOverflow, "plaintext longer than 2^14")
	}
	return body[:n], nil
}

// cbcPadding reads the CBC padding at the end of body (RFC 5246 §6.2.3.2) in
// constant time. It returns how many bytes to strip (padding and its length
// byte) and good = 0xff when the padding is valid, else 0 with remove = 0,
// so that a bad padding leads to a MAC over (almost) everything and fails
// like a bad MAC does. The padding must leave room for the MAC; when
// checkContent is set every padding byte must equal the length byte.
// len(body) must be at least macSize+1 (a public fact checked by the caller).
func cbcPadding(body []byte, macSize int, checkContent bool) (remove int, good byte) {
	last := len(body) - 1
	p := int(body[last])
	// Valid only if p+1 padding bytes fit after the MAC.
	good = ctLessEq(p, last-macSize)
	if checkContent {
		var diff byte
		// At most 255 padding bytes precede the length byte; how many we
		// look at depends only on the public length.
		toCheck := min(255, last)
		for i := 1; i <= toCheck; i++ {
			inPad := ctLessEq(i, p) // byte body[last-i] is padding
			diff |= inPad & (body[last-i] ^ byte(p))
		}
		good &= ctIsZero(diff)
	}
	remove = int(int8(good)) & (p + 1) // int8(0xff) is -1: an all-ones mask
	return remove, good
}

// ctLessEq returns 0xff if a <= b and 0 otherwise, without branches, for
// 0 <= a, b < 2^31.
func ctLessEq(a, b int) byte {
	// b-a is negative exactly when a > b; take its sign bit.
	return byte(((uint64(b-a) >> 63) & 1) - 1)
}

// ctIsZero returns 0xff if x == 0 and 0 otherwise, without branches.
func ctIsZero(x byte) byte {
	return byte((uint32(x) - 1) >> 31 * 0xff)
}

// constantTimeHash wraps newHash so that Sum runs in constant time when the
// hash offers ConstantTimeSum (crypto/sha1 does). Other methods pass through,
// including the binary (un)marshaling that lets HMAC reset cheaply.
func constantTimeHash(newHash func() hash.Hash) func() hash.Hash {
	if _, ok := newHash().(ctSummer); !ok {
		return newHash
	}
	return func() hash.Hash { return &ctHash{newHash()} }
}

type ctSummer interface {
	ConstantTimeSum(b []byte) []byte
}

type ctHash struct{ hash.Hash }

func (h *ctHash) Sum(b []byte) []byte { return h.Hash.(ctSummer).ConstantTimeSum(b) }

func (h *ctHash) MarshalBinary() ([]byte, error) {
	if m, ok := h.Hash.(interface{ MarshalBinary() ([]byte, error) }); ok {
		return m.MarshalBinary()
	}
	return nil, errors.New("record: hash state cannot be marshaled")
}

func (h *ctHash) UnmarshalBinary(b []byte) error {
	if m, ok := h.Hash.(interface{ UnmarshalBinary([]byte) error }); ok {
		return m.UnmarshalBinary(b)
	}
	return errors.New("record: hash state cannot be unmarshaled")
}

// nullMACCipher is the NULL bulk cipher with an HMAC (e.g.
// TLS_RSA_WITH_NULL_SHA, RFC 5246 §6.2.3.1 with a stream cipher of null):
// integrity without confidentiality.
type nullMACCipher struct {
	sealMAC, openMAC hash.Hash
	macSize          int
	sealHdr, openHdr [13]byte
	macBuf           [64]byte
}

// NewNullMAC returns MAC-only protection with HMAC over newHash keyed with
// macKey, for the NULL-cipher suites that Erlang's ssl can still enable.
func NewNullMAC(newHash func() hash.Hash, macKey []byte) (Cipher, error) {
	c := &nullMACCipher{sealMAC: hmac.New(newHash, macKey), openMAC: hmac.New(newHash, macKey)}
	c.macSize = c.sealMAC.Size()
	if c.macSize > len(c.macBuf) {
		return nil, errors.New("record: MAC too long")
	}
	return c, nil
}

func (c *nullMACCipher) Overhead() int { return c.macSize }
func (c *nullMACCipher) Kind() string  { return "null_mac" }

func (c *nullMACCipher) seal(rec []byte, seq uint64, payload []byte, _ io.Reader) ([]byte, error) {
	bodyStart := len(rec)
	rec = append(rec, payload...)
	macHeader(&c.sealHdr, seq, rec, len(payload))
	c.sealMAC.Reset()
	c.sealMAC.Write(c.sealHdr[:])
	c.sealMAC.Write(rec[bodyStart:])
	return c.sealMAC.Sum(rec), nil
}

func (c *nullMACCipher) open(rec []byte, seq uint64, _ openOptions) ([]byte, *AlertError) {
	frag := rec[HeaderLen:]
	if len(frag) < c.macSize {
		return nil, errBadMAC()
	}
	n := len(frag) - c.macSize
	macHeader(&c.openHdr, seq, rec, n)
	c.openMAC.Reset()
	c.openMAC.Write(c.openHdr[:])
	c.openMAC.Write(frag[:n])
	if !hmac.Equal(c.openMAC.Sum(c.macBuf[:0]), frag[n:]) {
		return nil, errBadMAC()
	}
	if n > MaxPlaintext {
		return nil, Fatal(AlertRecordOverflow, "plaintext longer than 2^14")
	}
	return frag[:n], nil
}
