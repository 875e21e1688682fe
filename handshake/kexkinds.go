// kexkinds.go classifies the key exchanges (which messages each one sends,
// whether it needs a certificate, a PSK or SRP credentials) and holds the
// static and anonymous ECDH pieces (RFC 8422 §2.1–§2.5) and the unsigned
// anonymous DH parameters (RFC 5246 §7.4.3, dh_anon).
package handshake

import (
	"crypto/ecdsa"
	"crypto/x509"
	"io"

	"golang.org/x/crypto/cryptobyte"

	"github.com/erlang-ssl-go/ssl/record"
)

// NeedsCertificate reports whether the server sends a Certificate.
func (k KeyExchange) NeedsCertificate() bool {
	switch k {
	case KXDHAnon, KXECDHAnon, KXPSK, KXDHEPSK, KXSRPAnon:
		return false
	}
	return true
}

// Anonymous reports whether the server is not authenticated at all
// (dh_anon, ecdh_anon): these suites are never on by default.
func (k KeyExchange) Anonymous() bool { return k == KXDHAnon || k == KXECDHAnon }

// IsPSK reports psk, dhe_psk and rsa_psk (RFC 4279).
func (k KeyExchange) IsPSK() bool { return k == KXPSK || k == KXDHEPSK || k == KXRSAPSK }

// IsSRP reports srp_anon, srp_rsa and srp_dss (RFC 5054).
func (k KeyExchange) IsSRP() bool { return k == KXSRPAnon || k == KXSRPRSA || k == KXSRPDSS }

// IsFFDH reports the finite-field ephemeral key exchanges.
func (k KeyExchange) IsFFDH() bool {
	return k == KXDHERSA || k == KXDHEDSS || k == KXDHAnon || k == KXDHEPSK
}

// IsECDH reports the key exchanges on an elliptic curve (ephemeral, static,
// anonymous): they need supported_groups in the ClientHello.
func (k KeyExchange) IsECDH() bool {
	switch k {
	case KXECDHEECDSA, KXECDHERSA, KXECDHAnon, KXECDHECDSA, KXECDHRSA:
		return true
	}
	return false
}

// SignedServerKeyExchange reports whether the ServerKeyExchange carries a
// signature by the certificate's key.
func (k KeyExchange) SignedServerKeyExchange() bool {
	switch k {
	case KXECDHEECDSA, KXECDHERSA, KXDHERSA, KXDHEDSS, KXSRPRSA, KXSRPDSS:
		return true
	}
	return false
}

// ServerKeyExchangeRequired reports whether the server must send a
// ServerKeyExchange. For psk and rsa_psk it is optional (only when there is
// an identity hint, RFC 4279 §2); rsa and static ECDH never send one.
func (k KeyExchange) ServerKeyExchangeRequired() bool {
	switch k {
	case KXRSA, KXECDHECDSA, KXECDHRSA, KXPSK, KXRSAPSK:
		return false
	}
	return true
}

// ServerKeyExchangeAllowed reports whether a ServerKeyExchange may come.
func (k KeyExchange) ServerKeyExchangeAllowed() bool {
	return k.ServerKeyExchangeRequired() || k == KXPSK || k == KXRSAPSK
}

// CertMatchesSuite is KeyMatchesSuite plus RFC 8422 §2.3: for ecdh_rsa the
// EC certificate must be signed with RSA, for ecdh_ecdsa with ECDSA.
func CertMatchesSuite(leaf *x509.Certificate, s *Suite) bool {
	if leaf == nil {
		return !s.KeyExchange.NeedsCertificate()
	}
	if !KeyMatchesSuite(leaf.PublicKey, s) {
		return false
	}
	switch s.KeyExchange {
	case KXECDHRSA:
		switch leaf.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
			x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
			return true
		}
		return false
	case KXECDHECDSA:
		switch leaf.SignatureAlgorithm {
		case x509.ECDSAWithSHA1, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
			return true
		}
		return false
	}
	return true
}

// StaticECDHCurve returns the named group of an EC certificate key (for
// ecdh_ecdsa/ecdh_rsa the certificate's curve is the exchange's curve).
func StaticECDHCurve(pub any) (CurveID, bool) {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return 0, false
	}
	switch k.Curve.Params().Name {
	case "P-256":
		return CurveP256, true
	case "P-384":
		return CurveP384, true
	case "P-521":
		return CurveP521, true
	}
	return 0, false
}

// StaticECDHClient runs the client side of ecdh_ecdsa/ecdh_rsa (RFC 8422
// §2.1, §2.3): an ephemeral key on the certificate's curve and the shared
// secret with the certificate's key. It returns our public point and the
// pre-master secret.
func StaticECDHClient(certPub any, rnd io.Reader) (pub, premaster []byte, aerr *record.AlertError) {
	k, ok := certPub.(*ecdsa.PublicKey)
	if !ok {
		return nil, nil, record.Fatal(record.AlertUnsupportedCertificate, "static ECDH needs an EC certificate")
	}
	peer, err := k.ECDH()
	if err != nil {
		return nil, nil, record.Fatal(record.AlertUnsupportedCertificate, "unsupported curve in the server certificate")
	}
	priv, err := peer.Curve().GenerateKey(rnd)
	if err != nil {
		return nil, nil, record.Fatal(record.AlertInternalError, "ECDH key generation failed")
	}
	shared, err := priv.ECDH(peer)
	if err != nil {
		return nil, nil, record.Fatal(record.AlertIllegalParameter, "invalid ECDH shared secret")
	}
	return priv.PublicKey().Bytes(), shared, nil
}

// StaticECDHServer computes the pre-master secret of ecdh_ecdsa/ecdh_rsa on
// the server: ECDH between the certificate's private key and the client's
// ephemeral point. Off-curve or malformed points are illegal_parameter.
func StaticECDHServer(key any, clientPub []byte) ([]byte, *record.AlertError) {
	k, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, record.Fatal(record.AlertInternalError, "static ECDH without an EC private key")
	}
	priv, err := k.ECDH()
	if err != nil {
		return nil, record.Fatal(record.AlertInternalError, "unsupported curve in our certificate")
	}
	return ECDHESharedSecret(priv, clientPub)
}

// ParseECDHAnonParams decodes an ecdh_anon ServerKeyExchange: ServerECDHParams
// with no signature (RFC 8422 §5.4, ec_diffie_hellman with anonymous).
func ParseECDHAnonParams(ske []byte) (*ECDHEParams, *record.AlertError) {
	s := cryptobyte.String(ske)
	var curveType uint8
	var curve uint16
	var pub cryptobyte.String
	if !s.ReadUint8(&curveType) {
		return nil, msgDecodeErr("malformed ECDH server params")
	}
	if curveType != ecCurveTypeNamed {
		return nil, msgIllegal("ECDH server params: curve type is not named_curve")
	}
	if !s.ReadUint16(&curve) || !s.ReadUint8LengthPrefixed(&pub) || pub.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed ECDH server params")
	}
	return &ECDHEParams{Curve: CurveID(curve), Public: pub, Signed: ske}, nil
}

// ParseDHAnonParams decodes a dh_anon ServerKeyExchange: ServerDHParams with
// no signature (RFC 5246 §7.4.3).
func ParseDHAnonParams(ske []byte) (*DHEParams, *record.AlertError) {
	s := cryptobyte.String(ske)
	var p, g, y cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&p) || p.Empty() ||
		!s.ReadUint16LengthPrefixed(&g) || g.Empty() ||
		!s.ReadUint16LengthPrefixed(&y) || y.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed DH server params")
	}
	return &DHEParams{P: p, G: g, Public: y, Signed: ske}, nil
}
