// keyexchange_test.go tests ECDHE (agreement, RFC 7748 vector, hostile
// points, curve selection) and RSA pre-master transport, with fuzz targets
// for both peer inputs.
package handshake

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

var (
	rsaKeyOnce sync.Once
	rsaKey     *rsa.PrivateKey
)

// testRSAKey returns one 2048-bit key shared by the tests.
func testRSAKey(t testing.TB) *rsa.PrivateKey {
	rsaKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

// fixedReader yields a repeating byte pattern, so the "random" fallback is
// recognisable.
type fixedReader byte

func (r fixedReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r) + byte(i)
	}
	return len(p), nil
}

func TestECDHEAgreement(t *testing.T) {
	for _, c := range []CurveID{CurveX25519, CurveP256, CurveP384, CurveP521} {
		a, err := GenerateECDHE(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := GenerateECDHE(c, rand.Reader)
		s1, aerr := ECDHESharedSecret(a, b.PublicKey().Bytes())
		s2, berr := ECDHESharedSecret(b, a.PublicKey().Bytes())
		if aerr != nil || berr != nil || len(s1) == 0 || !bytes.Equal(s1, s2) {
			t.Errorf("%s: no agreement (%v %v)", CurveName(c), aerr, berr)
		}
	}
	if _, err := GenerateECDHE(CurveID(99), rand.Reader); err == nil {
		t.Error("unknown curve accepted")
	}
	if _, aerr := ECDHESharedSecret(nil, []byte{1}); aerr == nil || aerr.Desc != record.AlertInternalError {
		t.Error("nil key")
	}
}

// RFC 7748 §6.1.
func TestX25519Vector(t *testing.T) {
	priv, err := ecdh.X25519().NewPrivateKey(unhex(t, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
	if err != nil {
		t.Fatal(err)
	}
	got, aerr := ECDHESharedSecret(priv, unhex(t, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
	if aerr != nil || !bytes.Equal(got, unhex(t, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")) {
		t.Errorf("X25519: %x %v", got, aerr)
	}
}

func TestECDHEBadPoints(t *testing.T) {
	x, _ := GenerateECDHE(CurveX25519, rand.Reader)
	p, _ := GenerateECDHE(CurveP256, rand.Reader)
	good := p.PublicKey().Bytes()
	offCurve := bytes.Clone(good)
	offCurve[64] ^= 1
	compressed := append([]byte{2 | good[64]&1}, good[1:33]...)
	cases := []struct {
		name string
		priv *ecdh.PrivateKey
		peer []byte
	}{
		{"x25519 zero point (all-zero secret)", x, make([]byte, 32)},
		{"x25519 short", x, make([]byte, 31)},
		{"x25519 empty", x, nil},
		{"p256 identity", p, []byte{0}},
		{"p256 off curve", p, offCurve},
		{"p256 compressed", p, compressed},
		{"p256 truncated", p, good[:64]},
		{"p256 x25519-sized", p, x.PublicKey().Bytes()},
	}
	for _, c := range cases {
		s, aerr := ECDHESharedSecret(c.priv, c.peer)
		if aerr == nil || aerr.Desc != record.AlertIllegalParameter || s != nil {
			t.Errorf("%s: got %x, %v", c.name, s, aerr)
		}
	}
}

func TestSelectCurve(t *testing.T) {
	cases := []struct {
		client, ours []CurveID
		want         CurveID
		ok           bool
	}{
		{[]CurveID{CurveP384, CurveX25519}, nil, CurveX25519, true},
		{[]CurveID{CurveP384, CurveP256}, nil, CurveP256, true},
		{[]CurveID{CurveP521}, nil, 0, false},
		{[]CurveID{CurveP521, CurveP256}, []CurveID{CurveP521}, CurveP521, true},
		{nil, nil, 0, false},
		{[]CurveID{30}, []CurveID{30}, 0, false}, // x448: not implemented
	}
	for i, c := range cases {
		got, ok := SelectCurve(c.client, c.ours)
		if got != c.want || ok != c.ok {
			t.Errorf("%d: %v %v", i, got, ok)
		}
	}
}

func TestRSAPremaster(t *testing.T) {
	k := testRSAKey(t)
	pre, enc, err := RSAEncryptPremaster(&k.PublicKey, record.VersionTLS12, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(pre) != 48 || pre[0] != 3 || pre[1] != 3 {
		t.Fatalf("premaster %x", pre[:2])
	}
	fallback := make([]byte, 48)
	fixedReader(7).Read(fallback)

	if got := RSADecryptPremaster(k, enc, record.VersionTLS12, fixedReader(7)); !bytes.Equal(got, pre) {
		t.Error("good ciphertext not decrypted")
	}
	// Version mismatch (e.g. a rollback): the random bytes, no error.
	if got := RSADecryptPremaster(k, enc, record.VersionTLS11, fixedReader(7)); !bytes.Equal(got, fallback) {
		t.Errorf("version mismatch gave %x", got)
	}
	bad := bytes.Clone(enc)
	bad[10] ^= 0x40
	if got := RSADecryptPremaster(k, bad, record.VersionTLS12, fixedReader(7)); !bytes.Equal(got, fallback) {
		t.Error("bad ciphertext not replaced by random")
	}
	for _, e := range [][]byte{nil, enc[:100], append(bytes.Clone(enc), 0)} {
		if got := RSADecryptPremaster(k, e, record.VersionTLS12, fixedReader(7)); !bytes.Equal(got, fallback) {
			t.Errorf("length %d: not random", len(e))
		}
	}
	// A correctly padded message of the wrong length is also just random.
	short, _ := rsa.EncryptPKCS1v15(rand.Reader, &k.PublicKey, []byte{3, 3, 1, 2})
	if got := RSADecryptPremaster(k, short, record.VersionTLS12, fixedReader(7)); !bytes.Equal(got, fallback) {
		t.Error("short plaintext accepted")
	}
	// With the real random source, two bad attempts differ.
	a := RSADecryptPremaster(k, bad, record.VersionTLS12, rand.Reader)
	b := RSADecryptPremaster(k, bad, record.VersionTLS12, rand.Reader)
	if bytes.Equal(a, b) || len(a) != 48 {
		t.Error("fallback is not random")
	}
	if _, _, err := RSAEncryptPremaster(nil, record.VersionTLS12, rand.Reader); err == nil {
		t.Error("nil key")
	}
}

func FuzzECDHESharedSecret(f *testing.F) {
	keys := map[CurveID]*ecdh.PrivateKey{}
	for _, c := range []CurveID{CurveX25519, CurveP256, CurveP384, CurveP521} {
		k, err := GenerateECDHE(c, rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		keys[c] = k
		peer, _ := GenerateECDHE(c, rand.Reader)
		f.Add(uint16(c), peer.PublicKey().Bytes())
	}
	f.Add(uint16(CurveX25519), make([]byte, 32))
	f.Add(uint16(CurveP256), []byte{0})
	f.Add(uint16(CurveP256), []byte{4, 1, 2, 3})
	f.Fuzz(func(t *testing.T, curve uint16, peer []byte) {
		k := keys[CurveID(curve)]
		if k == nil {
			k = keys[CurveX25519]
		}
		s, aerr := ECDHESharedSecret(k, peer)
		if (aerr == nil) == (s == nil) {
			t.Fatalf("secret %x with error %v", s, aerr)
		}
		if aerr != nil && aerr.Desc != record.AlertIllegalParameter {
			t.Fatalf("alert %v", aerr.Desc)
		}
		if aerr == nil && bytes.Equal(s, make([]byte, len(s))) {
			t.Fatal("all-zero secret accepted")
		}
	})
}

func FuzzRSADecryptPremaster(f *testing.F) {
	k := testRSAKey(f)
	_, enc, err := RSAEncryptPremaster(&k.PublicKey, record.VersionTLS12, rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add([]byte{})
	f.Add(make([]byte, 256))
	f.Add(bytes.Repeat([]byte{0xff}, 256))
	fallback := make([]byte, 48)
	fixedReader(1).Read(fallback)
	f.Fuzz(func(t *testing.T, ct []byte) {
		got := RSADecryptPremaster(k, ct, record.VersionTLS12, fixedReader(1))
		if len(got) != 48 {
			t.Fatalf("length %d", len(got))
		}
		if !bytes.Equal(got, fallback) && (got[0] != 3 || got[1] != 3) {
			t.Fatalf("accepted a wrong version: %x", got[:2])
		}
	})
}
