// kex_test.go tests the DHE, PSK, SRP and static/anonymous ECDH pieces:
// round trips, peer-value checks, known answers and fuzz targets.
package handshake

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // dhe_dss tests.
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"sync"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

var (
	dsaOnce sync.Once
	dsaKey  *DSAKey
)

// dsaTestKey returns a DSA key (L1024N160: quick to generate) shared by tests.
func dsaTestKey(t testing.TB) *DSAKey {
	dsaOnce.Do(func() {
		k := new(dsa.PrivateKey)
		if err := dsa.GenerateParameters(&k.Parameters, rand.Reader, dsa.L1024N160); err != nil {
			t.Fatal(err)
		}
		if err := dsa.GenerateKey(k, rand.Reader); err != nil {
			t.Fatal(err)
		}
		dsaKey = &DSAKey{Key: k}
	})
	if dsaKey == nil {
		t.Fatal("no DSA key")
	}
	return dsaKey
}

func TestDHRoundTripAndChecks(t *testing.T) {
	g := FFDHE2048()
	if g.P.BitLen() != 2048 || !g.P.ProbablyPrime(4) {
		t.Fatal("ffdhe2048 is not a 2048-bit prime")
	}
	a, err := GenerateDH(g, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateDH(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	za, aerr := a.SharedSecret(b.Public)
	if aerr != nil {
		t.Fatal(aerr)
	}
	zb, aerr := b.SharedSecret(a.Public)
	if aerr != nil {
		t.Fatal(aerr)
	}
	if !bytes.Equal(za, zb) || za[0] == 0 {
		t.Fatal("shared secrets differ or keep a leading zero")
	}
	pm1 := new(big.Int).Sub(g.P, big.NewInt(1))
	for name, y := range map[string][]byte{
		"zero": {0}, "one": {1}, "p-1": pm1.Bytes(), "p": g.P.Bytes(),
		"too long": append([]byte{1}, g.P.Bytes()...),
	} {
		if _, aerr := a.SharedSecret(y); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
			t.Errorf("%s: %v", name, aerr)
		}
	}
	// Client-side group checks.
	params, aerr := ParseDHAnonParams(a.Params())
	if aerr != nil {
		t.Fatal(aerr)
	}
	if _, aerr := ClientDHGroup(params); aerr != nil {
		t.Fatal(aerr)
	}
	small := &DHEParams{P: big.NewInt(0).Lsh(big.NewInt(1), 511).Add(big.NewInt(0).Lsh(big.NewInt(1), 511), big.NewInt(1)).Bytes(), G: []byte{2}, Public: []byte{5}}
	if _, aerr := ClientDHGroup(small); aerr == nil || aerr.Desc != record.AlertInsufficientSecurity {
		t.Errorf("512-bit group: %v", aerr)
	}
	bad := *params
	bad.Public = pm1.Bytes()
	if _, aerr := ClientDHGroup(&bad); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
		t.Errorf("Ys = p-1: %v", aerr)
	}
	bad = *params
	bad.G = []byte{1}
	if _, aerr := ClientDHGroup(&bad); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
		t.Errorf("g = 1: %v", aerr)
	}
}

// ffdhe2048DER is the DHParameter OpenSSL writes for group ffdhe2048
// (`openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048`).
func ffdhe2048DER() []byte {
	p := ffdhe2048P.Bytes()
	der := []byte{0x30, 0x82, 0x01, 0x08, 0x02, 0x82, 0x01, 0x01, 0x00}
	der = append(der, p...)
	return append(der, 0x02, 0x01, 0x02)
}

func TestParseDHParams(t *testing.T) {
	g, err := ParseDHParamsDER(ffdhe2048DER())
	if err != nil {
		t.Fatal(err)
	}
	if g.P.Cmp(ffdhe2048P) != 0 || g.G.Int64() != 2 {
		t.Fatal("wrong group")
	}
	pemText := "junk\n-----BEGIN DH PARAMETERS-----\n" + base64.StdEncoding.EncodeToString(ffdhe2048DER()) + "\n-----END DH PARAMETERS-----\n"
	if g2, err := ParseDHParamsPEM([]byte(pemText)); err != nil || g2.P.Cmp(g.P) != 0 {
		t.Fatalf("PEM: %v", err)
	}
	if _, err := ParseDHParamsPEM([]byte("nothing")); err == nil {
		t.Error("no block accepted")
	}
	if _, err := ParseDHParamsDER([]byte{0x30, 0x06, 0x02, 0x01, 0x17, 0x02, 0x01, 0x05}); err == nil {
		t.Error("tiny group accepted")
	}
	if _, err := ParseDHParamsDER(append(ffdhe2048DER(), 0)); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestPSKPremasterAndMessages(t *testing.T) {
	psk := []byte{1, 2, 3}
	if got := PSKPremaster(nil, psk); !bytes.Equal(got, []byte{0, 3, 0, 0, 0, 0, 3, 1, 2, 3}) {
		t.Errorf("psk premaster %x", got)
	}
	if got := PSKPremaster([]byte{9, 9}, psk); !bytes.Equal(got, []byte{0, 2, 9, 9, 0, 3, 1, 2, 3}) {
		t.Errorf("dhe_psk premaster %x", got)
	}
	ske := MarshalPSKServerKeyExchange([]byte("hint"), MarshalDHEParams([]byte{23}, []byte{2}, []byte{4}))
	p, aerr := ParsePSKServerKeyExchange(ske.Key, true)
	if aerr != nil || string(p.Hint) != "hint" || !p.HasDHGroup || p.Y[0] != 4 {
		t.Fatalf("%+v %v", p, aerr)
	}
	if _, aerr := ParsePSKServerKeyExchange(ske.Key, false); aerr == nil {
		t.Error("DH params accepted as trailing data")
	}
	for _, kx := range []KeyExchange{KXPSK, KXDHEPSK, KXRSAPSK} {
		var rest []byte
		if kx != KXPSK {
			rest = []byte{7, 7}
		}
		cke := NewPSKClientKeyExchange([]byte("id"), rest, kx)
		got, aerr := ParsePSKClientKey(cke.Body, kx)
		if aerr != nil || string(got.Identity) != "id" || !bytes.Equal(got.Rest, rest) {
			t.Errorf("%s: %+v %v", kx, got, aerr)
		}
	}
	if _, aerr := ParsePSKClientKey([]byte{0, 5, 'a'}, KXPSK); aerr == nil || aerr.Desc != record.AlertDecodeError {
		t.Errorf("short identity: %v", aerr)
	}
}

func TestSRPKnownAnswerAndRoundTrip(t *testing.T) {
	// RFC 5054 Appendix B.
	salt, _ := hex.DecodeString("BEB25379D1A8581EB5A727673A2441EE")
	x := SRPDerivedKey(salt, "alice", "password123")
	if hex.EncodeToString(x) != "94b7555aabe9127cc58ccf4993db6cf84d16c124" {
		t.Errorf("x = %x", x)
	}
	g := SRPGroupByName("srp_1024")
	if k := srpK(g); hex.EncodeToString(k.Bytes()) != "7556aa045aef2cdd07abaf0f665c3e818913186f" {
		t.Errorf("k = %x", k.Bytes())
	}
	for _, grp := range srpGroupTable {
		if !grp.N.ProbablyPrime(2) || grp.N.BitLen() != atoiSuffix(grp.Name) {
			t.Errorf("%s: bad prime", grp.Name)
		}
	}
	srv, err := NewSRPServer(g, salt, x, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, aerr := ParseSRPServerKeyExchange(srv.Params(), record.VersionTLS12, false)
	if aerr != nil {
		t.Fatal(aerr)
	}
	a, cpre, aerr := SRPClientPremaster(p, "alice", "password123", rand.Reader)
	if aerr != nil {
		t.Fatal(aerr)
	}
	cke := NewSRPClientKeyExchange(a)
	aa, aerr := ParseSRPClientKey(cke.Body)
	if aerr != nil {
		t.Fatal(aerr)
	}
	spre, aerr := srv.Premaster(aa)
	if aerr != nil || !bytes.Equal(cpre, spre) {
		t.Fatalf("premasters differ: %v", aerr)
	}
	_, wrong, _ := SRPClientPremaster(p, "alice", "password124", rand.Reader)
	if bytes.Equal(wrong, spre) {
		t.Error("wrong password gives the same secret")
	}
	// A ≡ 0 (mod N) and B ≡ 0 (mod N) are illegal_parameter.
	for _, bad := range [][]byte{{0}, g.N.Bytes(), new(big.Int).Lsh(g.N, 1).Bytes()} {
		if _, aerr := srv.Premaster(bad); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
			t.Errorf("A=%x: %v", bad, aerr)
		}
		pb := *p
		pb.B = bad
		if _, _, aerr := SRPClientPremaster(&pb, "alice", "x", rand.Reader); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
			t.Errorf("B=%x: %v", bad, aerr)
		}
	}
	pu := *p
	pu.N = big.NewInt(0).Add(g.N, big.NewInt(2)).Bytes()
	if _, _, aerr := SRPClientPremaster(&pu, "alice", "x", rand.Reader); aerr == nil || aerr.Desc != record.AlertInsufficientSecurity {
		t.Errorf("unknown group: %v", aerr)
	}
}

func atoiSuffix(name string) int {
	n := 0
	for _, c := range name[len("srp_"):] {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestStaticECDH(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, cpre, aerr := StaticECDHClient(&k.PublicKey, rand.Reader)
	if aerr != nil {
		t.Fatal(aerr)
	}
	spre, aerr := StaticECDHServer(k, pub)
	if aerr != nil || !bytes.Equal(cpre, spre) {
		t.Fatalf("premasters differ: %v", aerr)
	}
	offCurve := append([]byte{4}, bytes.Repeat([]byte{1}, 64)...)
	for name, p := range map[string][]byte{"off-curve": offCurve, "identity": {0}, "empty": {}} {
		if _, aerr := StaticECDHServer(k, p); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
			t.Errorf("%s: %v", name, aerr)
		}
	}
	if c, ok := StaticECDHCurve(&k.PublicKey); !ok || c != CurveP256 {
		t.Error("curve")
	}
	e, _ := ecdh.X25519().GenerateKey(rand.Reader)
	params := MarshalECDHEParams(CurveX25519, e.PublicKey().Bytes())
	if p, aerr := ParseECDHAnonParams(params); aerr != nil || p.Curve != CurveX25519 {
		t.Fatalf("anon params: %v", aerr)
	}
	if _, aerr := ParseECDHAnonParams(append(params, 0)); aerr == nil {
		t.Error("trailing byte accepted")
	}
}

func TestDSASignaturesInHandshake(t *testing.T) {
	k := dsaTestKey(t)
	msg := []byte("params")
	for _, v := range []Version{record.VersionTLS10, record.VersionTLS12} {
		scheme, ok := SelectSignatureScheme(k.Public(), []SignatureScheme{PKCS1WithSHA256, DSAWithSHA256}, v)
		if !ok || (v == record.VersionTLS12 && scheme != DSAWithSHA256) {
			t.Fatalf("%s: scheme %04x", v, uint16(scheme))
		}
		sig, err := SignHandshake(k, scheme, v, msg, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if aerr := VerifyHandshake(k.Public(), scheme, v == record.VersionTLS12, v, msg, sig); aerr != nil {
			t.Errorf("%s: %v", v, aerr)
		}
		if aerr := VerifyHandshake(k.Public(), scheme, v == record.VersionTLS12, v, []byte("other"), sig); aerr == nil {
			t.Errorf("%s: wrong message verified", v)
		}
	}
	if _, ok := SelectSignatureScheme(k.Public(), []SignatureScheme{PKCS1WithSHA256}, record.VersionTLS12); ok {
		t.Error("DSA key chose an RSA scheme")
	}
}

func FuzzPSKServerKeyExchange(f *testing.F) {
	f.Add(MarshalPSKServerKeyExchange([]byte("hint"), MarshalDHEParams([]byte{23}, []byte{2}, []byte{4})).Key, true)
	f.Add([]byte{0, 0}, false)
	f.Fuzz(func(t *testing.T, b []byte, dh bool) {
		if p, aerr := ParsePSKServerKeyExchange(b, dh); aerr == nil && dh && !p.HasDHGroup {
			t.Fatal("dhe_psk without group")
		}
	})
}

func FuzzPSKClientKey(f *testing.F) {
	f.Add(NewPSKClientKeyExchange([]byte("id"), []byte{1}, KXDHEPSK).Body, uint8(KXDHEPSK))
	f.Add([]byte{0, 1, 'a'}, uint8(KXPSK))
	f.Fuzz(func(t *testing.T, b []byte, kx uint8) {
		k := []KeyExchange{KXPSK, KXDHEPSK, KXRSAPSK}[int(kx)%3]
		if p, aerr := ParsePSKClientKey(b, k); aerr == nil && k != KXPSK && len(p.Rest) == 0 {
			t.Fatal("empty rest accepted")
		}
	})
}

func FuzzSRPMessages(f *testing.F) {
	srv, _ := NewSRPServer(SRPGroupByName("srp_1024"), []byte{1, 2}, []byte{3}, rand.Reader)
	f.Add(srv.Params(), true)
	f.Add(NewSRPClientKeyExchange([]byte{5}).Body, false)
	f.Fuzz(func(t *testing.T, b []byte, signed bool) {
		if p, aerr := ParseSRPServerKeyExchange(b, record.VersionTLS12, signed); aerr == nil {
			// Hostile values must end in an alert, never a panic.
			_, _, _ = SRPClientPremaster(p, "u", "p", rand.Reader)
		}
		if a, aerr := ParseSRPClientKey(b); aerr == nil {
			_, _ = srv.Premaster(a)
		}
	})
}

func FuzzDHAndECDHParams(f *testing.F) {
	f.Add(MarshalDHEParams([]byte{23}, []byte{2}, []byte{4}))
	f.Add(MarshalECDHEParams(CurveP256, []byte{4, 1, 2}))
	f.Add(ffdhe2048DER())
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, aerr := ParseDHAnonParams(b); aerr == nil {
			_, _ = ClientDHGroup(p)
		}
		_, _ = ParseECDHAnonParams(b)
		_, _ = ParseDHParamsDER(b)
	})
}
