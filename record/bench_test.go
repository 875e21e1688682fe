// Benchmarks of the bulk path: sealing and opening full-size records.
package record

import (
	"crypto/aes"
	"crypto/sha1"
	"testing"
)

func benchPair(b *testing.B, make func() (Cipher, error), v Version) (w, r *HalfConn) {
	return pair(b, kind{"bench", v, make})
}

func benchSeal(b *testing.B, w *HalfConn) {
	msg := make([]byte, MaxPlaintext)
	buf := make([]byte, 0, BufferSize)
	b.SetBytes(MaxPlaintext)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Seal(buf[:0], TypeApplicationData, msg); err != nil {
			b.Fatal(err)
		}
	}
}

// benchOpen opens the same sealed record repeatedly; each round restores the
// ciphertext (a 16 KiB copy, included in the time) and the sequence number.
func benchOpen(b *testing.B, w, r *HalfConn) {
	rec, err := w.Seal(nil, TypeApplicationData, make([]byte, MaxPlaintext))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, len(rec))
	b.SetBytes(MaxPlaintext)
	b.ReportAllocs()
	for b.Loop() {
		copy(buf, rec)
		r.seq = 0
		if _, _, err := r.Open(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func gcm128() (Cipher, error) { return NewAESGCM(key16, salt4) }

func BenchmarkSealGCM16K(b *testing.B) {
	w, _ := benchPair(b, gcm128, VersionTLS12)
	benchSeal(b, w)
}

func BenchmarkOpenGCM16K(b *testing.B) {
	w, r := benchPair(b, gcm128, VersionTLS12)
	benchOpen(b, w, r)
}

func BenchmarkSealChaCha16K(b *testing.B) {
	w, _ := benchPair(b, func() (Cipher, error) { return NewChaCha20Poly1305(key32, chachIV) }, VersionTLS12)
	benchSeal(b, w)
}

func BenchmarkOpenCBCSHA16K(b *testing.B) {
	w, r := benchPair(b, func() (Cipher, error) {
		return NewCBC(aes.NewCipher, key16, sha1.New, macKey[:20], VersionTLS12, nil)
	}, VersionTLS12)
	benchOpen(b, w, r)
}
