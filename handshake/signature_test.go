// signature_test.go tests handshake signatures for every scheme and both
// legacy forms, scheme selection and key/suite matching.
package handshake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

func ecKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keyForScheme(t *testing.T, s SignatureScheme) crypto.Signer {
	switch s {
	case ECDSAWithP256AndSHA256, ECDSAWithSHA1:
		return ecKey(t, elliptic.P256())
	case ECDSAWithP384AndSHA384:
		return ecKey(t, elliptic.P384())
	case ECDSAWithP521AndSHA512:
		return ecKey(t, elliptic.P521())
	case DSAWithSHA1, DSAWithSHA256, DSAWithSHA384, DSAWithSHA512:
		return dsaTestKey(t)
	}
	return testRSAKey(t)
}

func TestSignVerifyAllSchemes(t *testing.T) {
	msg := []byte("client_random||server_random||params")
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherEC := ecKey(t, elliptic.P256())
	for _, s := range DefaultSignatureSchemes {
		key := keyForScheme(t, s)
		sig, err := SignHandshake(key, s, record.VersionTLS12, msg, rand.Reader)
		if err != nil {
			t.Fatalf("%04x: %v", uint16(s), err)
		}
		if aerr := VerifyHandshake(key.Public(), s, true, record.VersionTLS12, msg, sig); aerr != nil {
			t.Errorf("%04x: %v", uint16(s), aerr)
		}
		if aerr := VerifyHandshake(key.Public(), s, true, record.VersionTLS12, append(msg, 0), sig); aerr == nil || aerr.Desc != record.AlertDecryptError {
			t.Errorf("%04x: altered message: %v", uint16(s), aerr)
		}
		bad := append([]byte{}, sig...)
		bad[len(bad)/2] ^= 1
		if aerr := VerifyHandshake(key.Public(), s, true, record.VersionTLS12, msg, bad); aerr == nil || aerr.Desc != record.AlertDecryptError {
			t.Errorf("%04x: altered signature: %v", uint16(s), aerr)
		}
		// The same scheme from a different key.
		var wrong crypto.PublicKey = other.Public()
		if _, isEC := key.Public().(*ecdsa.PublicKey); isEC {
			wrong = otherEC.Public()
			if s == ECDSAWithP256AndSHA256 || s == ECDSAWithSHA1 {
				wrong = ecKey(t, elliptic.P256()).Public()
			}
		}
		if aerr := VerifyHandshake(wrong, s, true, record.VersionTLS12, msg, sig); aerr == nil {
			t.Errorf("%04x: wrong key accepted", uint16(s))
		}
	}
}

func TestSignatureForms(t *testing.T) {
	msg := []byte("transcript")
	k := testRSAKey(t)
	// PSS uses salt length = hash length.
	sig, err := SignHandshake(k, PSSWithSHA384, record.VersionTLS12, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := digest(crypto.SHA384, msg)
	if rsa.VerifyPSS(&k.PublicKey, crypto.SHA384, d, sig, &rsa.PSSOptions{SaltLength: 48}) != nil {
		t.Error("PSS salt is not the hash length")
	}
	// TLS 1.0/1.1 RSA: PKCS#1 over MD5||SHA-1 without DigestInfo.
	sig, err = SignHandshake(k, 0, record.VersionTLS10, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	m, s := md5.Sum(msg), sha1.Sum(msg)
	if rsa.VerifyPKCS1v15(&k.PublicKey, crypto.MD5SHA1, append(m[:], s[:]...), sig) != nil {
		t.Error("legacy RSA form")
	}
	if aerr := VerifyHandshake(&k.PublicKey, 0, false, record.VersionTLS11, msg, sig); aerr != nil {
		t.Error(aerr)
	}
	if aerr := VerifyHandshake(&k.PublicKey, 0, false, record.VersionTLS11, msg[1:], sig); aerr == nil || aerr.Desc != record.AlertDecryptError {
		t.Error("legacy RSA: altered message accepted")
	}
	// TLS 1.0/1.1 ECDSA: SHA-1.
	ek := ecKey(t, elliptic.P384())
	sig, err = SignHandshake(ek, ECDSAWithP256AndSHA256, record.VersionTLS11, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(&ek.PublicKey, s[:], sig) {
		t.Error("legacy ECDSA form")
	}
	if aerr := VerifyHandshake(&ek.PublicKey, 0, false, record.VersionTLS10, msg, sig); aerr != nil {
		t.Error(aerr)
	}
	// TLS 1.2 without a scheme is malformed.
	if aerr := VerifyHandshake(&ek.PublicKey, 0, false, record.VersionTLS12, msg, sig); aerr == nil || aerr.Desc != record.AlertDecodeError {
		t.Error("missing scheme in 1.2")
	}
	// Scheme for the wrong key type, or unknown.
	if aerr := VerifyHandshake(&ek.PublicKey, PSSWithSHA256, true, record.VersionTLS12, msg, sig); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
		t.Error("RSA scheme with EC key")
	}
	if aerr := VerifyHandshake(&k.PublicKey, 0x0807, true, record.VersionTLS12, msg, sig); aerr == nil || aerr.Desc != record.AlertIllegalParameter {
		t.Error("ed25519 scheme accepted")
	}
	if _, err := SignHandshake(ek, PKCS1WithSHA256, record.VersionTLS12, msg, rand.Reader); err == nil {
		t.Error("signed RSA scheme with EC key")
	}
	if _, err := SignHandshake(k, 0x0807, record.VersionTLS12, msg, rand.Reader); err == nil {
		t.Error("signed unknown scheme")
	}
	// In TLS 1.2 ECDSA schemes do not bind the curve: P-384 key, SHA-256.
	sig, _ = SignHandshake(ek, ECDSAWithP256AndSHA256, record.VersionTLS12, msg, rand.Reader)
	if aerr := VerifyHandshake(&ek.PublicKey, ECDSAWithP256AndSHA256, true, record.VersionTLS12, msg, sig); aerr != nil {
		t.Error(aerr)
	}
}

func TestSelectSignatureScheme(t *testing.T) {
	rk := testRSAKey(t)
	p256, p384 := ecKey(t, elliptic.P256()), ecKey(t, elliptic.P384())
	v12 := record.VersionTLS12
	cases := []struct {
		name string
		key  crypto.PublicKey
		peer []SignatureScheme
		v    Version
		want SignatureScheme
		ok   bool
	}{
		{"rsa prefers pss", rk.Public(), []SignatureScheme{PKCS1WithSHA256, PSSWithSHA384, PSSWithSHA256}, v12, PSSWithSHA256, true},
		{"rsa pkcs1 only", rk.Public(), []SignatureScheme{ECDSAWithP256AndSHA256, PKCS1WithSHA384}, v12, PKCS1WithSHA384, true},
		{"rsa signer", rk, []SignatureScheme{PKCS1WithSHA512}, v12, PKCS1WithSHA512, true},
		{"rsa none offered", rk.Public(), nil, v12, PKCS1WithSHA1, true},
		{"rsa vs ecdsa only", rk.Public(), []SignatureScheme{ECDSAWithP256AndSHA256}, v12, 0, false},
		{"p384 own curve", p384.Public(), []SignatureScheme{ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384}, v12, ECDSAWithP384AndSHA384, true},
		{"p384 fallback", p384.Public(), []SignatureScheme{PSSWithSHA256, ECDSAWithP256AndSHA256}, v12, ECDSAWithP256AndSHA256, true},
		{"p256", p256.Public(), []SignatureScheme{ECDSAWithSHA1, ECDSAWithP256AndSHA256}, v12, ECDSAWithP256AndSHA256, true},
		{"ecdsa none offered", p256.Public(), nil, v12, ECDSAWithSHA1, true},
		{"tls1.0 placeholder", p256.Public(), []SignatureScheme{ECDSAWithP256AndSHA256}, record.VersionTLS10, ECDSAWithSHA1, true},
		{"unknown key", "not a key", nil, v12, 0, false},
	}
	for _, c := range cases {
		got, ok := SelectSignatureScheme(c.key, c.peer, c.v)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %04x %v", c.name, uint16(got), ok)
		}
	}
	// A 1024-bit RSA key cannot make PSS-SHA512 (needs 130 bytes).
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := SelectSignatureScheme(small.Public(), []SignatureScheme{PSSWithSHA512, PKCS1WithSHA512}, v12); !ok || got != PKCS1WithSHA512 {
		t.Errorf("small key: %04x", uint16(got))
	}
}

func TestSchemeAllowedAndKeyMatches(t *testing.T) {
	if !SchemeAllowed(PSSWithSHA256, nil) || SchemeAllowed(0x0807, nil) || SchemeAllowed(PKCS1WithSHA1, []SignatureScheme{PSSWithSHA256}) {
		t.Error("SchemeAllowed")
	}
	rk := testRSAKey(t)
	ek := ecKey(t, elliptic.P256())
	dk := dsaTestKey(t)
	for _, s := range AllSuites() {
		var wantRSA, wantEC, wantDSA bool
		switch s.KeyExchange {
		case KXECDHEECDSA, KXECDHECDSA, KXECDHRSA:
			wantEC = true
		case KXDHEDSS, KXSRPDSS:
			wantDSA = true
		case KXDHAnon, KXECDHAnon, KXPSK, KXDHEPSK, KXSRPAnon:
			wantRSA, wantEC, wantDSA = true, true, true
		default:
			wantRSA = true
		}
		if KeyMatchesSuite(rk.Public(), s) != wantRSA || KeyMatchesSuite(ek, s) != wantEC || KeyMatchesSuite(dk, s) != wantDSA {
			t.Errorf("%s", s.Name)
		}
	}
}
