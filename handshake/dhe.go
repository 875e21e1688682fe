// dhe.go holds finite-field Diffie-Hellman (RFC 5246 §8.1.2, §7.4.3): the
// server's group (the dh/dhfile options, RFC 7919 ffdhe2048 by default), key
// generation, the peer-value checks and the shared secret.
package handshake

import (
	"crypto/rand"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/erlang-ssl-go/ssl/record"
)

// DH group size limits. A client refuses a server group smaller than
// MinDHBits (RFC 7919 §1 and Logjam: 512/768-bit groups are broken); groups
// above MaxDHBits are refused as a denial-of-service guard.
const (
	MinDHBits = 1024
	MaxDHBits = 8192
)

// dhExponentBits is the size of our private exponent: twice the ~128-bit
// security target of the groups we use (RFC 7919 §5.2 asks for at least
// 2*security bits), which keeps modular exponentiation cheap.
const dhExponentBits = 320

// DHGroup is a finite-field group: prime P and generator G.
type DHGroup struct {
	P, G *big.Int
}

// FFDHE2048 returns the RFC 7919 ffdhe2048 group, the server default.
func FFDHE2048() *DHGroup { return &DHGroup{P: ffdhe2048P, G: big.NewInt(2)} }

// dhParameterASN1 is PKCS #3's DHParameter.
type dhParameterASN1 struct {
	P, G               *big.Int
	PrivateValueLength int `asn1:"optional"`
}

// ParseDHParamsDER decodes a DER DHParameter (PKCS #3; the manual's
// {dh, Der}) and checks that the group is usable.
func ParseDHParamsDER(der []byte) (*DHGroup, error) {
	var p dhParameterASN1
	rest, err := asn1.Unmarshal(der, &p)
	if err != nil {
		return nil, fmt.Errorf("handshake: not a DER DHParameter: %v", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("handshake: trailing data after DHParameter")
	}
	g := &DHGroup{P: p.P, G: p.G}
	if err := g.check(); err != nil {
		return nil, err
	}
	return g, nil
}

// ParseDHParamsPEM decodes the first "DH PARAMETERS" block of a PEM file
// (the manual's dhfile).
func ParseDHParamsPEM(data []byte) (*DHGroup, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("handshake: no DH PARAMETERS block")
		}
		if b.Type == "DH PARAMETERS" {
			return ParseDHParamsDER(b.Bytes)
		}
	}
}

// check rejects groups no peer should accept: a small or even prime and a
// generator outside 1 < g < p-1.
func (g *DHGroup) check() error {
	if g.P == nil || g.G == nil || g.P.Sign() <= 0 || g.P.Bit(0) == 0 {
		return errors.New("handshake: DH prime must be odd and positive")
	}
	if n := g.P.BitLen(); n < MinDHBits || n > MaxDHBits {
		return fmt.Errorf("handshake: DH prime of %d bits (allowed %d..%d)", n, MinDHBits, MaxDHBits)
	}
	if !inOpenRange(g.G, g.P) {
		return errors.New("handshake: DH generator out of range")
	}
	return nil
}

// inOpenRange reports 1 < y < p-1 (RFC 7919 §5.1's peer-value check; it
// rules out 0, 1 and p-1, the values that force a known shared secret).
func inOpenRange(y, p *big.Int) bool {
	pm1 := new(big.Int).Sub(p, big.NewInt(1))
	return y.Cmp(big.NewInt(1)) > 0 && y.Cmp(pm1) < 0
}

// DHKey is an ephemeral DH key pair in a group.
type DHKey struct {
	Group  *DHGroup
	x      *big.Int
	Public []byte // g^x mod p, big-endian, padded to the length of p
}

// GenerateDH makes an ephemeral key pair in g. rnd nil means crypto/rand.
func GenerateDH(g *DHGroup, rnd io.Reader) (*DHKey, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	bits := dhExponentBits
	if n := g.P.BitLen() - 1; n < bits {
		bits = n
	}
	buf := make([]byte, (bits+7)/8)
	if _, err := io.ReadFull(rnd, buf); err != nil {
		return nil, fmt.Errorf("handshake: reading random: %w", err)
	}
	x := new(big.Int).SetBytes(buf)
	x.SetBit(x, bits-1, 1) // full size, and never 0 or 1
	y := new(big.Int).Exp(g.G, x, g.P)
	return &DHKey{Group: g, x: x, Public: padTo(y, g.P)}, nil
}

// Params encodes ServerDHParams for this key (the signed part of a DHE
// ServerKeyExchange).
func (k *DHKey) Params() []byte {
	return MarshalDHEParams(k.Group.P.Bytes(), k.Group.G.Bytes(), k.Public)
}

// SharedSecret computes Z = Y^x mod p from the peer's public value; the
// pre-master secret is Z with leading zero bytes stripped (RFC 5246 §8.1.2).
// A peer value outside 1 < Y < p-1 is illegal_parameter.
func (k *DHKey) SharedSecret(peer []byte) ([]byte, *record.AlertError) {
	y := new(big.Int).SetBytes(peer)
	if len(peer) > len(k.Group.P.Bytes()) || !inOpenRange(y, k.Group.P) {
		return nil, record.Fatal(record.AlertIllegalParameter, "DH public value out of range")
	}
	z := new(big.Int).Exp(y, k.x, k.Group.P)
	if z.Cmp(big.NewInt(1)) <= 0 {
		return nil, record.Fatal(record.AlertIllegalParameter, "degenerate DH shared secret")
	}
	return z.Bytes(), nil
}

// ClientDHGroup checks the group a server sent before a client uses it: a
// prime under MinDHBits (or over MaxDHBits) is insufficient_security, an
// even prime or a generator or public value outside 1 < x < p-1 is
// illegal_parameter.
func ClientDHGroup(p *DHEParams) (*DHGroup, *record.AlertError) {
	g := &DHGroup{P: new(big.Int).SetBytes(p.P), G: new(big.Int).SetBytes(p.G)}
	if n := g.P.BitLen(); n < MinDHBits || n > MaxDHBits {
		return nil, record.Fatal(record.AlertInsufficientSecurity, "server DH group too small or too large")
	}
	if g.P.Bit(0) == 0 || !inOpenRange(g.G, g.P) {
		return nil, record.Fatal(record.AlertIllegalParameter, "bad server DH group")
	}
	if !inOpenRange(new(big.Int).SetBytes(p.Public), g.P) {
		return nil, record.Fatal(record.AlertIllegalParameter, "server DH public value out of range")
	}
	return g, nil
}

// padTo encodes n big-endian in the byte length of m.
func padTo(n, m *big.Int) []byte {
	out := make([]byte, (m.BitLen()+7)/8)
	return n.FillBytes(out)
}
