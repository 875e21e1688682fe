// Config: the resolved, validated settings one connection runs with.
package connection

import (
	"crypto/x509"
	"io"
	"strconv"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/crl_cache"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// Role says which side of the handshake a connection plays.
type Role int

// Roles.
const (
	Client Role = iota
	Server
)

func (r Role) String() string {
	if r == Client {
		return "client"
	}
	return "server"
}

// Verify is the manual's verify_type().
type Verify int

// Verify modes.
const (
	VerifyNone Verify = iota
	VerifyPeer
)

// Config holds everything the state machine needs, already parsed and
// checked by the root package. It is shared read-only between connections
// made from the same listen socket, so nothing here may be mutated.
type Config struct {
	Role     Role
	Versions []record.Version // preference order, highest first
	Suites   []*handshake.Suite
	Curves   []handshake.CurveID
	Schemes  []handshake.SignatureScheme

	Chain *handshake.CertChain // our certificate and key (nil: none)

	Verify           Verify
	VerifyFun        handshake.VerifyFun
	VerifyState      any
	FailIfNoPeerCert bool
	Depth            int
	Roots            []*x509.Certificate // trusted CAs; nil with VerifyPeer => system roots
	CANames          [][]byte            // server: DNs sent in CertificateRequest
	PartialChain     func(chain [][]byte) ([]byte, bool)
	Profile          handshake.Profile  // certificate profile on top of RFC 5280
	CRLCheck         handshake.CRLCheck // crl_check
	CRLCache         crlcache.Cache     // crl_cache (the root fills in the App's internal cache)

	// Key-exchange settings (dh/dhfile, user_lookup_fun, psk_identity,
	// srp_identity).
	DHGroup         *handshake.DHGroup // server: finite-field group (nil: ffdhe2048)
	UserLookupFun   UserLookupFun      // psk (both sides) and srp (server)
	UserLookupState any
	PSKIdentity     string // client: identity; server: psk_identity_hint
	SRPUser         string // client: srp_identity user name
	SRPPassword     string // client: srp_identity password

	ServerName       string // client: SNI to send and the host to check ("" = none)
	VerifyHostname   string // client: host name checked against the certificate
	HonorCipherOrder bool

	// Fallback (client): send TLS_FALLBACK_SCSV (RFC 7507), the manual's
	// fallback option.
	Fallback bool
	// NoPaddingCheck turns off the TLS 1.0 CBC padding-byte check
	// (padding_check = false); it has no effect on other versions.
	NoPaddingCheck bool

	HandshakeTimeout time.Duration // 0 = infinity
	HibernateAfter   time.Duration // 0 = never
	Rand             io.Reader     // nil = crypto/rand
	Now              func() time.Time

	Sock SockOpts // initial socket options
}

// UserLookupFun is the manual's user_lookup_fun: for kind "psk" it returns
// the shared secret ([]byte) for an identity (the client gets the server's
// hint); for kind "srp" it returns an SRPUserInfo for a user name.
type UserLookupFun func(kind, identity string, state any) (any, bool)

// SRPUserInfo is what user_lookup_fun returns for SRP: {SRPParams, Salt,
// DerivedKey}; the server derives the verifier from DerivedKey.
type SRPUserInfo struct {
	Params     string // srp_param_type(): "srp_1024" .. "srp_8192"
	Salt       []byte
	DerivedKey []byte // crypto:sha([Salt, crypto:sha([User, ":", Password])])
}

// SockOpts are the socket options of the manual that shape delivery.
type SockOpts struct {
	Owner  *pa.PID
	Active Active
	Mode   Mode
	Packet Packet
	Header int
}

// ActiveKind enumerates the {active, ...} values.
type ActiveKind int

// Active kinds. ActiveUnset lets the root package tell "not given" apart.
const (
	ActiveUnset ActiveKind = iota
	ActiveFalseKind
	ActiveTrueKind
	ActiveOnceKind
	ActiveNKind
)

// Active is {active, true | false | once | N}.
type Active struct {
	Kind ActiveKind
	N    int
}

// String prints the value as Erlang would.
func (a Active) String() string {
	switch a.Kind {
	case ActiveFalseKind:
		return "false"
	case ActiveTrueKind:
		return "true"
	case ActiveOnceKind:
		return "once"
	case ActiveNKind:
		return strconv.Itoa(a.N)
	}
	return "unset"
}

// Mode is {mode, binary | list}.
type Mode int

// Modes. The manual's default is list; in Go both deliver bytes, list mode
// additionally fills Data.Text.
const (
	ModeBinary Mode = iota
	ModeList
)

// Packet is {packet, raw | 0 | 1 | 2 | 4 | line}.
type Packet int

// Packet types: the number is the length-prefix size, PacketLine splits on '\n'.
const (
	PacketRaw  Packet = 0
	Packet1    Packet = 1
	Packet2    Packet = 2
	Packet4    Packet = 4
	PacketLine Packet = -1
)

// String prints the packet type as Erlang would.
func (p Packet) String() string {
	if p == PacketLine {
		return "line"
	}
	return strconv.Itoa(int(p))
}
