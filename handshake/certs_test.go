// certs_test.go tests PEM/DER loading of chains and keys, key–certificate
// matching and self-signed certificates.
package handshake

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestSelfSigned(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, kind := range []string{"ecdsa-p256", "rsa-2048"} {
		c, err := SelfSigned([]string{"localhost", "127.0.0.1", "::1"}, kind, rand.Reader, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.DER) != 1 || c.Leaf == nil || c.Key == nil {
			t.Fatal("incomplete chain")
		}
		pool := x509.NewCertPool()
		pool.AddCert(c.Leaf)
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: pool, CurrentTime: now}); err != nil {
				t.Errorf("%s %s: %v", kind, h, err)
			}
		}
		if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: "example.org", Roots: pool, CurrentTime: now}); err == nil {
			t.Error("verified for another host")
		}
		if !c.Leaf.NotAfter.After(now) || c.Leaf.NotBefore.After(now) {
			t.Error("validity")
		}
		if len(c.Leaf.IPAddresses) != 2 || !c.Leaf.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("IPs %v", c.Leaf.IPAddresses)
		}
	}
	if _, err := SelfSigned(nil, "dsa", rand.Reader, now); err == nil {
		t.Error("unknown kind accepted")
	}
	c, err := SelfSigned(nil, "", rand.Reader, now)
	if err != nil || c.Leaf.DNSNames[0] != "localhost" {
		t.Errorf("default host: %v", err)
	}
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestKeysAndChains(t *testing.T) {
	now := time.Now()
	rc, err := SelfSigned([]string{"a"}, "rsa-2048", rand.Reader, now)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := SelfSigned([]string{"b"}, "ecdsa-p256", rand.Reader, now)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := rc.Key.(*rsa.PrivateKey)
	ecKey := ec.Key.(*ecdsa.PrivateKey)
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	p8rsa, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	p8ec, _ := x509.MarshalPKCS8PrivateKey(ecKey)

	certPEM := append(pemOf("CERTIFICATE", rc.DER[0]), pemOf("CERTIFICATE", ec.DER[0])...)
	chain, err := LoadPEMChain(append([]byte("junk\n"), certPEM...))
	if err != nil || len(chain) != 2 || string(chain[0]) != string(rc.DER[0]) || string(chain[1]) != string(ec.DER[0]) {
		t.Fatalf("LoadPEMChain: %v", err)
	}
	if _, err := LoadPEMChain(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))); err == nil {
		t.Error("no certificate accepted")
	}

	cases := []struct {
		name string
		pem  []byte
		leaf []byte
	}{
		{"pkcs1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), rc.DER[0]},
		{"sec1 with params", append(pemOf("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}), pemOf("EC PRIVATE KEY", sec1)...), ec.DER[0]},
		{"pkcs8 rsa", pemOf("PRIVATE KEY", p8rsa), rc.DER[0]},
		{"pkcs8 ec", pemOf("PRIVATE KEY", p8ec), ec.DER[0]},
		{"combined", append(pemOf("CERTIFICATE", ec.DER[0]), pemOf("PRIVATE KEY", p8ec)...), ec.DER[0]},
	}
	for _, c := range cases {
		k, err := ParsePrivateKeyPEM(c.pem, nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if _, err := NewCertChain([][]byte{c.leaf}, k); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	// DER with Erlang's kinds.
	for kind, der := range map[string][]byte{"RSAPrivateKey": x509.MarshalPKCS1PrivateKey(rsaKey), "ECPrivateKey": sec1, "PrivateKeyInfo": p8rsa} {
		if _, err := ParsePrivateKeyDER(kind, der); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
		if _, err := ParsePrivateKeyDER(kind, der[:len(der)-3]); err == nil {
			t.Errorf("%s: truncated key accepted", kind)
		}
	}
	for _, kind := range []string{"DSAPrivateKey", "Foo"} {
		if _, err := ParsePrivateKeyDER(kind, p8rsa); err == nil {
			t.Errorf("%s accepted", kind)
		}
	}

	// Mismatch.
	_, err = NewCertChain(rc.DER, ec.Key)
	if !errors.Is(err, ErrKeyMismatch) || !strings.Contains(err.Error(), "key does not match certificate") {
		t.Errorf("mismatch: %v", err)
	}
	if _, err := NewCertChain(nil, ec.Key); err == nil {
		t.Error("empty chain")
	}
	if _, err := NewCertChain([][]byte{{1, 2, 3}}, ec.Key); err == nil {
		t.Error("garbage certificate")
	}
	if _, err := ParsePrivateKeyPEM(certPEM, nil); err == nil {
		t.Error("no key accepted")
	}

	// Encrypted keys.
	if _, err := ParsePrivateKeyPEM(pemOf("ENCRYPTED PRIVATE KEY", []byte{1}), nil); !errors.Is(err, ErrKeyPasswordProtected) {
		t.Errorf("pkcs8 encrypted: %v", err)
	}
	//lint:ignore SA1019 testing the legacy format.
	blk, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("secret"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	enc := pem.EncodeToMemory(blk)
	if _, err := ParsePrivateKeyPEM(enc, nil); !errors.Is(err, ErrKeyPasswordProtected) || !strings.Contains(err.Error(), "keyfile is password-protected") {
		t.Errorf("no password: %v", err)
	}
	k, err := ParsePrivateKeyPEM(enc, []byte("secret"))
	if err != nil || !k.(*rsa.PrivateKey).Equal(rsaKey) {
		t.Errorf("with password: %v", err)
	}
	if _, err := ParsePrivateKeyPEM(enc, []byte("wrong")); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("wrong password: %v", err)
	}
}
