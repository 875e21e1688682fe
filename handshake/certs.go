// certs.go holds certificate chains and private keys: PEM/DER loading in
// the forms Erlang's certfile/keyfile/key options accept, key–certificate
// matching, and self-signed certificates for demos and tests.
package handshake

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"
)

// CertChain is our own certificate chain and its private key.
type CertChain struct {
	DER  [][]byte // leaf first
	Leaf *x509.Certificate
	Key  crypto.Signer
}

// ErrKeyPasswordProtected is returned for an encrypted key file when no
// password is given or the format is not supported.
var ErrKeyPasswordProtected = errors.New("keyfile is password-protected")

// ErrKeyMismatch is returned when a private key does not belong to the leaf.
var ErrKeyMismatch = errors.New("key does not match certificate")

// LoadPEMChain returns the DER of every CERTIFICATE block in certPEM, in
// order; other blocks are skipped. No certificate at all is an error.
func LoadPEMChain(certPEM []byte) ([][]byte, error) {
	var out [][]byte
	rest := certPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			out = append(out, b.Bytes)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("handshake: no CERTIFICATE block in PEM data")
	}
	return out, nil
}

// pemKeyKinds maps PEM block types to Erlang's key type names.
var pemKeyKinds = map[string]string{
	"RSA PRIVATE KEY": "RSAPrivateKey",
	"EC PRIVATE KEY":  "ECPrivateKey",
	"PRIVATE KEY":     "PrivateKeyInfo",
	"DSA PRIVATE KEY": "DSAPrivateKey",
}

// ParsePrivateKeyPEM returns the first private key in keyPEM: RSA PRIVATE
// KEY (PKCS#1), EC PRIVATE KEY (SEC 1) or PRIVATE KEY (PKCS#8). Other blocks
// (certificates, EC PARAMETERS) are skipped, so a combined cert+key file
// works. Legacy OpenSSL encryption (Proc-Type: 4,ENCRYPTED) is decrypted with
// password; encrypted PKCS#8 is not supported (ErrKeyPasswordProtected).
func ParsePrivateKeyPEM(keyPEM []byte, password []byte) (crypto.Signer, error) {
	rest := keyPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("handshake: no private key in PEM data")
		}
		if b.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, fmt.Errorf("handshake: %w (encrypted PKCS#8 is not supported; convert with openssl pkey)", ErrKeyPasswordProtected)
		}
		kind, ok := pemKeyKinds[b.Type]
		if !ok {
			continue
		}
		der := b.Bytes
		//lint:ignore SA1019 legacy PEM encryption is what old key files use.
		if x509.IsEncryptedPEMBlock(b) { //nolint:staticcheck
			if len(password) == 0 {
				return nil, fmt.Errorf("handshake: %w", ErrKeyPasswordProtected)
			}
			var err error
			der, err = x509.DecryptPEMBlock(b, password) //nolint:staticcheck
			if err != nil {
				return nil, errors.New("handshake: cannot decrypt keyfile (wrong password?)")
			}
		}
		return ParsePrivateKeyDER(kind, der)
	}
}

// ParsePrivateKeyDER parses a DER private key of Erlang's kind
// 'RSAPrivateKey', 'ECPrivateKey', 'PrivateKeyInfo' (PKCS#8) or
// 'DSAPrivateKey' (not supported: Go has no DSA TLS signing).
func ParsePrivateKeyDER(kind string, der []byte) (crypto.Signer, error) {
	switch kind {
	case "RSAPrivateKey":
		k, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			return nil, errors.New("handshake: malformed RSA private key")
		}
		return k, nil
	case "ECPrivateKey":
		k, err := x509.ParseECPrivateKey(der)
		if err != nil {
			return nil, errors.New("handshake: malformed EC private key")
		}
		return k, nil
	case "PrivateKeyInfo":
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, errors.New("handshake: malformed PKCS#8 private key")
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("handshake: unsupported private key type %T", k)
		}
		return s, nil
	case "DSAPrivateKey":
		return nil, errors.New("handshake: DSA keys are not supported")
	}
	return nil, fmt.Errorf("handshake: unknown private key kind %q", kind)
}

// NewCertChain builds a chain from DER certificates (leaf first) and the
// leaf's private key, checking that the key matches the leaf.
func NewCertChain(der [][]byte, key crypto.Signer) (*CertChain, error) {
	if len(der) == 0 {
		return nil, errors.New("handshake: empty certificate chain")
	}
	if len(der) > MaxCertChainLen {
		return nil, fmt.Errorf("handshake: certificate chain longer than %d", MaxCertChainLen)
	}
	if key == nil {
		return nil, errors.New("handshake: no private key")
	}
	leaf, err := x509.ParseCertificate(der[0])
	if err != nil {
		return nil, fmt.Errorf("handshake: parsing leaf certificate: %w", err)
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := key.Public().(equaler)
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, fmt.Errorf("handshake: %w", ErrKeyMismatch)
	}
	out := &CertChain{DER: make([][]byte, len(der)), Leaf: leaf, Key: key}
	for i, d := range der {
		out.DER[i] = bytes.Clone(d)
	}
	return out, nil
}

// SelfSigned makes a self-signed certificate (usable as its own trust
// anchor) for hosts (DNS names or IP addresses; "localhost" when empty),
// valid from an hour before now for one year. kind is "ecdsa-p256" (the
// default when empty) or "rsa-2048".
func SelfSigned(hosts []string, kind string, rand io.Reader, now time.Time) (*CertChain, error) {
	var key crypto.Signer
	var err error
	usage := x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
	switch kind {
	case "", "ecdsa-p256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand)
	case "rsa-2048":
		key, err = rsa.GenerateKey(rand, 2048)
		usage |= x509.KeyUsageKeyEncipherment // RSA key exchange
	default:
		return nil, fmt.Errorf("handshake: unknown key kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("handshake: generating key: %w", err)
	}
	if len(hosts) == 0 {
		hosts = []string{"localhost"}
	}
	serial, err := randSerial(rand)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"erlang-ssl-go self-signed"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("handshake: creating certificate: %w", err)
	}
	return NewCertChain([][]byte{der}, key)
}

func randSerial(rand io.Reader) (*big.Int, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("handshake: reading random: %w", err)
	}
	b[0] &= 0x7f
	b[0] |= 0x01 // positive and non-zero
	return new(big.Int).SetBytes(b), nil
}
