// keyexchange.go holds the key exchanges: ephemeral ECDH (RFC 8422) with
// peer-point checks and curve selection, and RSA key transport of the
// pre-master secret with the Bleichenbacher countermeasure (RFC 5246 §7.4.7.1).
package handshake

import (
	"crypto/ecdh"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"

	"github.com/erlang-ssl-go/ssl/record"
)

// PreMasterLen is the length of an RSA-transported pre-master secret.
const PreMasterLen = 48

// ECDHCurve maps a named group to its crypto/ecdh curve.
func ECDHCurve(c CurveID) (ecdh.Curve, bool) {
	switch c {
	case CurveX25519:
		return ecdh.X25519(), true
	case CurveP256:
		return ecdh.P256(), true
	case CurveP384:
		return ecdh.P384(), true
	case CurveP521:
		return ecdh.P521(), true
	}
	return nil, false
}

// CurveName returns the Erlang name of a named group (x25519, secp256r1, ...).
func CurveName(c CurveID) string {
	switch c {
	case CurveX25519:
		return "x25519"
	case CurveP256:
		return "secp256r1"
	case CurveP384:
		return "secp384r1"
	case CurveP521:
		return "secp521r1"
	}
	return fmt.Sprintf("curve(%d)", uint16(c))
}

// GenerateECDHE makes an ephemeral key pair on curve. Its PublicKey().Bytes()
// is the ECPoint to send (uncompressed for NIST curves, RFC 8422 §5.4).
func GenerateECDHE(curve CurveID, rand io.Reader) (*ecdh.PrivateKey, error) {
	c, ok := ECDHCurve(curve)
	if !ok {
		return nil, fmt.Errorf("handshake: unsupported curve %s", CurveName(curve))
	}
	return c.GenerateKey(rand)
}

// ECDHESharedSecret computes the pre-master secret from our ephemeral key
// and the peer's public point. Malformed, off-curve, compressed or identity
// points, and an all-zero X25519 result, are an illegal_parameter alert
// (RFC 8422 §5.11, RFC 7748 §6.1).
func ECDHESharedSecret(priv *ecdh.PrivateKey, peerPublic []byte) ([]byte, *record.AlertError) {
	if priv == nil {
		return nil, record.Fatal(record.AlertInternalError, "no ephemeral key")
	}
	pub, err := priv.Curve().NewPublicKey(peerPublic)
	if err != nil {
		return nil, record.Fatal(record.AlertIllegalParameter, "invalid ECDHE public key")
	}
	shared, err := priv.ECDH(pub)
	if err != nil {
		return nil, record.Fatal(record.AlertIllegalParameter, "invalid ECDHE shared secret")
	}
	return shared, nil
}

// SelectCurve picks the group the server uses: the first of ours (in our
// preference order; DefaultCurves when ours is nil) that the client offered
// and that we implement.
func SelectCurve(clientCurves []CurveID, ours []CurveID) (CurveID, bool) {
	if ours == nil {
		ours = DefaultCurves
	}
	for _, c := range ours {
		if _, ok := ECDHCurve(c); !ok {
			continue
		}
		for _, cc := range clientCurves {
			if cc == c {
				return c, true
			}
		}
	}
	return 0, false
}

// RSAEncryptPremaster makes the client's pre-master secret (client_version
// followed by 46 random bytes) and encrypts it to the server's key with
// PKCS#1 v1.5 (RFC 5246 §7.4.7.1). clientVersion is the version offered in
// the ClientHello, not the negotiated one.
func RSAEncryptPremaster(pub *rsa.PublicKey, clientVersion Version, rand io.Reader) (premaster, encrypted []byte, err error) {
	if pub == nil {
		return nil, nil, errors.New("handshake: no RSA public key")
	}
	premaster = make([]byte, PreMasterLen)
	premaster[0], premaster[1] = byte(clientVersion>>8), byte(clientVersion)
	if _, err := io.ReadFull(rand, premaster[2:]); err != nil {
		return nil, nil, fmt.Errorf("handshake: reading random: %w", err)
	}
	encrypted, err = rsa.EncryptPKCS1v15(rand, pub, premaster)
	if err != nil {
		return nil, nil, fmt.Errorf("handshake: RSA encryption of pre-master secret: %w", err)
	}
	return premaster, encrypted, nil
}

// RSADecryptPremaster recovers the pre-master secret on the server. Per
// RFC 5246 §7.4.7.1 it never fails and never behaves differently on bad
// input: 48 random bytes are drawn first; the PKCS#1 v1.5 decryption writes
// into them only if the padding is right (in constant time), and a wrong
// version in the first two bytes selects the random bytes, again in constant
// time. A bad ciphertext then simply yields a pre-master secret the client
// does not know, and the handshake fails at Finished with no oracle.
// clientHelloVersion is the client_version of the ClientHello.
func RSADecryptPremaster(priv *rsa.PrivateKey, enc []byte, clientHelloVersion Version, rand io.Reader) []byte {
	pre := make([]byte, PreMasterLen)
	// Should rand fail, the fallback is zeros; a bad ciphertext still ends
	// in a Finished mismatch, which is all the countermeasure needs.
	_, _ = io.ReadFull(rand, pre)
	fallback := make([]byte, PreMasterLen)
	copy(fallback, pre)
	if priv == nil {
		return pre
	}
	// The only errors are a ciphertext of the wrong length or a tiny key;
	// both are public facts, and pre is left random.
	_ = rsa.DecryptPKCS1v15SessionKey(nil, priv, enc, pre)
	good := subtle.ConstantTimeByteEq(pre[0], byte(clientHelloVersion>>8)) &
		subtle.ConstantTimeByteEq(pre[1], byte(clientHelloVersion))
	subtle.ConstantTimeCopy(1-good, pre, fallback)
	return pre
}
