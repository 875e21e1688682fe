// This file holds the TLS 1.0–1.2 handshake messages (RFC 5246 §7.4, RFC 4346,
// RFC 2246) and their extensions: typed structs, strict decoders and encoders.
package handshake

import (
	"golang.org/x/crypto/cryptobyte"

	"github.com/erlang-ssl-go/ssl/record"
)

// Message is any handshake message. Raw returns the whole encoded message,
// including the 4-byte header, exactly as received (for the transcript) or,
// for a message built locally, as produced by Marshal.
//
// Marshal always encodes the current field values; it returns nil when a
// field does not fit its wire limits (for example a SessionID longer than 32
// bytes or a certificate of 2^24 bytes or more).
//
// Byte-slice fields of a parsed message alias its Raw bytes: treat them as
// read-only.
type Message interface {
	Type() MsgType
	Marshal() []byte
	Raw() []byte
}

// String returns the RFC name of the message type, e.g. "client_hello".
func (t MsgType) String() string {
	switch t {
	case TypeHelloRequest:
		return "hello_request"
	case TypeClientHello:
		return "client_hello"
	case TypeServerHello:
		return "server_hello"
	case TypeNewSessionTicket:
		return "new_session_ticket"
	case TypeCertificate:
		return "certificate"
	case TypeServerKeyExchange:
		return "server_key_exchange"
	case TypeCertificateRequest:
		return "certificate_request"
	case TypeServerHelloDone:
		return "server_hello_done"
	case TypeCertificateVerify:
		return "certificate_verify"
	case TypeClientKeyExchange:
		return "client_key_exchange"
	case TypeFinished:
		return "finished"
	}
	return "unknown_handshake_type"
}

// msgHeaderLen is the size of the handshake header: msg_type(1) + length(3).
const msgHeaderLen = 4

// ecCurveTypeNamed is ECCurveType named_curve (RFC 8422 §5.4).
const ecCurveTypeNamed = 3

func msgDecodeErr(what string) *record.AlertError {
	return record.Fatal(record.AlertDecodeError, what)
}

func msgIllegal(what string) *record.AlertError {
	return record.Fatal(record.AlertIllegalParameter, what)
}

// ParseMessage decodes one whole handshake message (header included). v is the
// negotiated version: ServerKeyExchange signatures, CertificateRequest and
// CertificateVerify carry signature algorithms only in TLS 1.2. Before a
// version is negotiated pass record.VersionTLS12.
//
// ParseMessage copies raw once, so the message never aliases the caller's
// buffer (a Reassembler's output may be reused after the next Feed).
// Malformed input yields decode_error; an unknown or TLS 1.2-foreign message
// type yields unexpected_message.
func ParseMessage(raw []byte, v Version) (Message, *record.AlertError) {
	if len(raw) < msgHeaderLen {
		return nil, msgDecodeErr("handshake message shorter than its header")
	}
	n := int(raw[1])<<16 | int(raw[2])<<8 | int(raw[3])
	if n != len(raw)-msgHeaderLen {
		return nil, msgDecodeErr("handshake message length does not match header")
	}
	typ := MsgType(raw[0])
	switch typ {
	case TypeHelloRequest, TypeClientHello, TypeServerHello, TypeNewSessionTicket,
		TypeCertificate, TypeServerKeyExchange, TypeCertificateRequest,
		TypeServerHelloDone, TypeCertificateVerify, TypeClientKeyExchange, TypeFinished:
	default:
		return nil, record.Fatal(record.AlertUnexpectedMessage, "unknown handshake message type")
	}
	own := make([]byte, len(raw))
	copy(own, raw)
	m, err := parseBody(typ, own, cryptobyte.String(own[msgHeaderLen:]), v)
	if err != nil {
		// Never a typed nil pointer inside a non-nil Message.
		return nil, err
	}
	return m, nil
}

func parseBody(typ MsgType, own []byte, body cryptobyte.String, v Version) (Message, *record.AlertError) {
	switch typ {
	case TypeHelloRequest:
		if !body.Empty() {
			return nil, msgDecodeErr("hello_request with a body")
		}
		return &HelloRequest{raw: own}, nil
	case TypeServerHelloDone:
		if !body.Empty() {
			return nil, msgDecodeErr("server_hello_done with a body")
		}
		return &ServerHelloDone{raw: own}, nil
	case TypeClientHello:
		return parseClientHello(own, body)
	case TypeServerHello:
		return parseServerHello(own, body)
	case TypeCertificate:
		return parseCertificate(own, body)
	case TypeServerKeyExchange:
		return &ServerKeyExchange{Key: []byte(body), raw: own}, nil
	case TypeCertificateRequest:
		return parseCertificateRequest(own, body, v)
	case TypeClientKeyExchange:
		return &ClientKeyExchange{Body: []byte(body), raw: own}, nil
	case TypeCertificateVerify:
		return parseCertificateVerify(own, body, v)
	case TypeFinished:
		return &Finished{VerifyData: []byte(body), raw: own}, nil
	default: // TypeNewSessionTicket
		return parseNewSessionTicket(own, body)
	}
}

// msgMarshal frames a body as a handshake message; nil if anything overflowed.
func msgMarshal(t MsgType, body func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(uint8(t))
	b.AddUint24LengthPrefixed(body)
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}

// msgRawOr returns raw when set, else a fresh encoding.
func msgRawOr(raw []byte, m Message) []byte {
	if raw != nil {
		return raw
	}
	return m.Marshal()
}

// msgLimitErr is set on a builder when a field breaks a wire limit that the
// length prefix alone would not catch.
type msgLimitErr string

func (e msgLimitErr) Error() string { return string(e) }

// ---------------------------------------------------------------------------
// Extensions (RFC 5246 §7.4.1.4)

// msgReadExtensions reads the optional extensions block that ends a hello:
// absent when s is empty, otherwise a uint16-prefixed list with nothing
// after it. Each extension is passed to fn; the types seen are returned in
// order. A repeated type is a decode_error ("There MUST NOT be more than one
// extension of the same type", §7.4.1.4).
func msgReadExtensions(s *cryptobyte.String, fn func(typ uint16, data cryptobyte.String) *record.AlertError) ([]uint16, *record.AlertError) {
	if s.Empty() {
		return nil, nil
	}
	var exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return nil, msgDecodeErr("malformed extensions block")
	}
	var seen []uint16
	var seenSet map[uint16]struct{} // used once the list is long, to stay linear
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return nil, msgDecodeErr("malformed extension")
		}
		dup := false
		if seenSet != nil {
			_, dup = seenSet[typ]
			seenSet[typ] = struct{}{}
		} else {
			for _, t := range seen {
				if t == typ {
					dup = true
					break
				}
			}
			if len(seen) >= 16 {
				seenSet = make(map[uint16]struct{}, 2*len(seen))
				for _, t := range seen {
					seenSet[t] = struct{}{}
				}
				seenSet[typ] = struct{}{}
			}
		}
		if dup {
			return nil, msgDecodeErr("duplicate extension")
		}
		seen = append(seen, typ)
		if err := fn(typ, data); err != nil {
			return nil, err
		}
	}
	return seen, nil
}

// msgAddExtensions writes the extensions block only when at least one
// extension is present, so a hello without extensions has no block at all.
func msgAddExtensions(b *cryptobyte.Builder, exts func(b *cryptobyte.Builder)) {
	var inner cryptobyte.Builder
	exts(&inner)
	data, err := inner.Bytes()
	if err != nil {
		b.SetError(err)
		return
	}
	if len(data) == 0 {
		return
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(data) })
}

func msgAddExtension(b *cryptobyte.Builder, typ uint16, data func(b *cryptobyte.Builder)) {
	b.AddUint16(typ)
	b.AddUint16LengthPrefixed(data)
}

// msgValidHostName accepts an ASCII DNS name without a trailing dot (RFC 6066
// §3): letters, digits, hyphen and underscore (seen in the wild) in labels of
// 1..63 bytes, at most 255 bytes in all.
func msgValidHostName(s []byte) bool {
	if len(s) == 0 || len(s) > 255 {
		return false
	}
	label := 0
	for _, c := range s {
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
			if label > 63 {
				return false
			}
		default:
			return false
		}
	}
	return label != 0
}

func msgReadUint16List(data *cryptobyte.String) ([]uint16, bool) {
	var list cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&list) || list.Empty() || len(list)%2 != 0 {
		return nil, false
	}
	out := make([]uint16, 0, len(list)/2)
	for !list.Empty() {
		var x uint16
		list.ReadUint16(&x)
		out = append(out, x)
	}
	return out, true
}

func msgReadSchemes(data *cryptobyte.String) ([]SignatureScheme, bool) {
	l, ok := msgReadUint16List(data)
	if !ok {
		return nil, false
	}
	out := make([]SignatureScheme, len(l))
	for i, x := range l {
		out[i] = SignatureScheme(x)
	}
	return out, true
}

func msgAddSchemes(b *cryptobyte.Builder, schemes []SignatureScheme) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, s := range schemes {
			b.AddUint16(uint16(s))
		}
	})
}

// msgReadALPN reads a ProtocolNameList (RFC 7301 §3.1): non-empty, and every
// name non-empty.
func msgReadALPN(data *cryptobyte.String) ([]string, bool) {
	var list cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return nil, false
	}
	var out []string
	for !list.Empty() {
		var name cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&name) || name.Empty() {
			return nil, false
		}
		out = append(out, string(name))
	}
	return out, true
}

func msgAddALPN(b *cryptobyte.Builder, protos []string) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, p := range protos {
			if p == "" {
				b.SetError(msgLimitErr("empty ALPN protocol name"))
				return
			}
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(p)) })
		}
	})
}

// ---------------------------------------------------------------------------
// HelloRequest (RFC 5246 §7.4.1.1)

// HelloRequest asks the client to begin a renegotiation. It has no body and
// is never part of the transcript.
type HelloRequest struct {
	raw []byte
}

// Type returns TypeHelloRequest.
func (m *HelloRequest) Type() MsgType { return TypeHelloRequest }

// Marshal encodes the message.
func (m *HelloRequest) Marshal() []byte {
	return msgMarshal(TypeHelloRequest, func(*cryptobyte.Builder) {})
}

// Raw returns the bytes as received, or Marshal's output.
func (m *HelloRequest) Raw() []byte { return msgRawOr(m.raw, m) }

// ---------------------------------------------------------------------------
// ClientHello (RFC 5246 §7.4.1.2)

// ClientHello is the client's first flight. Known extensions are decoded into
// fields; Extensions lists every extension type seen, in order, including
// unknown ones (which are skipped). Extensions is ignored by Marshal, which
// emits the known extensions that are set, in ascending code-point order, and
// no extensions block at all when none is set.
type ClientHello struct {
	Version            Version // legacy client_version
	Random             [32]byte
	SessionID          []byte
	CipherSuites       []uint16
	CompressionMethods []uint8

	// ServerName is the SNI host_name (RFC 6066 §3); "" means absent.
	ServerName string
	// SupportedCurves is supported_groups (RFC 8422 §5.1.1).
	SupportedCurves []CurveID
	// SupportedPoints is ec_point_formats (RFC 8422 §5.1.2);
	// PointFormatsPresent says whether the extension was sent. Marshal emits
	// the extension when SupportedPoints is non-empty.
	SupportedPoints     []uint8
	PointFormatsPresent bool
	// SignatureSchemes is signature_algorithms (RFC 5246 §7.4.1.4.1).
	SignatureSchemes []SignatureScheme
	// ALPNProtocols is application_layer_protocol_negotiation (RFC 7301).
	ALPNProtocols []string
	// ExtendedMasterSecret is extended_master_secret (RFC 7627).
	ExtendedMasterSecret bool
	// SecureRenegotiationSupported says renegotiation_info (RFC 5746) was
	// present; SecureRenegotiation is its renegotiated_connection content.
	SecureRenegotiationSupported bool
	SecureRenegotiation          []byte
	// TicketSupported says session_ticket (RFC 5077) was present;
	// SessionTicket is its content (empty asks for a new ticket).
	SessionTicket   []byte
	TicketSupported bool
	// SRPUser is the srp extension's srp_I (RFC 5054 §2.8.1); "" means absent.
	SRPUser string

	// Extensions lists every extension type seen, in order (decode only).
	Extensions []uint16

	raw []byte
}

// Type returns TypeClientHello.
func (m *ClientHello) Type() MsgType { return TypeClientHello }

// Raw returns the bytes as received, or Marshal's output.
func (m *ClientHello) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *ClientHello) Marshal() []byte {
	return msgMarshal(TypeClientHello, func(b *cryptobyte.Builder) {
		b.AddUint16(uint16(m.Version))
		b.AddBytes(m.Random[:])
		if len(m.SessionID) > 32 {
			b.SetError(msgLimitErr("session id longer than 32 bytes"))
			return
		}
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, s := range m.CipherSuites {
				b.AddUint16(s)
			}
		})
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.CompressionMethods) })
		msgAddExtensions(b, func(b *cryptobyte.Builder) {
			if m.ServerName != "" {
				if !msgValidHostName([]byte(m.ServerName)) {
					b.SetError(msgLimitErr("invalid server name"))
					return
				}
				msgAddExtension(b, ExtServerName, func(b *cryptobyte.Builder) {
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
						b.AddUint8(0) // host_name
						b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.ServerName)) })
					})
				})
			}
			if len(m.SupportedCurves) > 0 {
				msgAddExtension(b, ExtSupportedGroups, func(b *cryptobyte.Builder) {
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
						for _, c := range m.SupportedCurves {
							b.AddUint16(uint16(c))
						}
					})
				})
			}
			if len(m.SupportedPoints) > 0 {
				msgAddExtension(b, ExtECPointFormats, func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SupportedPoints) })
				})
			}
			if m.SRPUser != "" {
				if len(m.SRPUser) > 255 {
					b.SetError(msgLimitErr("srp user name longer than 255 bytes"))
					return
				}
				msgAddExtension(b, ExtSRP, func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.SRPUser)) })
				})
			}
			if len(m.SignatureSchemes) > 0 {
				msgAddExtension(b, ExtSignatureAlgorithms, func(b *cryptobyte.Builder) { msgAddSchemes(b, m.SignatureSchemes) })
			}
			if len(m.ALPNProtocols) > 0 {
				msgAddExtension(b, ExtALPN, func(b *cryptobyte.Builder) { msgAddALPN(b, m.ALPNProtocols) })
			}
			if m.ExtendedMasterSecret {
				msgAddExtension(b, ExtExtendedMasterSecret, func(*cryptobyte.Builder) {})
			}
			if m.TicketSupported {
				msgAddExtension(b, ExtSessionTicket, func(b *cryptobyte.Builder) { b.AddBytes(m.SessionTicket) })
			}
			if m.SecureRenegotiationSupported {
				msgAddExtension(b, ExtRenegotiationInfo, func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SecureRenegotiation) })
				})
			}
		})
	})
}

func parseClientHello(raw []byte, body cryptobyte.String) (*ClientHello, *record.AlertError) {
	m := &ClientHello{raw: raw}
	var ver uint16
	var random []byte
	var sid, suites, comp cryptobyte.String
	if !body.ReadUint16(&ver) || !body.ReadBytes(&random, 32) ||
		!body.ReadUint8LengthPrefixed(&sid) ||
		!body.ReadUint16LengthPrefixed(&suites) ||
		!body.ReadUint8LengthPrefixed(&comp) {
		return nil, msgDecodeErr("malformed client_hello")
	}
	m.Version = Version(ver)
	copy(m.Random[:], random)
	if len(sid) > 32 {
		return nil, msgDecodeErr("session id longer than 32 bytes")
	}
	m.SessionID = sid
	// cipher_suites<2..2^16-2>, compression_methods<1..2^8-1>.
	if len(suites) == 0 || len(suites)%2 != 0 {
		return nil, msgDecodeErr("malformed cipher_suites")
	}
	m.CipherSuites = make([]uint16, 0, len(suites)/2)
	for !suites.Empty() {
		var s uint16
		suites.ReadUint16(&s)
		m.CipherSuites = append(m.CipherSuites, s)
	}
	if len(comp) == 0 {
		return nil, msgDecodeErr("empty compression_methods")
	}
	m.CompressionMethods = comp

	exts, err := msgReadExtensions(&body, m.parseExtension)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	return m, nil
}

func (m *ClientHello) parseExtension(typ uint16, data cryptobyte.String) *record.AlertError {
	ok := true
	switch typ {
	case ExtServerName: // RFC 6066 §3
		var list cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&list) || list.Empty() {
			return msgDecodeErr("malformed server_name")
		}
		for !list.Empty() {
			var nameType uint8
			var name cryptobyte.String
			if !list.ReadUint8(&nameType) || !list.ReadUint16LengthPrefixed(&name) || name.Empty() {
				return msgDecodeErr("malformed server_name")
			}
			if nameType != 0 { // only host_name is defined; others are ignored
				continue
			}
			if m.ServerName != "" {
				return msgDecodeErr("server_name with more than one host_name")
			}
			if !msgValidHostName(name) {
				return msgDecodeErr("invalid server_name host_name")
			}
			m.ServerName = string(name)
		}
	case ExtSupportedGroups: // RFC 8422 §5.1.1: NamedCurveList<2..2^16-1>
		var l []uint16
		l, ok = msgReadUint16List(&data)
		m.SupportedCurves = make([]CurveID, len(l))
		for i, c := range l {
			m.SupportedCurves[i] = CurveID(c)
		}
	case ExtECPointFormats: // RFC 8422 §5.1.2: ECPointFormatList<1..2^8-1>
		var pts cryptobyte.String
		ok = data.ReadUint8LengthPrefixed(&pts) && !pts.Empty()
		m.SupportedPoints = pts
		m.PointFormatsPresent = true
	case ExtSRP: // RFC 5054 §2.8.1: opaque srp_I<1..2^8-1>
		var user cryptobyte.String
		ok = data.ReadUint8LengthPrefixed(&user) && !user.Empty()
		m.SRPUser = string(user)
	case ExtSignatureAlgorithms: // RFC 5246 §7.4.1.4.1
		m.SignatureSchemes, ok = msgReadSchemes(&data)
	case ExtALPN: // RFC 7301 §3.1
		m.ALPNProtocols, ok = msgReadALPN(&data)
	case ExtExtendedMasterSecret: // RFC 7627 §5.1: empty extension_data
		m.ExtendedMasterSecret = true
	case ExtSessionTicket: // RFC 5077 §3.2: the ticket is the whole data
		m.TicketSupported = true
		m.SessionTicket = data
		data = nil
	case ExtRenegotiationInfo: // RFC 5746 §3.2
		var rc cryptobyte.String
		ok = data.ReadUint8LengthPrefixed(&rc)
		m.SecureRenegotiationSupported = true
		m.SecureRenegotiation = rc
	default:
		return nil // unknown: recorded by the caller, skipped
	}
	if !ok || !data.Empty() {
		return msgDecodeErr("malformed extension in client_hello")
	}
	return nil
}

// ---------------------------------------------------------------------------
// ServerHello (RFC 5246 §7.4.1.3)

// ServerHello is the server's answer to a ClientHello. Extensions lists every
// extension type seen, in order (decode only; the caller rejects any the
// client did not offer with unsupported_extension). Marshal emits the known
// extensions that are set, in ascending code-point order.
type ServerHello struct {
	Version           Version
	Random            [32]byte
	SessionID         []byte
	CipherSuite       uint16
	CompressionMethod uint8

	ExtendedMasterSecret         bool   // RFC 7627
	SecureRenegotiationSupported bool   // RFC 5746 renegotiation_info present
	SecureRenegotiation          []byte // its content (client || server verify_data)
	ALPNProtocol                 string // RFC 7301, "" = absent
	PointFormats                 []uint8
	TicketSupported              bool // RFC 5077: empty session_ticket
	ServerNameAck                bool // RFC 6066: empty server_name
	Extensions                   []uint16

	raw []byte
}

// Type returns TypeServerHello.
func (m *ServerHello) Type() MsgType { return TypeServerHello }

// Raw returns the bytes as received, or Marshal's output.
func (m *ServerHello) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *ServerHello) Marshal() []byte {
	return msgMarshal(TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(uint16(m.Version))
		b.AddBytes(m.Random[:])
		if len(m.SessionID) > 32 {
			b.SetError(msgLimitErr("session id longer than 32 bytes"))
			return
		}
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		b.AddUint16(m.CipherSuite)
		b.AddUint8(m.CompressionMethod)
		msgAddExtensions(b, func(b *cryptobyte.Builder) {
			if m.ServerNameAck {
				msgAddExtension(b, ExtServerName, func(*cryptobyte.Builder) {})
			}
			if len(m.PointFormats) > 0 {
				msgAddExtension(b, ExtECPointFormats, func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.PointFormats) })
				})
			}
			if m.ALPNProtocol != "" {
				msgAddExtension(b, ExtALPN, func(b *cryptobyte.Builder) { msgAddALPN(b, []string{m.ALPNProtocol}) })
			}
			if m.ExtendedMasterSecret {
				msgAddExtension(b, ExtExtendedMasterSecret, func(*cryptobyte.Builder) {})
			}
			if m.TicketSupported {
				msgAddExtension(b, ExtSessionTicket, func(*cryptobyte.Builder) {})
			}
			if m.SecureRenegotiationSupported {
				msgAddExtension(b, ExtRenegotiationInfo, func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SecureRenegotiation) })
				})
			}
		})
	})
}

func parseServerHello(raw []byte, body cryptobyte.String) (*ServerHello, *record.AlertError) {
	m := &ServerHello{raw: raw}
	var ver uint16
	var random []byte
	var sid cryptobyte.String
	if !body.ReadUint16(&ver) || !body.ReadBytes(&random, 32) ||
		!body.ReadUint8LengthPrefixed(&sid) ||
		!body.ReadUint16(&m.CipherSuite) || !body.ReadUint8(&m.CompressionMethod) {
		return nil, msgDecodeErr("malformed server_hello")
	}
	m.Version = Version(ver)
	copy(m.Random[:], random)
	if len(sid) > 32 {
		return nil, msgDecodeErr("session id longer than 32 bytes")
	}
	m.SessionID = sid
	exts, err := msgReadExtensions(&body, m.parseExtension)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	return m, nil
}

func (m *ServerHello) parseExtension(typ uint16, data cryptobyte.String) *record.AlertError {
	ok := true
	switch typ {
	case ExtServerName: // RFC 6066 §3: the server's acknowledgement is empty
		m.ServerNameAck = true
	case ExtECPointFormats:
		var pts cryptobyte.String
		ok = data.ReadUint8LengthPrefixed(&pts) && !pts.Empty()
		m.PointFormats = pts
	case ExtALPN: // RFC 7301 §3.1: exactly one protocol
		var protos []string
		protos, ok = msgReadALPN(&data)
		if ok && len(protos) != 1 {
			return msgDecodeErr("server ALPN must name exactly one protocol")
		}
		if ok {
			m.ALPNProtocol = protos[0]
		}
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
	case ExtSessionTicket: // RFC 5077 §3.2: empty in the ServerHello
		m.TicketSupported = true
	case ExtRenegotiationInfo:
		var rc cryptobyte.String
		ok = data.ReadUint8LengthPrefixed(&rc)
		m.SecureRenegotiationSupported = true
		m.SecureRenegotiation = rc
	default:
		return nil
	}
	if !ok || !data.Empty() {
		return msgDecodeErr("malformed extension in server_hello")
	}
	return nil
}

// ---------------------------------------------------------------------------
// Certificate (RFC 5246 §7.4.2, §7.4.6)

// Certificate carries a DER certificate chain, leaf first. An empty list is
// valid (a client without a suitable certificate).
type Certificate struct {
	Certificates [][]byte
	raw          []byte
}

// Type returns TypeCertificate.
func (m *Certificate) Type() MsgType { return TypeCertificate }

// Raw returns the bytes as received, or Marshal's output.
func (m *Certificate) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message; nil if a certificate is empty or too long.
func (m *Certificate) Marshal() []byte {
	return msgMarshal(TypeCertificate, func(b *cryptobyte.Builder) {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, c := range m.Certificates {
				if len(c) == 0 {
					b.SetError(msgLimitErr("empty certificate"))
					return
				}
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
			}
		})
	})
}

func parseCertificate(raw []byte, body cryptobyte.String) (*Certificate, *record.AlertError) {
	var list cryptobyte.String
	if !body.ReadUint24LengthPrefixed(&list) || !body.Empty() {
		return nil, msgDecodeErr("malformed certificate message")
	}
	m := &Certificate{raw: raw}
	for !list.Empty() {
		var c cryptobyte.String
		// ASN.1Cert<1..2^24-1>
		if !list.ReadUint24LengthPrefixed(&c) || c.Empty() {
			return nil, msgDecodeErr("malformed certificate entry")
		}
		m.Certificates = append(m.Certificates, c)
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4)

// ServerKeyExchange holds the opaque body; its structure depends on the
// negotiated key exchange. Decode it with ParseECDHEParams or ParseDHEParams
// (or the methods of the same name) and build it with
// MarshalServerKeyExchangeSigned.
type ServerKeyExchange struct {
	Key []byte
	raw []byte
}

// Type returns TypeServerKeyExchange.
func (m *ServerKeyExchange) Type() MsgType { return TypeServerKeyExchange }

// Raw returns the bytes as received, or Marshal's output.
func (m *ServerKeyExchange) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *ServerKeyExchange) Marshal() []byte {
	return msgMarshal(TypeServerKeyExchange, func(b *cryptobyte.Builder) { b.AddBytes(m.Key) })
}

// ECDHEParams decodes the body as signed ECDHE parameters (see ParseECDHEParams).
func (m *ServerKeyExchange) ECDHEParams(v Version) (*ECDHEParams, *record.AlertError) {
	return ParseECDHEParams(m.Key, v)
}

// DHEParams decodes the body as signed finite-field DHE parameters (see ParseDHEParams).
func (m *ServerKeyExchange) DHEParams(v Version) (*DHEParams, *record.AlertError) {
	return ParseDHEParams(m.Key, v)
}

// MarshalServerKeyExchangeSigned builds a ServerKeyExchange whose body is
// params || [scheme, TLS 1.2 only] || signature<0..2^16-1> (RFC 5246 §4.7,
// §7.4.3). It returns nil if sig is longer than 65535 bytes.
func MarshalServerKeyExchangeSigned(params []byte, v Version, scheme SignatureScheme, sig []byte) *ServerKeyExchange {
	var b cryptobyte.Builder
	b.AddBytes(params)
	msgAddSignature(&b, v, scheme, sig)
	key, err := b.Bytes()
	if err != nil {
		return nil
	}
	return &ServerKeyExchange{Key: key}
}

// msgAddSignature writes a digitally-signed element: the
// SignatureAndHashAlgorithm only from TLS 1.2 on, then the opaque signature.
func msgAddSignature(b *cryptobyte.Builder, v Version, scheme SignatureScheme, sig []byte) {
	if v >= record.VersionTLS12 {
		b.AddUint16(uint16(scheme))
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sig) })
}

// msgReadSignature reads what msgAddSignature writes and requires nothing after it.
func msgReadSignature(s *cryptobyte.String, v Version) (has bool, scheme SignatureScheme, sig []byte, ok bool) {
	if v >= record.VersionTLS12 {
		var x uint16
		if !s.ReadUint16(&x) {
			return false, 0, nil, false
		}
		has, scheme = true, SignatureScheme(x)
	}
	var sg cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&sg) || !s.Empty() {
		return false, 0, nil, false
	}
	return has, scheme, sg, true
}

// ECDHEParams is a decoded ECDHE ServerKeyExchange (RFC 8422 §5.4) with a
// named curve. Signed is the ServerECDHParams encoding (curve_type through
// public) that the signature covers, after client_random || server_random.
// HasScheme is true from TLS 1.2 on, when Scheme is present.
type ECDHEParams struct {
	Curve     CurveID
	Public    []byte
	HasScheme bool
	Scheme    SignatureScheme
	Signature []byte
	Signed    []byte
}

// ParseECDHEParams decodes a signed ECDHE ServerKeyExchange body. Only
// named_curve is accepted (explicit curves are deprecated by RFC 8422 §5.4):
// another curve_type is illegal_parameter; malformed input is decode_error.
// Whether the curve was offered is for the caller to check.
func ParseECDHEParams(ske []byte, v Version) (*ECDHEParams, *record.AlertError) {
	s := cryptobyte.String(ske)
	var curveType uint8
	if !s.ReadUint8(&curveType) {
		return nil, msgDecodeErr("malformed ECDHE server params")
	}
	if curveType != ecCurveTypeNamed {
		return nil, msgIllegal("ECDHE server params: curve type is not named_curve")
	}
	var curve uint16
	var pub cryptobyte.String
	// ECPoint point<1..2^8-1>
	if !s.ReadUint16(&curve) || !s.ReadUint8LengthPrefixed(&pub) || pub.Empty() {
		return nil, msgDecodeErr("malformed ECDHE server params")
	}
	p := &ECDHEParams{Curve: CurveID(curve), Public: pub, Signed: ske[:len(ske)-len(s)]}
	var ok bool
	p.HasScheme, p.Scheme, p.Signature, ok = msgReadSignature(&s, v)
	if !ok {
		return nil, msgDecodeErr("malformed ECDHE server key exchange signature")
	}
	return p, nil
}

// MarshalECDHEParams encodes ServerECDHParams for a named curve: the part of
// the ServerKeyExchange that is signed (RFC 8422 §5.4). It returns nil if
// public is empty or longer than 255 bytes.
func MarshalECDHEParams(curve CurveID, public []byte) []byte {
	if len(public) == 0 || len(public) > 255 {
		return nil
	}
	out := make([]byte, 0, 4+len(public))
	out = append(out, ecCurveTypeNamed, byte(curve>>8), byte(curve), byte(len(public)))
	return append(out, public...)
}

// DHEParams is a decoded finite-field DHE ServerKeyExchange (RFC 5246
// §7.4.3): ServerDHParams then the signature. Signed is the ServerDHParams
// encoding the signature covers, after client_random || server_random.
type DHEParams struct {
	P, G, Public []byte
	HasScheme    bool
	Scheme       SignatureScheme
	Signature    []byte
	Signed       []byte
}

// ParseDHEParams decodes a signed DHE ServerKeyExchange body: dh_p, dh_g and
// dh_Ys, each opaque<1..2^16-1>, then the signature. Malformed input is
// decode_error; the group's strength is for the caller to judge.
func ParseDHEParams(ske []byte, v Version) (*DHEParams, *record.AlertError) {
	s := cryptobyte.String(ske)
	var p, g, y cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&p) || p.Empty() ||
		!s.ReadUint16LengthPrefixed(&g) || g.Empty() ||
		!s.ReadUint16LengthPrefixed(&y) || y.Empty() {
		return nil, msgDecodeErr("malformed DHE server params")
	}
	d := &DHEParams{P: p, G: g, Public: y, Signed: ske[:len(ske)-len(s)]}
	var ok bool
	d.HasScheme, d.Scheme, d.Signature, ok = msgReadSignature(&s, v)
	if !ok {
		return nil, msgDecodeErr("malformed DHE server key exchange signature")
	}
	return d, nil
}

// MarshalDHEParams encodes ServerDHParams (the signed part). It returns nil
// if a value is empty or longer than 65535 bytes.
func MarshalDHEParams(p, g, public []byte) []byte {
	var b cryptobyte.Builder
	for _, x := range [][]byte{p, g, public} {
		if len(x) == 0 {
			return nil
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(x) })
	}
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}

// ---------------------------------------------------------------------------
// CertificateRequest (RFC 5246 §7.4.4; RFC 4346 §7.4.4 before TLS 1.2)

// CertificateRequest asks the client for a certificate. SignatureSchemes is
// present only when Version is TLS 1.2 or later; Marshal follows Version too.
type CertificateRequest struct {
	Version          Version
	CertificateTypes []uint8
	SignatureSchemes []SignatureScheme
	CAs              [][]byte // DER-encoded DistinguishedNames
	raw              []byte
}

// Type returns TypeCertificateRequest.
func (m *CertificateRequest) Type() MsgType { return TypeCertificateRequest }

// Raw returns the bytes as received, or Marshal's output.
func (m *CertificateRequest) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message; nil if a list breaks its wire limits.
func (m *CertificateRequest) Marshal() []byte {
	return msgMarshal(TypeCertificateRequest, func(b *cryptobyte.Builder) {
		if len(m.CertificateTypes) == 0 {
			b.SetError(msgLimitErr("empty certificate_types"))
			return
		}
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.CertificateTypes) })
		if m.Version >= record.VersionTLS12 {
			if len(m.SignatureSchemes) == 0 {
				b.SetError(msgLimitErr("empty supported_signature_algorithms"))
				return
			}
			msgAddSchemes(b, m.SignatureSchemes)
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, dn := range m.CAs {
				if len(dn) == 0 {
					b.SetError(msgLimitErr("empty distinguished name"))
					return
				}
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(dn) })
			}
		})
	})
}

func parseCertificateRequest(raw []byte, body cryptobyte.String, v Version) (*CertificateRequest, *record.AlertError) {
	m := &CertificateRequest{Version: v, raw: raw}
	var types cryptobyte.String
	// ClientCertificateType certificate_types<1..2^8-1>
	if !body.ReadUint8LengthPrefixed(&types) || types.Empty() {
		return nil, msgDecodeErr("malformed certificate_request types")
	}
	m.CertificateTypes = types
	if v >= record.VersionTLS12 {
		var ok bool
		// supported_signature_algorithms<2..2^16-2>
		if m.SignatureSchemes, ok = msgReadSchemes(&body); !ok {
			return nil, msgDecodeErr("malformed certificate_request signature algorithms")
		}
	}
	var cas cryptobyte.String
	if !body.ReadUint16LengthPrefixed(&cas) || !body.Empty() {
		return nil, msgDecodeErr("malformed certificate_request authorities")
	}
	for !cas.Empty() {
		var dn cryptobyte.String
		// DistinguishedName<1..2^16-1>
		if !cas.ReadUint16LengthPrefixed(&dn) || dn.Empty() {
			return nil, msgDecodeErr("malformed certificate_request authority")
		}
		m.CAs = append(m.CAs, dn)
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// ServerHelloDone (RFC 5246 §7.4.5)

// ServerHelloDone ends the server's hello flight. It has no body.
type ServerHelloDone struct {
	raw []byte
}

// Type returns TypeServerHelloDone.
func (m *ServerHelloDone) Type() MsgType { return TypeServerHelloDone }

// Raw returns the bytes as received, or Marshal's output.
func (m *ServerHelloDone) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *ServerHelloDone) Marshal() []byte {
	return msgMarshal(TypeServerHelloDone, func(*cryptobyte.Builder) {})
}

// ---------------------------------------------------------------------------
// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7)

// ClientKeyExchange holds the opaque body; decode it with
// ParseECDHEClientKey, ParseRSAClientKey or ParseDHEClientKey.
type ClientKeyExchange struct {
	Body []byte
	raw  []byte
}

// Type returns TypeClientKeyExchange.
func (m *ClientKeyExchange) Type() MsgType { return TypeClientKeyExchange }

// Raw returns the bytes as received, or Marshal's output.
func (m *ClientKeyExchange) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *ClientKeyExchange) Marshal() []byte {
	return msgMarshal(TypeClientKeyExchange, func(b *cryptobyte.Builder) { b.AddBytes(m.Body) })
}

// ParseECDHEClientKey decodes ClientECDiffieHellmanPublic with an explicit
// ecdh_Yc, an ECPoint<1..2^8-1> (RFC 8422 §5.7). The implicit (empty) form
// belongs to fixed-ECDH client certificates, which are not supported.
func ParseECDHEClientKey(b []byte) ([]byte, *record.AlertError) {
	s := cryptobyte.String(b)
	var pub cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&pub) || pub.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed ECDHE client key exchange")
	}
	return pub, nil
}

// ParseRSAClientKey returns the EncryptedPreMasterSecret (RFC 5246
// §7.4.7.1): opaque<0..2^16-1> from TLS 1.0 on, the bare body in SSL 3.0. An
// empty value is decode_error. Framing errors here reveal nothing about the
// decryption, so they may be reported directly.
func ParseRSAClientKey(b []byte, v Version) ([]byte, *record.AlertError) {
	if v <= record.VersionSSL30 {
		if len(b) == 0 {
			return nil, msgDecodeErr("empty RSA client key exchange")
		}
		return b, nil
	}
	s := cryptobyte.String(b)
	var enc cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&enc) || enc.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed RSA client key exchange")
	}
	return enc, nil
}

// ParseDHEClientKey decodes ClientDiffieHellmanPublic with an explicit
// dh_Yc<1..2^16-1> (RFC 5246 §7.4.7.2).
func ParseDHEClientKey(b []byte) ([]byte, *record.AlertError) {
	s := cryptobyte.String(b)
	var pub cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&pub) || pub.Empty() || !s.Empty() {
		return nil, msgDecodeErr("malformed DHE client key exchange")
	}
	return pub, nil
}

// NewECDHEClientKeyExchange builds a ClientKeyExchange carrying ecdh_Yc. It
// returns nil if pub is empty or longer than 255 bytes.
func NewECDHEClientKeyExchange(pub []byte) *ClientKeyExchange {
	if len(pub) == 0 || len(pub) > 255 {
		return nil
	}
	body := make([]byte, 0, 1+len(pub))
	body = append(body, byte(len(pub)))
	return &ClientKeyExchange{Body: append(body, pub...)}
}

// NewRSAClientKeyExchange builds a ClientKeyExchange carrying the encrypted
// pre-master secret, length-prefixed from TLS 1.0 on. It returns nil if enc
// is empty or longer than 65535 bytes.
func NewRSAClientKeyExchange(enc []byte, v Version) *ClientKeyExchange {
	if len(enc) == 0 || len(enc) > 0xffff {
		return nil
	}
	if v <= record.VersionSSL30 {
		return &ClientKeyExchange{Body: append([]byte(nil), enc...)}
	}
	body := make([]byte, 0, 2+len(enc))
	body = append(body, byte(len(enc)>>8), byte(len(enc)))
	return &ClientKeyExchange{Body: append(body, enc...)}
}

// NewDHEClientKeyExchange builds a ClientKeyExchange carrying dh_Yc. It
// returns nil if pub is empty or longer than 65535 bytes.
func NewDHEClientKeyExchange(pub []byte) *ClientKeyExchange {
	if len(pub) == 0 || len(pub) > 0xffff {
		return nil
	}
	body := make([]byte, 0, 2+len(pub))
	body = append(body, byte(len(pub)>>8), byte(len(pub)))
	return &ClientKeyExchange{Body: append(body, pub...)}
}

// ---------------------------------------------------------------------------
// CertificateVerify (RFC 5246 §7.4.8)

// CertificateVerify proves possession of the client certificate's key. The
// SignatureAndHashAlgorithm is present only from TLS 1.2 on: the decoder sets
// HasScheme from the version, and Marshal includes Scheme when Version is TLS
// 1.2 or later.
type CertificateVerify struct {
	Version   Version
	HasScheme bool
	Scheme    SignatureScheme
	Signature []byte
	raw       []byte
}

// Type returns TypeCertificateVerify.
func (m *CertificateVerify) Type() MsgType { return TypeCertificateVerify }

// Raw returns the bytes as received, or Marshal's output.
func (m *CertificateVerify) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *CertificateVerify) Marshal() []byte {
	return msgMarshal(TypeCertificateVerify, func(b *cryptobyte.Builder) {
		msgAddSignature(b, m.Version, m.Scheme, m.Signature)
	})
}

func parseCertificateVerify(raw []byte, body cryptobyte.String, v Version) (*CertificateVerify, *record.AlertError) {
	m := &CertificateVerify{Version: v, raw: raw}
	var ok bool
	m.HasScheme, m.Scheme, m.Signature, ok = msgReadSignature(&body, v)
	if !ok {
		return nil, msgDecodeErr("malformed certificate_verify")
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// Finished (RFC 5246 §7.4.9)

// Finished carries verify_data: 12 bytes in TLS 1.0–1.2 with the standard
// suites, 36 in SSL 3.0. Its length is checked, in constant time with the
// contents, by whoever compares it.
type Finished struct {
	VerifyData []byte
	raw        []byte
}

// Type returns TypeFinished.
func (m *Finished) Type() MsgType { return TypeFinished }

// Raw returns the bytes as received, or Marshal's output.
func (m *Finished) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *Finished) Marshal() []byte {
	return msgMarshal(TypeFinished, func(b *cryptobyte.Builder) { b.AddBytes(m.VerifyData) })
}

// ---------------------------------------------------------------------------
// NewSessionTicket (RFC 5077 §3.3)

// NewSessionTicket hands the client a session ticket. An empty Ticket is
// valid: the server changed its mind after acknowledging the extension.
type NewSessionTicket struct {
	LifetimeHint uint32
	Ticket       []byte
	raw          []byte
}

// Type returns TypeNewSessionTicket.
func (m *NewSessionTicket) Type() MsgType { return TypeNewSessionTicket }

// Raw returns the bytes as received, or Marshal's output.
func (m *NewSessionTicket) Raw() []byte { return msgRawOr(m.raw, m) }

// Marshal encodes the message.
func (m *NewSessionTicket) Marshal() []byte {
	return msgMarshal(TypeNewSessionTicket, func(b *cryptobyte.Builder) {
		b.AddUint32(m.LifetimeHint)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Ticket) })
	})
}

func parseNewSessionTicket(raw []byte, body cryptobyte.String) (*NewSessionTicket, *record.AlertError) {
	m := &NewSessionTicket{raw: raw}
	var t cryptobyte.String
	if !body.ReadUint32(&m.LifetimeHint) || !body.ReadUint16LengthPrefixed(&t) || !body.Empty() {
		return nil, msgDecodeErr("malformed new_session_ticket")
	}
	m.Ticket = t
	return m, nil
}
