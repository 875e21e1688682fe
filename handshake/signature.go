// signature.go holds handshake signatures (ServerKeyExchange and
// CertificateVerify): signing and verifying for TLS 1.2 signature schemes and
// the TLS 1.0/1.1 legacy forms, scheme selection, and key/suite matching.
package handshake

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // dhe_dss and srp_dss need DSA signatures.
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"

	"github.com/erlang-ssl-go/ssl/record"
)

// DSA signature schemes (RFC 5246 §7.4.1.4.1: hash << 8 | dsa(2)).
const (
	DSAWithSHA1   SignatureScheme = 0x0202
	DSAWithSHA256 SignatureScheme = 0x0402
	DSAWithSHA384 SignatureScheme = 0x0502
	DSAWithSHA512 SignatureScheme = 0x0602
)

type sigAlg int

const (
	sigUnknown sigAlg = iota
	sigPKCS1
	sigPSS
	sigECDSA
	sigDSA
)

// schemeParams returns the signature algorithm and hash of a scheme.
func schemeParams(s SignatureScheme) (sigAlg, crypto.Hash) {
	switch s {
	case PKCS1WithSHA1:
		return sigPKCS1, crypto.SHA1
	case PKCS1WithSHA256:
		return sigPKCS1, crypto.SHA256
	case PKCS1WithSHA384:
		return sigPKCS1, crypto.SHA384
	case PKCS1WithSHA512:
		return sigPKCS1, crypto.SHA512
	case PSSWithSHA256:
		return sigPSS, crypto.SHA256
	case PSSWithSHA384:
		return sigPSS, crypto.SHA384
	case PSSWithSHA512:
		return sigPSS, crypto.SHA512
	case ECDSAWithSHA1:
		return sigECDSA, crypto.SHA1
	case ECDSAWithP256AndSHA256:
		return sigECDSA, crypto.SHA256
	case ECDSAWithP384AndSHA384:
		return sigECDSA, crypto.SHA384
	case ECDSAWithP521AndSHA512:
		return sigECDSA, crypto.SHA512
	case DSAWithSHA1:
		return sigDSA, crypto.SHA1
	case DSAWithSHA256:
		return sigDSA, crypto.SHA256
	case DSAWithSHA384:
		return sigDSA, crypto.SHA384
	case DSAWithSHA512:
		return sigDSA, crypto.SHA512
	}
	return sigUnknown, 0
}

// schemeCurve is the curve a TLS 1.3-style ECDSA scheme names, or nil.
func schemeCurve(s SignatureScheme) elliptic.Curve {
	switch s {
	case ECDSAWithP256AndSHA256:
		return elliptic.P256()
	case ECDSAWithP384AndSHA384:
		return elliptic.P384()
	case ECDSAWithP521AndSHA512:
		return elliptic.P521()
	}
	return nil
}

// legacyDigest is what TLS 1.0/1.1 sign (RFC 2246 §7.4.3): MD5 || SHA-1 for
// RSA (raw PKCS#1, no DigestInfo), SHA-1 for DSA and ECDSA (RFC 4492 §5.4).
func legacyDigest(isRSA bool, msg []byte) ([]byte, crypto.Hash) {
	if isRSA {
		m, s := md5.Sum(msg), sha1.Sum(msg)
		return concat(m[:], s[:]), crypto.MD5SHA1
	}
	s := sha1.Sum(msg)
	return s[:], crypto.SHA1
}

func digest(h crypto.Hash, msg []byte) []byte {
	hh := h.New()
	hh.Write(msg)
	return hh.Sum(nil)
}

// SignHandshake signs msg (for ServerKeyExchange: client_random +
// server_random + params; for CertificateVerify: the raw transcript). In TLS
// 1.2 it uses scheme's hash and algorithm (PSS with salt = hash length,
// RFC 8446 §4.2.3); before 1.2 scheme is ignored and the legacy forms are
// used.
func SignHandshake(key crypto.Signer, scheme SignatureScheme, v Version, msg []byte, rand io.Reader) ([]byte, error) {
	if key == nil {
		return nil, errors.New("handshake: no signing key")
	}
	pub := key.Public()
	_, isRSA := pub.(*rsa.PublicKey)
	_, isEC := pub.(*ecdsa.PublicKey)
	_, isDSA := pub.(*dsa.PublicKey)
	if !isRSA && !isEC && !isDSA {
		return nil, fmt.Errorf("handshake: unsupported key type %T", pub)
	}
	if v < record.VersionTLS12 {
		d, h := legacyDigest(isRSA, msg)
		return key.Sign(rand, d, h)
	}
	alg, h := schemeParams(scheme)
	if alg == sigUnknown {
		return nil, fmt.Errorf("handshake: unsupported signature scheme 0x%04x", uint16(scheme))
	}
	if (alg == sigECDSA) != isEC || (alg == sigDSA) != isDSA {
		return nil, fmt.Errorf("handshake: signature scheme 0x%04x does not fit the key", uint16(scheme))
	}
	d := digest(h, msg)
	var opts crypto.SignerOpts = h
	if alg == sigPSS {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
	}
	return key.Sign(rand, d, opts)
}

// VerifyHandshake checks a handshake signature from the peer. hasScheme
// says whether the message carried a SignatureAndHashAlgorithm (TLS 1.2);
// without it the TLS 1.0/1.1 legacy forms apply. A scheme that does not fit
// the public key, or is unknown, is illegal_parameter; a bad signature is
// decrypt_error (RFC 5246 §7.4.8, §7.2.2).
func VerifyHandshake(pub crypto.PublicKey, scheme SignatureScheme, hasScheme bool, v Version, msg, sig []byte) *record.AlertError {
	rsaPub, isRSA := pub.(*rsa.PublicKey)
	ecPub, isEC := pub.(*ecdsa.PublicKey)
	dsaPub, isDSA := pub.(*dsa.PublicKey)
	if !isRSA && !isEC && !isDSA {
		return record.Fatal(record.AlertUnsupportedCertificate, "unsupported public key type")
	}
	bad := record.Fatal(record.AlertDecryptError, "bad handshake signature")
	if !hasScheme || v < record.VersionTLS12 {
		if v >= record.VersionTLS12 {
			return record.Fatal(record.AlertDecodeError, "missing signature algorithm")
		}
		d, h := legacyDigest(isRSA, msg)
		if isRSA {
			if rsa.VerifyPKCS1v15(rsaPub, h, d, sig) != nil {
				return bad
			}
			return nil
		}
		if isDSA {
			if !VerifyDSA(dsaPub, d, sig) {
				return bad
			}
			return nil
		}
		if !ecdsa.VerifyASN1(ecPub, d, sig) {
			return bad
		}
		return nil
	}
	alg, h := schemeParams(scheme)
	if alg == sigUnknown || (alg == sigECDSA) != isEC || (alg == sigDSA) != isDSA {
		return record.Fatal(record.AlertIllegalParameter, "signature scheme does not fit the peer's key")
	}
	d := digest(h, msg)
	switch alg {
	case sigDSA:
		if !VerifyDSA(dsaPub, d, sig) {
			return bad
		}
	case sigECDSA:
		// In TLS 1.2 the scheme names only the hash; the curve is not bound.
		if !ecdsa.VerifyASN1(ecPub, d, sig) {
			return bad
		}
	case sigPKCS1:
		if rsa.VerifyPKCS1v15(rsaPub, h, d, sig) != nil {
			return bad
		}
	case sigPSS:
		if rsa.VerifyPSS(rsaPub, h, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) != nil {
			return bad
		}
	}
	return nil
}

// keyFits reports whether pub can make signatures with scheme. strictCurve
// requires the curve a P-256/384/521 scheme names.
func keyFits(pub crypto.PublicKey, s SignatureScheme, strictCurve bool) bool {
	alg, h := schemeParams(s)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case sigPSS:
			// EMSA-PSS needs emLen >= hLen + sLen + 2 with sLen = hLen.
			return k.Size() >= 2*h.Size()+2
		case sigPKCS1:
			// DigestInfo (<= 19 bytes) + hash + 11 bytes of padding.
			return k.Size() >= 19+h.Size()+11
		}
	case *dsa.PublicKey:
		return alg == sigDSA
	case *ecdsa.PublicKey:
		if alg != sigECDSA {
			return false
		}
		if c := schemeCurve(s); c != nil && strictCurve {
			return k.Curve == c
		}
		return true
	}
	return false
}

func hasScheme(list []SignatureScheme, s SignatureScheme) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SelectSignatureScheme picks the scheme we sign with: the first of
// DefaultSignatureSchemes (so PSS before PKCS#1 v1.5 for RSA) that the peer
// offered and the key can make. An ECDSA key first looks for the scheme
// naming its own curve; TLS 1.2 does not bind the curve, so another ECDSA
// scheme the peer offered is the fallback. If a TLS 1.2 peer sent no
// signature_algorithms, RFC 5246 §7.4.1.4.1's default {sha1, key's
// algorithm} is used. Before TLS 1.2 no scheme goes on the wire; the key's
// SHA-1 scheme is returned as a placeholder. key may be a public key or a
// crypto.Signer.
func SelectSignatureScheme(key crypto.PublicKey, peerSchemes []SignatureScheme, v Version) (SignatureScheme, bool) {
	if s, ok := key.(crypto.Signer); ok {
		key = s.Public()
	}
	var sha1Scheme SignatureScheme
	switch key.(type) {
	case *rsa.PublicKey:
		sha1Scheme = PKCS1WithSHA1
	case *ecdsa.PublicKey:
		sha1Scheme = ECDSAWithSHA1
	case *dsa.PublicKey:
		sha1Scheme = DSAWithSHA1
	default:
		return 0, false
	}
	if v < record.VersionTLS12 || len(peerSchemes) == 0 {
		return sha1Scheme, true
	}
	for _, strict := range []bool{true, false} {
		for _, s := range DefaultSignatureSchemes {
			if hasScheme(peerSchemes, s) && keyFits(key, s, strict) {
				return s, true
			}
		}
	}
	return 0, false
}

// SchemeAllowed reports whether s is in ours (DefaultSignatureSchemes when
// ours is nil): a peer's signature must use a scheme we offered.
func SchemeAllowed(s SignatureScheme, ours []SignatureScheme) bool {
	if ours == nil {
		ours = DefaultSignatureSchemes
	}
	return hasScheme(ours, s)
}

// KeyMatchesSuite reports whether a certificate's public key can serve the
// suite: *_ECDSA and static ECDH need an EC key (for ecdh_rsa the
// certificate must also be RSA-signed: see CertMatchesSuite); *_RSA and rsa
// need an RSA key; *_DSS a DSA key. Suites without a certificate (anonymous,
// psk, dhe_psk, srp_anon) match any key. pub may be a public key or a
// crypto.Signer.
func KeyMatchesSuite(pub crypto.PublicKey, s *Suite) bool {
	if sg, ok := pub.(crypto.Signer); ok {
		pub = sg.Public()
	}
	switch s.KeyExchange {
	case KXECDHEECDSA, KXECDHECDSA, KXECDHRSA:
		_, ok := pub.(*ecdsa.PublicKey)
		return ok
	case KXECDHERSA, KXRSA, KXDHERSA, KXSRPRSA, KXRSAPSK:
		_, ok := pub.(*rsa.PublicKey)
		return ok
	case KXDHEDSS, KXSRPDSS:
		_, ok := pub.(*dsa.PublicKey)
		return ok
	}
	return !s.KeyExchange.NeedsCertificate()
}

// SignCertificateVerify signs the transcript t for a CertificateVerify at
// version v: SignHandshake over the raw messages in TLS, and in SSL 3.0
// (RFC 6101 §5.6.8) the MD5 || SHA digest keyed with the master secret,
// signed as is (RSA) or its SHA half (DSA, ECDSA).
func SignCertificateVerify(key crypto.Signer, scheme SignatureScheme, v Version, t *Transcript, master []byte, rand io.Reader) ([]byte, error) {
	if v != record.VersionSSL30 {
		return SignHandshake(key, scheme, v, t.Buffered(), rand)
	}
	if key == nil {
		return nil, errors.New("handshake: no signing key")
	}
	d := t.ssl3Digest(master, nil)
	if _, isRSA := key.Public().(*rsa.PublicKey); isRSA {
		return key.Sign(rand, d, crypto.MD5SHA1)
	}
	return key.Sign(rand, d[md5.Size:], crypto.SHA1)
}

// VerifyCertificateVerify checks the peer's CertificateVerify signature
// over the transcript t (see SignCertificateVerify for the SSL 3.0 form).
// Errors are as for VerifyHandshake.
func VerifyCertificateVerify(pub crypto.PublicKey, scheme SignatureScheme, hasScheme bool, v Version, t *Transcript, master, sig []byte) *record.AlertError {
	if v != record.VersionSSL30 {
		return VerifyHandshake(pub, scheme, hasScheme, v, t.Buffered(), sig)
	}
	d := t.ssl3Digest(master, nil)
	bad := record.Fatal(record.AlertDecryptError, "bad handshake signature")
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(k, crypto.MD5SHA1, d, sig) != nil {
			return bad
		}
	case *dsa.PublicKey:
		if !VerifyDSA(k, d[md5.Size:], sig) {
			return bad
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, d[md5.Size:], sig) {
			return bad
		}
	default:
		return record.Fatal(record.AlertUnsupportedCertificate, "unsupported public key type")
	}
	return nil
}
