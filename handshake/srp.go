// srp.go holds the SRP key exchanges of RFC 5054 (srp_anon, srp_rsa,
// srp_dss): SRP-6a with SHA-1 over the RFC's groups, the verifier derived as
// the manual says, and the ServerKeyExchange/ClientKeyExchange bodies.
package handshake

import (
	"crypto/rand"
	"crypto/sha1"
	"fmt"
	"io"
	"math/big"

	"golang.org/x/crypto/cryptobyte"

	"github.com/erlang-ssl-go/ssl/record"
)

// SRPGroup is one of the RFC 5054 Appendix A groups; Name is the manual's
// srp_param_type() (srp_1024 .. srp_8192).
type SRPGroup struct {
	Name string
	N, G *big.Int
}

// SRPGroupByName returns the group named by an srp_param_type(), or nil.
func SRPGroupByName(name string) *SRPGroup {
	for _, g := range srpGroupTable {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// srpKnownGroup finds the table group equal to (n, g), or nil. A client
// accepts only these (RFC 5054 §2.5.3: unknown groups SHOULD be refused, as
// a safe-prime check is too costly).
func srpKnownGroup(n, g []byte) *SRPGroup {
	nn, gg := new(big.Int).SetBytes(n), new(big.Int).SetBytes(g)
	for _, grp := range srpGroupTable {
		if grp.N.Cmp(nn) == 0 && grp.G.Cmp(gg) == 0 {
			return grp
		}
	}
	return nil
}

// SRPDerivedKey computes the manual's DerivedKey, RFC 5054 §2.4's x:
// SHA1(salt | SHA1(user | ":" | password)).
func SRPDerivedKey(salt []byte, user, password string) []byte {
	inner := sha1.Sum([]byte(user + ":" + password))
	h := sha1.New()
	h.Write(salt)
	h.Write(inner[:])
	return h.Sum(nil)
}

// SRPVerifier returns v = g^x mod N for a DerivedKey x (RFC 5054 §2.4).
func SRPVerifier(g *SRPGroup, derivedKey []byte) []byte {
	x := new(big.Int).SetBytes(derivedKey)
	return new(big.Int).Exp(g.G, x, g.N).Bytes()
}

// srpHash is SHA1 over the concatenation of its arguments.
func srpHash(parts ...[]byte) *big.Int {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}

// srpK is k = SHA1(N | PAD(g)) (RFC 5054 §2.5.3).
func srpK(g *SRPGroup) *big.Int { return srpHash(g.N.Bytes(), padTo(g.G, g.N)) }

// srpU is u = SHA1(PAD(A) | PAD(B)) (RFC 5054 §2.6).
func srpU(g *SRPGroup, a, b *big.Int) *big.Int { return srpHash(padTo(a, g.N), padTo(b, g.N)) }

// srpSecretBits is the size of the private values a and b (RFC 5054 §2.5.3
// and §2.5.4: at least 256 bits).
const srpSecretBits = 256

func srpRandom(rnd io.Reader) (*big.Int, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	buf := make([]byte, srpSecretBits/8)
	if _, err := io.ReadFull(rnd, buf); err != nil {
		return nil, fmt.Errorf("handshake: reading random: %w", err)
	}
	r := new(big.Int).SetBytes(buf)
	return r.SetBit(r, srpSecretBits-1, 1), nil
}

// divisibleBy reports x ≡ 0 (mod n).
func divisibleBy(x, n *big.Int) bool { return new(big.Int).Mod(x, n).Sign() == 0 }

// SRPServer is the server half of one SRP exchange.
type SRPServer struct {
	Group *SRPGroup
	Salt  []byte
	v, b  *big.Int
	B     *big.Int
}

// NewSRPServer computes the verifier from the user's DerivedKey and the
// server's public value B = k*v + g^b mod N (RFC 5054 §2.5.3).
func NewSRPServer(g *SRPGroup, salt, derivedKey []byte, rnd io.Reader) (*SRPServer, error) {
	if g == nil || len(salt) == 0 || len(salt) > 255 {
		return nil, fmt.Errorf("handshake: SRP needs a group and a salt of 1..255 bytes")
	}
	b, err := srpRandom(rnd)
	if err != nil {
		return nil, err
	}
	v := new(big.Int).SetBytes(SRPVerifier(g, derivedKey))
	bb := new(big.Int).Exp(g.G, b, g.N)
	bb.Add(bb, new(big.Int).Mul(srpK(g), v))
	bb.Mod(bb, g.N)
	return &SRPServer{Group: g, Salt: append([]byte(nil), salt...), v: v, b: b, B: bb}, nil
}

// Params encodes ServerSRPParams (RFC 5054 §2.8): N, g, s, B; the signed part
// for srp_rsa/srp_dss.
func (s *SRPServer) Params() []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.Group.N.Bytes()) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.Group.G.Bytes()) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.Salt) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.B.Bytes()) })
	out, _ := b.Bytes()
	return out
}

// Premaster computes S = (A * v^u) ^ b mod N from the client's A (RFC 5054
// §2.6). A ≡ 0 (mod N) is illegal_parameter (§2.5.4).
func (s *SRPServer) Premaster(aBytes []byte) ([]byte, *record.AlertError) {
	a := new(big.Int).SetBytes(aBytes)
	if len(aBytes) > len(s.Group.N.Bytes())+1 || divisibleBy(a, s.Group.N) {
		return nil, record.Fatal(record.AlertIllegalParameter, "SRP A is 0 mod N")
	}
	a.Mod(a, s.Group.N)
	u := srpU(s.Group, a, s.B)
	sec := new(big.Int).Exp(s.v, u, s.Group.N)
	sec.Mul(sec, a)
	sec.Mod(sec, s.Group.N)
	sec.Exp(sec, s.b, s.Group.N)
	return sec.Bytes(), nil
}

// SRPServerParams is a decoded SRP ServerKeyExchange. Signed is the
// ServerSRPParams encoding the signature covers (srp_rsa, srp_dss).
type SRPServerParams struct {
	N, G, Salt, B []byte
	HasSignature  bool
	HasScheme     bool
	Scheme        SignatureScheme
	Signature     []byte
	Signed        []byte
}

// ParseSRPServerKeyExchange decodes an SRP ServerKeyExchange (RFC 5054 §2.8);
// signed says a signature follows (srp_rsa, srp_dss). Malformed input is
// decode_error.
func ParseSRPServerKeyExchange(ske []byte, v Version, signed bool) (*SRPServerParams, *record.AlertError) {
	s := cryptobyte.String(ske)
	var n, g, salt, b cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&n) || n.Empty() ||
		!s.ReadUint16LengthPrefixed(&g) || g.Empty() ||
		!s.ReadUint8LengthPrefixed(&salt) || salt.Empty() ||
		!s.ReadUint16LengthPrefixed(&b) || b.Empty() {
		return nil, msgDecodeErr("malformed SRP server params")
	}
	p := &SRPServerParams{N: n, G: g, Salt: salt, B: b, Signed: ske[:len(ske)-len(s)]}
	if !signed {
		if !s.Empty() {
			return nil, msgDecodeErr("trailing data in SRP server key exchange")
		}
		return p, nil
	}
	var ok bool
	p.HasSignature = true
	p.HasScheme, p.Scheme, p.Signature, ok = msgReadSignature(&s, v)
	if !ok {
		return nil, msgDecodeErr("malformed SRP server key exchange signature")
	}
	return p, nil
}

// SRPClientPremaster runs the client side (RFC 5054 §2.6): it checks the
// server's group is one of RFC 5054's (else insufficient_security) and
// B ≢ 0 (mod N) (else illegal_parameter), then returns A and the pre-master
// secret S = (B - k*g^x) ^ (a + u*x) mod N.
func SRPClientPremaster(p *SRPServerParams, user, password string, rnd io.Reader) (aBytes, premaster []byte, aerr *record.AlertError) {
	g := srpKnownGroup(p.N, p.G)
	if g == nil {
		return nil, nil, record.Fatal(record.AlertInsufficientSecurity, "SRP group is not one of RFC 5054's")
	}
	b := new(big.Int).SetBytes(p.B)
	if len(p.B) > len(g.N.Bytes())+1 || divisibleBy(b, g.N) {
		return nil, nil, record.Fatal(record.AlertIllegalParameter, "SRP B is 0 mod N")
	}
	b.Mod(b, g.N)
	a, err := srpRandom(rnd)
	if err != nil {
		return nil, nil, record.Fatal(record.AlertInternalError, "no randomness")
	}
	aa := new(big.Int).Exp(g.G, a, g.N)
	u := srpU(g, aa, b)
	if u.Sign() == 0 {
		return nil, nil, record.Fatal(record.AlertIllegalParameter, "SRP u is zero")
	}
	x := new(big.Int).SetBytes(SRPDerivedKey(p.Salt, user, password))
	gx := new(big.Int).Exp(g.G, x, g.N)
	base := new(big.Int).Sub(b, gx.Mul(gx, srpK(g)))
	base.Mod(base, g.N)
	exp := new(big.Int).Add(a, u.Mul(u, x))
	s := new(big.Int).Exp(base, exp, g.N)
	return aa.Bytes(), s.Bytes(), nil
}

// ParseSRPClientKey decodes the SRP ClientKeyExchange, srp_A<1..2^16-1>.
func ParseSRPClientKey(b []byte) ([]byte, *record.AlertError) {
	s := cryptobyte.String(b)
	var a cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&a) || a.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed SRP client key exchange")
	}
	return a, nil
}

// NewSRPClientKeyExchange builds the SRP ClientKeyExchange carrying A. It
// returns nil if A is empty or longer than 65535 bytes.
func NewSRPClientKeyExchange(a []byte) *ClientKeyExchange {
	if len(a) == 0 || len(a) > 0xffff {
		return nil
	}
	body := append([]byte{byte(len(a) >> 8), byte(len(a))}, a...)
	return &ClientKeyExchange{Body: body}
}
