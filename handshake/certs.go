// certs.go holds certificate chains and private keys: PEM/DER loading in
// the forms Erlang's certfile/keyfile/key/password options accept
// (encrypted keys: pkcs8enc.go; DSA: dsakey.go), key–certificate matching,
// and self-signed certificates for demos and tests.
package handshake

import (
	"bytes"
	"crypto"
	"crypto/dsa" //nolint:staticcheck // DSA certificates' keys come as *dsa.PublicKey.
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

// ErrKeyPasswordProtected is returned for an encrypted key when no
// password is given.
var ErrKeyPasswordProtected = errors.New("keyfile is password-protected")

// ErrKeyMismatch is returned when a private key does not belong to the leaf.
var ErrKeyMismatch = errors.New("key does not match certificate")

// LoadPEMChain returns the DER of every CERTIFICATE block in certPEM, in
// order; other blocks are skipped. No certificate at all is an error.
func LoadPEMChain(certPEM []byte) ([][]byte, error) {
	return CertificatesFromBlocks(decodeAllPEM(certPEM))
}

// CertificatesFromBlocks returns the DER of every CERTIFICATE block (also
// the old "X509 CERTIFICATE" spelling), in order; no certificate is an
// error. The blocks are not modified (they may be shared by a PEM cache).
func CertificatesFromBlocks(blocks []*pem.Block) ([][]byte, error) {
	var out [][]byte
	for _, b := range blocks {
		if b.Type == "CERTIFICATE" || b.Type == "X509 CERTIFICATE" {
			out = append(out, b.Bytes)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("handshake: no CERTIFICATE block in PEM data")
	}
	return out, nil
}

func decodeAllPEM(data []byte) []*pem.Block {
	var out []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		out = append(out, b)
	}
}

// pemKeyKinds maps PEM block types to Erlang's key type names.
var pemKeyKinds = map[string]string{
	"RSA PRIVATE KEY":       "RSAPrivateKey",
	"EC PRIVATE KEY":        "ECPrivateKey",
	"PRIVATE KEY":           "PrivateKeyInfo",
	"ENCRYPTED PRIVATE KEY": "PrivateKeyInfo", // after decryption
	"DSA PRIVATE KEY":       "DSAPrivateKey",
}

// ParsePrivateKeyPEM returns the first private key in keyPEM; see
// ParsePrivateKeyBlocks.
func ParsePrivateKeyPEM(keyPEM []byte, password []byte) (crypto.Signer, error) {
	return ParsePrivateKeyBlocks(decodeAllPEM(keyPEM), password)
}

// ParsePrivateKeyBlocks returns the first private key among blocks: RSA
// PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC 1), DSA PRIVATE KEY (OpenSSL),
// PRIVATE KEY (PKCS#8: RSA, EC, Ed25519, DSA) or ENCRYPTED PRIVATE KEY
// (PKCS#8 with PBES2). Other blocks (certificates, EC or DSA PARAMETERS)
// are skipped, so a combined cert+key file works. Legacy OpenSSL encryption
// (Proc-Type: 4,ENCRYPTED) is also decrypted with password; password is
// ignored for a key that is not encrypted.
//
// Errors: ErrKeyPasswordProtected (encrypted, no password),
// ErrWrongPassword, ErrKeyEncryptionUnsupported, or a malformed-key error.
// The password never appears in an error. blocks are not modified.
func ParsePrivateKeyBlocks(blocks []*pem.Block, password []byte) (crypto.Signer, error) {
	for _, b := range blocks {
		kind, ok := pemKeyKinds[b.Type]
		if !ok {
			continue
		}
		der, encrypted, err := decryptPEMKey(b, password)
		if err != nil {
			return nil, fmt.Errorf("handshake: %w", err)
		}
		k, err := ParsePrivateKeyDER(kind, der)
		if err != nil && encrypted {
			// Padding happened to check out (1 in 256 for a wrong
			// password) but the plaintext is no key.
			return nil, fmt.Errorf("handshake: %w", ErrWrongPassword)
		}
		return k, err
	}
	return nil, errors.New("handshake: no private key in PEM data")
}

// ParsePrivateKeyDER parses a DER private key of Erlang's kind
// 'RSAPrivateKey', 'ECPrivateKey', 'DSAPrivateKey' (OpenSSL's form) or
// 'PrivateKeyInfo' (PKCS#8, including DSA). DSA keys come back as *DSAKey.
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
			// crypto/x509 does not parse DSA in PKCS#8: try it ourselves.
			if dk, isDSA, derr := parsePKCS8DSA(der); isDSA {
				if derr != nil {
					return nil, derr
				}
				return dk, nil
			}
			return nil, errors.New("handshake: malformed PKCS#8 private key")
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("handshake: unsupported private key type %T", k)
		}
		return s, nil
	case "DSAPrivateKey":
		return parseDSAPrivateKey(der)
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
	if !publicKeysEqual(key.Public(), leaf.PublicKey) {
		return nil, fmt.Errorf("handshake: %w", ErrKeyMismatch)
	}
	out := &CertChain{DER: make([][]byte, len(der)), Leaf: leaf, Key: key}
	for i, d := range der {
		out.DER[i] = bytes.Clone(d)
	}
	return out, nil
}

// publicKeysEqual compares a key's public half with a certificate's key.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	if da, ok := a.(*dsa.PublicKey); ok {
		db, ok := b.(*dsa.PublicKey)
		return ok && equalDSA(da, db)
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
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
