// psk.go holds the pre-shared-key key exchanges of RFC 4279 (psk, dhe_psk,
// rsa_psk; suites of RFC 5487): ServerKeyExchange and ClientKeyExchange
// bodies and the pre-master secret format.
package handshake

import (
	"golang.org/x/crypto/cryptobyte"

	"github.com/erlang-ssl-go/ssl/record"
)

// MaxPSKLen bounds a pre-shared key and an identity (RFC 4279 §5.3: at least
// 128 bytes must be supported; the wire allows 2^16-1).
const MaxPSKLen = 0xffff

// PSKPremaster builds the RFC 4279 §2 pre-master secret:
// uint16 len(other) || other || uint16 len(psk) || psk. For plain psk,
// other is len(psk) zero bytes (pass nil); for dhe_psk it is the DH shared
// secret (§3), for rsa_psk the 48-byte RSA-transported secret (§4).
func PSKPremaster(other, psk []byte) []byte {
	if other == nil {
		other = make([]byte, len(psk))
	}
	out := make([]byte, 0, 4+len(other)+len(psk))
	out = append(out, byte(len(other)>>8), byte(len(other)))
	out = append(out, other...)
	out = append(out, byte(len(psk)>>8), byte(len(psk)))
	return append(out, psk...)
}

// PSKServerParams is a decoded psk/rsa_psk/dhe_psk ServerKeyExchange
// (RFC 4279 §2, §3): the identity hint, then for dhe_psk the unsigned
// ServerDHParams.
type PSKServerParams struct {
	Hint       []byte
	P, G, Y    []byte // dhe_psk only
	HasDHGroup bool
}

// ParsePSKServerKeyExchange decodes the ServerKeyExchange body of a PSK key
// exchange; withDH says the suite is dhe_psk. Malformed input is decode_error.
func ParsePSKServerKeyExchange(b []byte, withDH bool) (*PSKServerParams, *record.AlertError) {
	s := cryptobyte.String(b)
	var hint cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&hint) {
		return nil, msgDecodeErr("malformed PSK server key exchange")
	}
	out := &PSKServerParams{Hint: hint}
	if withDH {
		var p, g, y cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&p) || p.Empty() ||
			!s.ReadUint16LengthPrefixed(&g) || g.Empty() ||
			!s.ReadUint16LengthPrefixed(&y) || y.Empty() {
			return nil, msgDecodeErr("malformed DHE_PSK server params")
		}
		out.P, out.G, out.Y, out.HasDHGroup = p, g, y, true
	}
	if !s.Empty() {
		return nil, msgDecodeErr("trailing data in PSK server key exchange")
	}
	return out, nil
}

// MarshalPSKServerKeyExchange builds the ServerKeyExchange of a PSK key
// exchange: psk_identity_hint, then dhParams (MarshalDHEParams output) for
// dhe_psk. It returns nil if the hint is too long.
func MarshalPSKServerKeyExchange(hint []byte, dhParams []byte) *ServerKeyExchange {
	if len(hint) > MaxPSKLen {
		return nil
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(hint) })
	b.AddBytes(dhParams)
	key, err := b.Bytes()
	if err != nil {
		return nil
	}
	return &ServerKeyExchange{Key: key}
}

// PSKClientKey is a decoded PSK ClientKeyExchange: the identity, then the
// key-exchange specific rest (empty for psk, dh_Yc for dhe_psk, the
// EncryptedPreMasterSecret for rsa_psk).
type PSKClientKey struct {
	Identity []byte
	Rest     []byte
}

// ParsePSKClientKey decodes a PSK ClientKeyExchange for kx (KXPSK,
// KXDHEPSK or KXRSAPSK; RFC 4279 §2–§4). Malformed input is decode_error.
func ParsePSKClientKey(b []byte, kx KeyExchange) (*PSKClientKey, *record.AlertError) {
	s := cryptobyte.String(b)
	var id cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&id) {
		return nil, msgDecodeErr("malformed PSK client key exchange")
	}
	out := &PSKClientKey{Identity: id}
	switch kx {
	case KXPSK:
		if !s.Empty() {
			return nil, msgDecodeErr("trailing data in PSK client key exchange")
		}
	case KXDHEPSK, KXRSAPSK:
		var rest cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&rest) || rest.Empty() || !s.Empty() {
			return nil, msgDecodeErr("malformed PSK client key exchange")
		}
		out.Rest = rest
	default:
		return nil, record.Fatal(record.AlertInternalError, "not a PSK key exchange")
	}
	return out, nil
}

// NewPSKClientKeyExchange builds a PSK ClientKeyExchange: the identity, then
// (dhe_psk, rsa_psk) rest as an opaque<1..2^16-1>. It returns nil if a
// value is too long.
func NewPSKClientKeyExchange(identity, rest []byte, kx KeyExchange) *ClientKeyExchange {
	if len(identity) > MaxPSKLen || len(rest) > 0xffff {
		return nil
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(identity) })
	if kx != KXPSK {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(rest) })
	}
	body, err := b.Bytes()
	if err != nil {
		return nil
	}
	return &ClientKeyExchange{Body: body}
}
