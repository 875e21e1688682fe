// Package benchkit holds the benchmark workloads shared by bench_test.go and
// `ssl bench`: full handshakes, bulk transfer to an owner actor and idle
// connection memory, each for our stack and for Go's crypto/tls as the
// reference, all over loopback in one process.
package benchkit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/erlang-ssl-go/ssl"
)

// ChunkSize is the size of every write in the bulk benchmark.
const ChunkSize = 16 << 10

// timeout bounds every single handshake or wait, so a wedged run fails
// instead of hanging.
const timeout = 30 * time.Second

// Cert is one self-signed server certificate in both stacks' forms.
type Cert struct {
	Kind   string // "ecdsa" (P-256) or "rsa" (2048)
	DER    []byte
	KeyDER []byte // PKCS#8
	TLS    tls.Certificate
	Pool   *x509.CertPool
}

// Suite returns the OpenSSL name of the AES-128-GCM ECDHE suite for the
// certificate's key type; both stacks are pinned to it.
func (c *Cert) Suite() string {
	if c.Kind == "rsa" {
		return "ECDHE-RSA-AES128-GCM-SHA256"
	}
	return "ECDHE-ECDSA-AES128-GCM-SHA256"
}

func (c *Cert) tlsSuite() uint16 {
	if c.Kind == "rsa" {
		return tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	}
	return tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
}

// NewCert makes a self-signed certificate for "localhost" and 127.0.0.1;
// kind is "ecdsa" (P-256) or "rsa" (2048 bits).
func NewCert(kind string) (*Cert, error) {
	var key crypto.Signer
	var err error
	usage := x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
	switch kind {
	case "ecdsa":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, fmt.Errorf("benchkit: unknown key kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &Cert{
		Kind:   kind,
		DER:    der,
		KeyDER: keyDER,
		TLS:    tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		Pool:   pool,
	}, nil
}

// OursServerOptions are the listen options for our server with cert.
func OursServerOptions(c *Cert) ssl.Options {
	return ssl.Options{
		Cert:         [][]byte{c.DER},
		Key:          &ssl.Key{Type: "PrivateKeyInfo", DER: c.KeyDER},
		CipherString: c.Suite(),
		Versions:     []ssl.Version{ssl.TLSv1_2},
	}
}

// OursClientOptions are the connect options for our client: it verifies
// the server's certificate and host name, like the crypto/tls client.
func OursClientOptions(c *Cert) ssl.Options {
	return ssl.Options{
		Verify:               ssl.VerifyPeer,
		CACerts:              [][]byte{c.DER},
		ServerNameIndication: "localhost",
		CipherString:         c.Suite(),
		Versions:             []ssl.Version{ssl.TLSv1_2},
	}
}

// TLSServerConfig is crypto/tls's server side: TLS 1.2, the same suite,
// no session tickets (every handshake is full).
func TLSServerConfig(c *Cert) *tls.Config {
	return &tls.Config{
		Certificates:           []tls.Certificate{c.TLS},
		MinVersion:             tls.VersionTLS12,
		MaxVersion:             tls.VersionTLS12,
		CipherSuites:           []uint16{c.tlsSuite()},
		SessionTicketsDisabled: true,
	}
}

// TLSClientConfig is crypto/tls's client side: it verifies like ours and
// has no session cache (every handshake is full).
func TLSClientConfig(c *Cert) *tls.Config {
	return &tls.Config{
		RootCAs:      c.Pool,
		ServerName:   "localhost",
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{c.tlsSuite()},
	}
}

func port(a net.Addr) int { return a.(*net.TCPAddr).Port }

// firstErr keeps the first error reported by background goroutines.
type firstErr struct{ ch chan error }

func newFirstErr() *firstErr { return &firstErr{ch: make(chan error, 1)} }

func (f *firstErr) set(err error) {
	if err == nil {
		return
	}
	select {
	case f.ch <- err:
	default:
	}
}

func (f *firstErr) get() error {
	select {
	case err := <-f.ch:
		f.set(err)
		return err
	default:
		return nil
	}
}

var errTimeout = errors.New("benchkit: timed out")
