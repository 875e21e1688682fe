// certs_test.go builds the test PKI shared by the interop tests: a root CA,
// ECDSA and RSA server leaves for localhost/127.0.0.1, a client leaf, and a
// second, untrusted CA; everything is written as PEM for the external peers.
package test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// leaf is one certificate with its key, in every form the peers want.
type leaf struct {
	DER      []byte
	Cert     *x509.Certificate
	Key      crypto.Signer
	CertFile string // PEM certificate
	KeyFile  string // PEM key (SEC1 for EC, PKCS#1 for RSA)
}

// Options returns our library's cert/key options for this leaf.
func (l *leaf) Options(o *ssl.Options) {
	o.CertFile, o.KeyFile = l.CertFile, l.KeyFile
}

// TLS returns the leaf as a crypto/tls certificate.
func (l *leaf) TLS() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{l.DER}, PrivateKey: l.Key, Leaf: l.Cert}
}

// pki is the whole test PKI.
type pki struct {
	Dir         string
	CA          *x509.Certificate
	CAFile      string // PEM of the trusted root
	CAPool      *x509.CertPool
	ECDSA       *leaf // server leaf, P-256
	RSA         *leaf // server leaf, RSA-2048
	Client      *leaf // client leaf, P-256
	OtherCAFile string
	Untrusted   *leaf // server leaf (P-256) issued by the other CA
}

var (
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
	pkiDir  string
)

// testPKI returns the shared PKI, generated once per test binary; its files
// live in a directory TestMain removes.
func testPKI(t testing.TB) *pki {
	t.Helper()
	pkiOnce.Do(func() { pkiVal, pkiErr = newPKI(pkiDir) })
	if pkiErr != nil {
		t.Fatalf("test PKI: %v", pkiErr)
	}
	return pkiVal
}

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "ssl-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pkiDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

func newPKI(dir string) (*pki, error) {
	p := &pki{Dir: dir}
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca, caDER, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "interop test root CA", Organization: []string{"erlang-ssl-go tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, caKey, caKey)
	if err != nil {
		return nil, err
	}
	p.CA = ca
	p.CAPool = x509.NewCertPool()
	p.CAPool.AddCert(ca)
	if p.CAFile, err = writePEM(dir, "ca.pem", "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	serverTmpl := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn},
			DNSNames:    []string{"localhost"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(24 * time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
	}
	if p.ECDSA, err = newLeaf(dir, "server-ecdsa", "ecdsa", serverTmpl("localhost"), ca, caKey); err != nil {
		return nil, err
	}
	if p.RSA, err = newLeaf(dir, "server-rsa", "rsa", serverTmpl("localhost"), ca, caKey); err != nil {
		return nil, err
	}
	if p.Client, err = newLeaf(dir, "client", "ecdsa", &x509.Certificate{
		Subject:     pkix.Name{CommonName: "interop client"},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, caKey); err != nil {
		return nil, err
	}
	// A second CA nobody trusts, and a server leaf from it.
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	other, otherDER, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "untrusted CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, otherKey, otherKey)
	if err != nil {
		return nil, err
	}
	if p.OtherCAFile, err = writePEM(dir, "other-ca.pem", "CERTIFICATE", otherDER); err != nil {
		return nil, err
	}
	if p.Untrusted, err = newLeaf(dir, "server-untrusted", "ecdsa", serverTmpl("localhost"), other, otherKey); err != nil {
		return nil, err
	}
	return p, nil
}

// issue signs tmpl with parentKey (self-signed when parent is nil).
func issue(tmpl, parent *x509.Certificate, pub crypto.Signer, parentKey crypto.Signer) (*x509.Certificate, []byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub.Public(), parentKey)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	return c, der, err
}

func newLeaf(dir, name, kind string, tmpl, ca *x509.Certificate, caKey crypto.Signer) (*leaf, error) {
	var key crypto.Signer
	var keyDER []byte
	var keyType string
	switch kind {
	case "ecdsa":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		if keyDER, err = x509.MarshalECPrivateKey(k); err != nil {
			return nil, err
		}
		key, keyType = k, "EC PRIVATE KEY"
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		key, keyDER, keyType = k, x509.MarshalPKCS1PrivateKey(k), "RSA PRIVATE KEY"
	}
	cert, der, err := issue(tmpl, ca, key, caKey)
	if err != nil {
		return nil, err
	}
	l := &leaf{DER: der, Cert: cert, Key: key}
	if l.CertFile, err = writePEM(dir, name+".pem", "CERTIFICATE", der); err != nil {
		return nil, err
	}
	if l.KeyFile, err = writePEM(dir, name+".key", keyType, keyDER); err != nil {
		return nil, err
	}
	return l, nil
}

func writePEM(dir, name, typ string, der []byte) (string, error) {
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// serverLeaf returns the server certificate a suite needs: ECDSA for
// ECDHE-ECDSA, RSA otherwise.
func (p *pki) serverLeaf(s *handshake.Suite) *leaf {
	if isECDSA(s) {
		return p.ECDSA
	}
	return p.RSA
}
