// Test helpers: cipher kinds with fixed keys and an independent record builder.
package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"testing"
)

// kind describes one cipher configuration under test.
type kind struct {
	name    string
	version Version
	make    func() (Cipher, error) // a fresh cipher with the fixed keys
}

func seqBytes(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

var (
	key16   = seqBytes(16, 1)
	key24   = seqBytes(24, 2)
	key32   = seqBytes(32, 3)
	macKey  = seqBytes(48, 4)
	iv16    = seqBytes(16, 5)
	iv8     = seqBytes(8, 6)
	salt4   = seqBytes(4, 7)
	chachIV = seqBytes(12, 8)
)

func cbcKind(name string, v Version, newBlock func([]byte) (cipher.Block, error), key []byte, newHash func() hash.Hash, iv []byte) kind {
	return kind{name, v, func() (Cipher, error) {
		return NewCBC(newBlock, key, newHash, macKey[:newHash().Size()], v, iv)
	}}
}

func rc4Kind(name string, v Version, newHash func() hash.Hash) kind {
	return kind{name, v, func() (Cipher, error) {
		return NewRC4(key16, newHash, macKey[:newHash().Size()], v)
	}}
}

func desBlock(k []byte) (cipher.Block, error) { return des.NewTripleDESCipher(k) }

// allKinds lists every construction and version we support.
func allKinds() []kind {
	ks := []kind{
		{"GCM-128", VersionTLS12, func() (Cipher, error) { return NewAESGCM(key16, salt4) }},
		{"GCM-256", VersionTLS12, func() (Cipher, error) { return NewAESGCM(key32, salt4) }},
		{"ChaCha20", VersionTLS12, func() (Cipher, error) { return NewChaCha20Poly1305(key32, chachIV) }},
		{"NullSHA", VersionTLS12, func() (Cipher, error) { return NewNullMAC(sha1.New, macKey[:20]) }},
	}
	for _, v := range []Version{VersionTLS10, VersionTLS11, VersionTLS12} {
		ks = append(ks,
			cbcKind("AES128-SHA-"+v.String(), v, aes.NewCipher, key16, sha1.New, iv16),
			cbcKind("AES256-SHA-"+v.String(), v, aes.NewCipher, key32, sha1.New, iv16),
			cbcKind("3DES-SHA-"+v.String(), v, desBlock, key24, sha1.New, iv8),
		)
	}
	for _, v := range []Version{VersionSSL30, VersionTLS10, VersionTLS12} {
		ks = append(ks,
			rc4Kind("RC4-MD5-"+v.String(), v, md5.New),
			rc4Kind("RC4-SHA-"+v.String(), v, sha1.New),
			cbcKind("DES-SHA-"+v.String(), v, des.NewCipher, key24[:8], sha1.New, iv8),
		)
	}
	ks = append(ks,
		cbcKind("AES128-SHA-sslv3", VersionSSL30, aes.NewCipher, key16, sha1.New, iv16),
		cbcKind("3DES-MD5-sslv3", VersionSSL30, desBlock, key24, md5.New, iv8),
		cbcKind("AES128-SHA256-tlsv1.2", VersionTLS12, aes.NewCipher, key16, sha256.New, iv16),
		cbcKind("AES256-SHA384-tlsv1.2", VersionTLS12, aes.NewCipher, key32, sha512.New384, iv16),
	)
	return ks
}

// pair returns a writer and a reader HalfConn sharing fresh ciphers of k.
func pair(t testing.TB, k kind) (w, r *HalfConn) {
	t.Helper()
	cw, err := k.make()
	if err != nil {
		t.Fatal(err)
	}
	cr, err := k.make()
	if err != nil {
		t.Fatal(err)
	}
	w = &HalfConn{Version: k.version, Rand: &countingRand{}}
	r = &HalfConn{Version: k.version}
	w.SetCipher(cw)
	r.SetCipher(cr)
	return w, r
}

// countingRand is a deterministic byte source for explicit IVs.
type countingRand struct{ n byte }

func (c *countingRand) Read(p []byte) (int, error) {
	for i := range p {
		c.n++
		p[i] = c.n*7 + 3
	}
	return len(p), nil
}

// cbcSpec describes a CBC record built independently of the package code,
// with knobs to break it on purpose.
type cbcSpec struct {
	v        Version
	block    cipher.Block
	newHash  func() hash.Hash
	macKey   []byte
	seq      uint64
	typ      ContentType
	iv       []byte // explicit IV (TLS 1.1+) or chained IV (TLS 1.0)
	payload  []byte
	padding  []byte // whole padding including the length byte; nil = minimal
	breakMAC bool
}

func (s cbcSpec) build() []byte {
	bs := s.block.BlockSize()
	var tag []byte
	if s.v == VersionSSL30 {
		tag = refSSL3MAC(s.newHash, s.macKey, s.seq, s.typ, s.payload)
	} else {
		mac := hmac.New(s.newHash, s.macKey)
		var h [13]byte
		binary.BigEndian.PutUint64(h[:], s.seq)
		h[8] = byte(s.typ)
		binary.BigEndian.PutUint16(h[9:], uint16(s.v))
		binary.BigEndian.PutUint16(h[11:], uint16(len(s.payload)))
		mac.Write(h[:])
		mac.Write(s.payload)
		tag = mac.Sum(nil)
	}
	if s.breakMAC {
		tag[0] ^= 1
	}
	body := append(append([]byte{}, s.payload...), tag...)
	pad := s.padding
	if pad == nil {
		p := bs - 1 - len(body)%bs
		pad = bytes.Repeat([]byte{byte(p)}, p+1)
	}
	body = append(body, pad...)
	cipher.NewCBCEncrypter(s.block, s.iv).CryptBlocks(body, body)
	frag := body
	if s.v >= VersionTLS11 {
		frag = append(append([]byte{}, s.iv...), body...)
	}
	rec := []byte{byte(s.typ), byte(s.v >> 8), byte(s.v), byte(len(frag) >> 8), byte(len(frag))}
	return append(rec, frag...)
}

func wantAlert(t testing.TB, err *AlertError, d AlertDescription) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", d)
	}
	if err.Desc != d || err.Level != LevelFatal {
		t.Fatalf("got %v, want fatal %s", err, d)
	}
}

// refSSL3MAC is RFC 6101 §5.2.3.1 written out plainly: hash(MAC_write_secret
// + pad_2 + hash(MAC_write_secret + pad_1 + seq_num + type + length +
// content)).
func refSSL3MAC(newHash func() hash.Hash, key []byte, seq uint64, typ ContentType, payload []byte) []byte {
	padLen := 40
	if newHash().Size() == 16 {
		padLen = 48
	}
	var hdr [11]byte
	binary.BigEndian.PutUint64(hdr[:], seq)
	hdr[8] = byte(typ)
	binary.BigEndian.PutUint16(hdr[9:], uint16(len(payload)))
	in := newHash()
	in.Write(key)
	in.Write(bytes.Repeat([]byte{0x36}, padLen))
	in.Write(hdr[:])
	in.Write(payload)
	out := newHash()
	out.Write(key)
	out.Write(bytes.Repeat([]byte{0x5c}, padLen))
	out.Write(in.Sum(nil))
	return out.Sum(nil)
}
