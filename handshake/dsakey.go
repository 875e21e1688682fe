// dsakey.go parses DSA private keys (Erlang's 'DSAPrivateKey' and DSA in
// PKCS#8) and wraps them as a crypto.Signer producing the DER Dss-Sig-Value
// TLS uses (RFC 5246 §4.7), for the dhe_dss suites.
package handshake

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // DSA is deprecated but the manual's key option names it.
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidDSA is id-dsa (RFC 3279 §2.3.2).
var oidDSA = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}

// Bounds on DSA domain parameters we accept (FIPS 186-4 §4.2 sizes, with
// room for legacy 512-bit test keys); they also bound the work a hostile
// key file can cause.
const (
	minDSAPBits = 512
	maxDSAPBits = 4096
	minDSAQBits = 160
)

// DSAKey is a DSA private key as a crypto.Signer. Public returns a
// *dsa.PublicKey, the type crypto/x509 gives a DSA certificate's key.
type DSAKey struct {
	Key *dsa.PrivateKey
}

// Public returns the public half (*dsa.PublicKey).
func (k *DSAKey) Public() crypto.PublicKey { return &k.Key.PublicKey }

// Sign signs digest, truncated to the byte length of Q (FIPS 186-4 §4.6),
// and returns the DER SEQUENCE { r, s } (RFC 3279 §2.2.2). opts is not
// used: the caller has already hashed. A nil rand uses crypto/rand.
func (k *DSAKey) Sign(rnd io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if n := (k.Key.Q.BitLen() + 7) / 8; len(digest) > n {
		digest = digest[:n]
	}
	r, s, err := dsa.Sign(rnd, k.Key, digest)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, s})
}

// VerifyDSA checks a DER Dss-Sig-Value over digest (truncated as Sign
// does); for tests and for peers' dhe_dss signatures.
func VerifyDSA(pub *dsa.PublicKey, digest, sig []byte) bool {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &rs)
	if err != nil || len(rest) != 0 || rs.R == nil || rs.S == nil {
		return false
	}
	if n := (pub.Q.BitLen() + 7) / 8; len(digest) > n {
		digest = digest[:n]
	}
	return dsa.Verify(pub, digest, rs.R, rs.S)
}

// equalDSA reports whether two DSA public keys are the same key.
func equalDSA(a, b *dsa.PublicKey) bool {
	return a.P.Cmp(b.P) == 0 && a.Q.Cmp(b.Q) == 0 && a.G.Cmp(b.G) == 0 && a.Y.Cmp(b.Y) == 0
}

var errBadDSA = errors.New("handshake: malformed DSA private key")

// parseDSAPrivateKey reads OpenSSL's traditional DSAPrivateKey:
// SEQUENCE { version INTEGER (0), p, q, g, y, x INTEGER }.
func parseDSAPrivateKey(der []byte) (*DSAKey, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	var version int
	p, q, g, y, x := new(big.Int), new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&version) || version != 0 ||
		!seq.ReadASN1Integer(p) || !seq.ReadASN1Integer(q) || !seq.ReadASN1Integer(g) ||
		!seq.ReadASN1Integer(y) || !seq.ReadASN1Integer(x) || !seq.Empty() {
		return nil, errBadDSA
	}
	return newDSAKey(p, q, g, y, x)
}

// parsePKCS8DSA reads a PKCS#8 PrivateKeyInfo whose algorithm is id-dsa:
// parameters Dss-Parms { p, q, g } and privateKey an OCTET STRING holding
// INTEGER x (RFC 5958 §2, RFC 3279 §2.3.2). ok is false when the key is
// not DSA at all.
func parsePKCS8DSA(der []byte) (k *DSAKey, isDSA bool, err error) {
	in := cryptobyte.String(der)
	var info cryptobyte.String
	var version int
	if !in.ReadASN1(&info, cbasn1.SEQUENCE) || !in.Empty() || !info.ReadASN1Integer(&version) {
		return nil, false, nil
	}
	oid, params, ok := readAlgID(&info)
	if !ok || !oid.Equal(oidDSA) {
		return nil, false, nil
	}
	var dss, priv cryptobyte.String
	p, q, g, x := new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	if (version != 0 && version != 1) ||
		!params.ReadASN1(&dss, cbasn1.SEQUENCE) || !params.Empty() ||
		!dss.ReadASN1Integer(p) || !dss.ReadASN1Integer(q) || !dss.ReadASN1Integer(g) || !dss.Empty() ||
		!info.ReadASN1(&priv, cbasn1.OCTET_STRING) || !priv.ReadASN1Integer(x) || !priv.Empty() {
		return nil, true, errBadDSA
	}
	// Optional attributes [0] and publicKey [1] may follow; they add nothing.
	k, err = newDSAKey(p, q, g, nil, x)
	return k, true, err
}

// newDSAKey checks the domain parameters and x, computes y = g^x mod p
// when absent, and checks a given y against it.
func newDSAKey(p, q, g, y, x *big.Int) (*DSAKey, error) {
	one := big.NewInt(1)
	if p.BitLen() < minDSAPBits || p.BitLen() > maxDSAPBits || p.Bit(0) == 0 ||
		q.BitLen() < minDSAQBits || q.BitLen() >= p.BitLen() || q.Bit(0) == 0 ||
		g.Cmp(one) <= 0 || g.Cmp(p) >= 0 ||
		x.Sign() <= 0 || x.Cmp(q) >= 0 {
		return nil, errBadDSA
	}
	// q must divide p-1 (FIPS 186-4 §4.1), else g has no order-q subgroup.
	if new(big.Int).Mod(new(big.Int).Sub(p, one), q).Sign() != 0 {
		return nil, errBadDSA
	}
	y2 := new(big.Int).Exp(g, x, p)
	if y != nil && y.Cmp(y2) != 0 {
		return nil, errBadDSA
	}
	return &DSAKey{Key: &dsa.PrivateKey{
		PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: p, Q: q, G: g}, Y: y2},
		X:         x,
	}}, nil
}
