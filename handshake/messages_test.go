// This file tests the handshake message codecs: round trips, strictness,
// truncation, and decoding of real hellos produced by Go's crypto/tls.
package handshake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/cryptobyte"

	"github.com/erlang-ssl-go/ssl/record"
)

var msgCmpOpts = cmp.Options{
	cmpopts.IgnoreUnexported(HelloRequest{}, ClientHello{}, ServerHello{}, Certificate{},
		ServerKeyExchange{}, CertificateRequest{}, ServerHelloDone{}, ClientKeyExchange{},
		CertificateVerify{}, Finished{}, NewSessionTicket{}),
	cmpopts.EquateEmpty(),
}

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// fullClientHello sets every field Marshal knows, with Extensions as the
// decoder will report them.
func fullClientHello() *ClientHello {
	m := &ClientHello{
		Version:                      record.VersionTLS12,
		SessionID:                    seq(32, 0x40),
		CipherSuites:                 []uint16{0xc02b, 0xc02f, 0x009c, SCSVRenegotiation},
		CompressionMethods:           []uint8{0},
		ServerName:                   "www.example.org",
		SupportedCurves:              []CurveID{CurveX25519, CurveP256, CurveP384},
		SupportedPoints:              []uint8{0},
		PointFormatsPresent:          true,
		SignatureSchemes:             DefaultSignatureSchemes,
		ALPNProtocols:                []string{"h2", "http/1.1"},
		ExtendedMasterSecret:         true,
		SecureRenegotiationSupported: true,
		SecureRenegotiation:          seq(12, 0x90),
		TicketSupported:              true,
		SessionTicket:                seq(100, 7),
		Extensions: []uint16{ExtServerName, ExtSupportedGroups, ExtECPointFormats,
			ExtSignatureAlgorithms, ExtALPN, ExtExtendedMasterSecret, ExtSessionTicket, ExtRenegotiationInfo},
	}
	copy(m.Random[:], seq(32, 1))
	return m
}

func minimalClientHello() *ClientHello {
	return &ClientHello{Version: record.VersionTLS10, CipherSuites: []uint16{0x002f}, CompressionMethods: []uint8{0}}
}

func fullServerHello() *ServerHello {
	m := &ServerHello{
		Version:                      record.VersionTLS12,
		SessionID:                    seq(32, 0x20),
		CipherSuite:                  0xc02b,
		ExtendedMasterSecret:         true,
		SecureRenegotiationSupported: true,
		SecureRenegotiation:          seq(24, 3),
		ALPNProtocol:                 "h2",
		PointFormats:                 []uint8{0},
		TicketSupported:              true,
		ServerNameAck:                true,
		Extensions: []uint16{ExtServerName, ExtECPointFormats, ExtALPN, ExtExtendedMasterSecret,
			ExtSessionTicket, ExtRenegotiationInfo},
	}
	copy(m.Random[:], seq(32, 0xa0))
	return m
}

type sample struct {
	name string
	v    Version
	msg  Message
	// framed is true when every strict prefix of the body is invalid (no
	// optional tail and no opaque body).
	framed bool
	// optionalAt is the body length at which a hello may legally end (its
	// optional extensions block), or -1.
	optionalAt int
}

// sampleMessages returns one or more messages of every type for version v.
func sampleMessages(v Version) []sample {
	ch := fullClientHello()
	chNoExt := minimalClientHello()
	sh := fullServerHello()
	shNoExt := &ServerHello{Version: v, CipherSuite: 0x002f}
	return []sample{
		{"HelloRequest", v, &HelloRequest{}, true, -1},
		{"ClientHello", v, ch, false, 2 + 32 + 1 + 32 + 2 + 8 + 1 + 1},
		{"ClientHelloNoExt", v, chNoExt, true, -1},
		{"ServerHello", v, sh, false, 2 + 32 + 1 + 32 + 2 + 1},
		{"ServerHelloNoExt", v, shNoExt, true, -1},
		{"Certificate", v, &Certificate{Certificates: [][]byte{seq(300, 1), seq(20, 2), {0x30}}}, true, -1},
		{"CertificateEmpty", v, &Certificate{}, true, -1},
		{"ServerKeyExchange", v, MarshalServerKeyExchangeSigned(MarshalECDHEParams(CurveX25519, seq(32, 9)), v, ECDSAWithP256AndSHA256, seq(70, 1)), false, -1},
		{"CertificateRequest", v, &CertificateRequest{Version: v, CertificateTypes: []uint8{1, 64},
			SignatureSchemes: msgSchemesFor(v), CAs: [][]byte{seq(40, 1), seq(50, 2)}}, true, -1},
		{"CertificateRequestNoCAs", v, &CertificateRequest{Version: v, CertificateTypes: []uint8{1},
			SignatureSchemes: msgSchemesFor(v)}, true, -1},
		{"ServerHelloDone", v, &ServerHelloDone{}, true, -1},
		{"ClientKeyExchange", v, NewECDHEClientKeyExchange(seq(65, 4)), false, -1},
		{"CertificateVerify", v, &CertificateVerify{Version: v, HasScheme: v >= record.VersionTLS12,
			Scheme: msgSchemeFor(v), Signature: seq(71, 5)}, true, -1},
		{"Finished", v, &Finished{VerifyData: seq(12, 6)}, false, -1},
		{"NewSessionTicket", v, &NewSessionTicket{LifetimeHint: 7200, Ticket: seq(128, 8)}, true, -1},
		{"NewSessionTicketEmpty", v, &NewSessionTicket{LifetimeHint: 1}, true, -1},
	}
}

func msgSchemesFor(v Version) []SignatureScheme {
	if v >= record.VersionTLS12 {
		return []SignatureScheme{ECDSAWithP256AndSHA256, PSSWithSHA256, PKCS1WithSHA256}
	}
	return nil
}

func msgSchemeFor(v Version) SignatureScheme {
	if v >= record.VersionTLS12 {
		return PSSWithSHA256
	}
	return 0
}

func wantAlert(t *testing.T, err *record.AlertError, want record.AlertDescription) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if err.Desc != want || err.Level != record.LevelFatal {
		t.Fatalf("got %v, want fatal %v", err, want)
	}
}

func mustParse(t *testing.T, raw []byte, v Version) Message {
	t.Helper()
	m, err := ParseMessage(raw, v)
	if err != nil {
		t.Fatalf("ParseMessage: %v", err)
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	for _, v := range []Version{record.VersionTLS12, record.VersionTLS11, record.VersionTLS10} {
		for _, s := range sampleMessages(v) {
			t.Run(v.String()+"/"+s.name, func(t *testing.T) {
				raw := s.msg.Marshal()
				if raw == nil {
					t.Fatal("Marshal returned nil")
				}
				if !bytes.Equal(s.msg.Raw(), raw) {
					t.Fatal("Raw of a built message differs from Marshal")
				}
				if MsgType(raw[0]) != s.msg.Type() {
					t.Fatalf("header type %d, want %d", raw[0], s.msg.Type())
				}
				got := mustParse(t, raw, v)
				if diff := cmp.Diff(s.msg, got, msgCmpOpts); diff != "" {
					t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
				}
				if !bytes.Equal(got.Raw(), raw) {
					t.Fatal("Raw of a parsed message is not the input")
				}
				if !bytes.Equal(got.Marshal(), raw) {
					t.Fatal("re-Marshal of a parsed message differs")
				}
			})
		}
	}
}

func TestParseMessageCopiesInput(t *testing.T) {
	raw := fullClientHello().Marshal()
	m := mustParse(t, raw, record.VersionTLS12).(*ClientHello)
	want := slices.Clone(raw)
	for i := range raw {
		raw[i] = 0xee
	}
	if !bytes.Equal(m.Raw(), want) || m.SessionID[0] != 0x40 {
		t.Fatal("parsed message aliases the caller's buffer")
	}
}

func TestHelloWithoutExtensionsHasNoBlock(t *testing.T) {
	raw := minimalClientHello().Marshal()
	// header 4 + version 2 + random 32 + sid 1 + suites 2+2 + compression 1+1
	if len(raw) != 4+2+32+1+4+2 {
		t.Fatalf("ClientHello without extensions is %d bytes: %x", len(raw), raw)
	}
	sh := (&ServerHello{Version: record.VersionTLS12, CipherSuite: 1}).Marshal()
	if len(sh) != 4+2+32+1+2+1 {
		t.Fatalf("ServerHello without extensions is %d bytes", len(sh))
	}
	// An empty but present extensions block is also legal.
	withEmpty := fixLen(append(slices.Clone(raw), 0, 0))
	m := mustParse(t, withEmpty, record.VersionTLS12).(*ClientHello)
	if len(m.Extensions) != 0 {
		t.Fatalf("extensions %v", m.Extensions)
	}
}

// fixLen rewrites the 3-byte length of a handshake header to match the body.
func fixLen(raw []byte) []byte {
	n := len(raw) - 4
	raw[1], raw[2], raw[3] = byte(n>>16), byte(n>>8), byte(n)
	return raw
}

func TestTruncations(t *testing.T) {
	for _, v := range []Version{record.VersionTLS12, record.VersionTLS10} {
		for _, s := range sampleMessages(v) {
			raw := s.msg.Marshal()
			// Cut anywhere: the header no longer matches.
			for i := 0; i < len(raw); i++ {
				if _, err := ParseMessage(raw[:i], v); err == nil {
					t.Fatalf("%s/%s: prefix of %d bytes accepted", v, s.name, i)
				}
			}
			// Cut the body and repair the header: only legal cut points pass.
			body := len(raw) - 4
			for i := 0; i < body; i++ {
				cut := fixLen(slices.Clone(raw[:4+i]))
				m, err := ParseMessage(cut, v)
				if err != nil && m != nil {
					t.Fatalf("%s/%s: cut at %d returned a message with the error", v, s.name, i)
				}
				switch {
				case s.framed && err == nil:
					t.Fatalf("%s/%s: body cut at %d accepted", v, s.name, i)
				case !s.framed && i < body && s.optionalAt >= 0 && i != s.optionalAt && err == nil:
					t.Fatalf("%s/%s: body cut at %d accepted", v, s.name, i)
				case i == s.optionalAt && err != nil:
					t.Fatalf("%s/%s: cut before optional extensions rejected: %v", v, s.name, err)
				}
				if err != nil && err.Desc != record.AlertDecodeError {
					t.Fatalf("%s/%s: cut at %d gave %v", v, s.name, i, err)
				}
			}
		}
	}
}

func TestTrailingBytes(t *testing.T) {
	for _, v := range []Version{record.VersionTLS12, record.VersionTLS10} {
		for _, s := range sampleMessages(v) {
			switch s.msg.Type() {
			case TypeServerKeyExchange, TypeClientKeyExchange, TypeFinished:
				continue // opaque bodies
			}
			for _, extra := range [][]byte{{0}, {0, 0, 0}, {0xff, 0xff}} {
				raw := fixLen(append(s.msg.Marshal(), extra...))
				if s.name == "ClientHelloNoExt" || s.name == "ServerHelloNoExt" {
					if len(extra) == 2 && extra[0] == 0 {
						continue
					}
				}
				_, err := ParseMessage(raw, v)
				wantAlert(t, err, record.AlertDecodeError)
			}
		}
	}
}

func TestHeaderChecks(t *testing.T) {
	wantAlert(t, func() *record.AlertError { _, e := ParseMessage(nil, record.VersionTLS12); return e }(), record.AlertDecodeError)
	_, err := ParseMessage([]byte{byte(TypeServerHelloDone), 0, 0, 1, 0}, record.VersionTLS12)
	wantAlert(t, err, record.AlertDecodeError)
	_, err = ParseMessage([]byte{byte(TypeServerHelloDone), 0, 0, 1}, record.VersionTLS12)
	wantAlert(t, err, record.AlertDecodeError)
	for _, typ := range []byte{3, 8, 21, 22, 24, 254} {
		_, err = ParseMessage([]byte{typ, 0, 0, 0}, record.VersionTLS12)
		wantAlert(t, err, record.AlertUnexpectedMessage)
	}
	if TypeClientHello.String() != "client_hello" || MsgType(99).String() != "unknown_handshake_type" {
		t.Fatal("MsgType.String")
	}
}

// rawClientHello builds a ClientHello around a literal extensions block.
func rawClientHello(exts func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(uint8(TypeClientHello))
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(uint16(record.VersionTLS12))
		b.AddBytes(make([]byte, 32))
		b.AddUint8(0)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(0xc02b) })
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
		b.AddUint16LengthPrefixed(exts)
	})
	return b.BytesOrPanic()
}

func rawServerHello(exts func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(uint8(TypeServerHello))
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(uint16(record.VersionTLS12))
		b.AddBytes(make([]byte, 32))
		b.AddUint8(0)
		b.AddUint16(0xc02b)
		b.AddUint8(0)
		b.AddUint16LengthPrefixed(exts)
	})
	return b.BytesOrPanic()
}

func ext(typ uint16, data ...byte) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddUint16(typ)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(data) })
	}
}

func exts(list ...func(b *cryptobyte.Builder)) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		for _, e := range list {
			e(b)
		}
	}
}

func sniData(names ...[]byte) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, n := range names {
			b.AddBytes(n)
		}
	})
	return b.BytesOrPanic()
}

func hostEntry(typ byte, name string) []byte {
	return append([]byte{typ, byte(len(name) >> 8), byte(len(name))}, name...)
}

func TestClientHelloExtensionErrors(t *testing.T) {
	long := string(bytes.Repeat([]byte("a."), 128)) + "a" // 257 bytes
	cases := []struct {
		name string
		exts func(b *cryptobyte.Builder)
	}{
		{"duplicate", exts(ext(ExtExtendedMasterSecret), ext(ExtExtendedMasterSecret))},
		{"duplicate unknown", exts(ext(0x1234), ext(ExtALPN, 0, 3, 2, 'h', '2'), ext(0x1234))},
		{"duplicate after many", exts(func(b *cryptobyte.Builder) {
			for i := range 40 {
				ext(uint16(1000 + i))(b)
			}
			ext(1005)(b)
		})},
		{"ems with data", exts(ext(ExtExtendedMasterSecret, 0))},
		{"sni empty ext", exts(ext(ExtServerName))},
		{"sni empty list", exts(ext(ExtServerName, 0, 0))},
		{"sni two host names", exts(ext(ExtServerName, sniData(hostEntry(0, "a.example"), hostEntry(0, "b.example"))...))},
		{"sni trailing dot", exts(ext(ExtServerName, sniData(hostEntry(0, "example.org."))...))},
		{"sni empty label", exts(ext(ExtServerName, sniData(hostEntry(0, "example..org"))...))},
		{"sni bad char", exts(ext(ExtServerName, sniData(hostEntry(0, "exa mple.org"))...))},
		{"sni nul", exts(ext(ExtServerName, sniData(hostEntry(0, "example.org\x00"))...))},
		{"sni non-ascii", exts(ext(ExtServerName, sniData(hostEntry(0, "ex\xc3\xa4mple.org"))...))},
		{"sni too long", exts(ext(ExtServerName, sniData(hostEntry(0, long))...))},
		{"sni long label", exts(ext(ExtServerName, sniData(hostEntry(0, string(bytes.Repeat([]byte("a"), 64))+".org"))...))},
		{"sni empty name", exts(ext(ExtServerName, sniData(hostEntry(0, ""))...))},
		{"sni trailing bytes", exts(ext(ExtServerName, append(sniData(hostEntry(0, "a.org")), 0)...))},
		{"groups empty", exts(ext(ExtSupportedGroups, 0, 0))},
		{"groups odd", exts(ext(ExtSupportedGroups, 0, 3, 0, 29, 0))},
		{"groups trailing", exts(ext(ExtSupportedGroups, 0, 2, 0, 29, 0))},
		{"points empty", exts(ext(ExtECPointFormats, 0))},
		{"points bad length", exts(ext(ExtECPointFormats, 2, 0))},
		{"sigalgs empty", exts(ext(ExtSignatureAlgorithms, 0, 0))},
		{"sigalgs odd", exts(ext(ExtSignatureAlgorithms, 0, 1, 4))},
		{"alpn empty list", exts(ext(ExtALPN, 0, 0))},
		{"alpn empty name", exts(ext(ExtALPN, 0, 1, 0))},
		{"alpn bad length", exts(ext(ExtALPN, 0, 4, 2, 'h', '2'))},
		{"reneg bad length", exts(ext(ExtRenegotiationInfo, 5, 1))},
		{"reneg trailing", exts(ext(ExtRenegotiationInfo, 0, 1))},
		{"truncated ext header", exts(func(b *cryptobyte.Builder) { b.AddUint16(1) })},
		{"ext length overrun", exts(func(b *cryptobyte.Builder) { b.AddUint16(1); b.AddUint16(10) })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMessage(rawClientHello(c.exts), record.VersionTLS12)
			wantAlert(t, err, record.AlertDecodeError)
		})
	}
}

func TestClientHelloExtensionsAccepted(t *testing.T) {
	raw := rawClientHello(exts(
		ext(0x5a5a), // GREASE-like unknown extension
		ext(ExtServerName, sniData(hostEntry(0, "Host_1.Example-2.org"), hostEntry(7, "ignored"))...),
		ext(ExtSessionTicket),
		ext(ExtRenegotiationInfo, 0),
		ext(43, 2, 3, 4), // supported_versions: unknown here
	))
	m := mustParse(t, raw, record.VersionTLS12).(*ClientHello)
	want := &ClientHello{
		Version: record.VersionTLS12, CipherSuites: []uint16{0xc02b}, CompressionMethods: []uint8{0},
		ServerName: "Host_1.Example-2.org", TicketSupported: true, SecureRenegotiationSupported: true,
		Extensions: []uint16{0x5a5a, ExtServerName, ExtSessionTicket, ExtRenegotiationInfo, 43},
	}
	if diff := cmp.Diff(want, m, msgCmpOpts); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// Re-encoding keeps the known extensions only, and parses again.
	again := mustParse(t, m.Marshal(), record.VersionTLS12).(*ClientHello)
	if !slices.Equal(again.Extensions, []uint16{ExtServerName, ExtSessionTicket, ExtRenegotiationInfo}) {
		t.Fatalf("re-encoded extensions %v", again.Extensions)
	}
}

func TestClientHelloFieldErrors(t *testing.T) {
	base := minimalClientHello().Marshal()
	// Offsets in the message: header 4, version 2, random 32 -> sid length at 38.
	mut := func(f func(b []byte) []byte) []byte { return fixLen(f(slices.Clone(base))) }
	cases := map[string][]byte{
		"session id 33": mut(func(b []byte) []byte {
			out := append(slices.Clone(b[:38]), 33)
			out = append(out, make([]byte, 33)...)
			return append(out, b[39:]...)
		}),
		"no cipher suites": mut(func(b []byte) []byte {
			return append(slices.Clone(b[:39]), 0, 0, 1, 0)
		}),
		"odd cipher suites": mut(func(b []byte) []byte {
			return append(slices.Clone(b[:39]), 0, 3, 0, 0x2f, 0, 1, 0)
		}),
		"no compression": mut(func(b []byte) []byte {
			return append(slices.Clone(b[:43]), 0)
		}),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseMessage(raw, record.VersionTLS12)
			wantAlert(t, err, record.AlertDecodeError)
		})
	}
	// A ClientHello without the null compression method still decodes:
	// rejecting it is negotiation's job.
	m := minimalClientHello()
	m.CompressionMethods = []uint8{1}
	if _, err := ParseMessage(m.Marshal(), record.VersionTLS12); err != nil {
		t.Fatal(err)
	}
}

func TestServerHelloExtensionErrors(t *testing.T) {
	cases := []struct {
		name string
		exts func(b *cryptobyte.Builder)
	}{
		{"duplicate", exts(ext(ExtRenegotiationInfo, 0), ext(ExtRenegotiationInfo, 0))},
		{"alpn two names", exts(ext(ExtALPN, 0, 6, 2, 'h', '2', 2, 'h', '3'))},
		{"alpn empty", exts(ext(ExtALPN, 0, 0))},
		{"sni ack with data", exts(ext(ExtServerName, 0, 0))},
		{"ticket with data", exts(ext(ExtSessionTicket, 1))},
		{"ems with data", exts(ext(ExtExtendedMasterSecret, 1))},
		{"points empty", exts(ext(ExtECPointFormats, 0))},
		{"reneg trailing", exts(ext(ExtRenegotiationInfo, 0, 0))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMessage(rawServerHello(c.exts), record.VersionTLS12)
			wantAlert(t, err, record.AlertDecodeError)
		})
	}
	m := mustParse(t, rawServerHello(exts(ext(0xabcd, 1, 2, 3), ext(ExtALPN, 0, 3, 2, 'h', '2'))), record.VersionTLS12).(*ServerHello)
	if m.ALPNProtocol != "h2" || !slices.Equal(m.Extensions, []uint16{0xabcd, ExtALPN}) {
		t.Fatalf("got %+v", m)
	}
}

func TestOtherMessageErrors(t *testing.T) {
	cases := []struct {
		name string
		v    Version
		raw  []byte
	}{
		{"hello_request body", record.VersionTLS12, []byte{0, 0, 0, 1, 0}},
		{"server_hello_done body", record.VersionTLS12, []byte{14, 0, 0, 1, 0}},
		{"certificate empty entry", record.VersionTLS12, []byte{11, 0, 0, 6, 0, 0, 3, 0, 0, 0}},
		{"certificate list overrun", record.VersionTLS12, []byte{11, 0, 0, 7, 0, 0, 5, 0, 0, 1, 0x30}},
		{"cert request no types", record.VersionTLS12, []byte{13, 0, 0, 7, 0, 0, 2, 4, 1, 0, 0}},
		{"cert request no sigalgs", record.VersionTLS12, []byte{13, 0, 0, 6, 1, 1, 0, 0, 0, 0}},
		{"cert request odd sigalgs", record.VersionTLS12, []byte{13, 0, 0, 7, 1, 1, 0, 1, 4, 0, 0}},
		{"cert request empty dn", record.VersionTLS12, []byte{13, 0, 0, 10, 1, 1, 0, 2, 4, 1, 0, 2, 0, 0}},
		{"cert request tls10 with sigalgs", record.VersionTLS10, []byte{13, 0, 0, 8, 1, 1, 0, 2, 4, 1, 0, 0}},
		{"cert verify tls12 no scheme", record.VersionTLS12, []byte{15, 0, 0, 2, 0, 0}},
		{"cert verify tls10 extra", record.VersionTLS10, []byte{15, 0, 0, 4, 4, 1, 0, 0}},
		{"ticket short", record.VersionTLS12, []byte{4, 0, 0, 5, 0, 0, 0, 1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMessage(c.raw, c.v)
			wantAlert(t, err, record.AlertDecodeError)
		})
	}
}

func TestMarshalRejectsOutOfRange(t *testing.T) {
	ch := minimalClientHello()
	ch.SessionID = make([]byte, 33)
	sh := &ServerHello{SessionID: make([]byte, 33)}
	badSNI := minimalClientHello()
	badSNI.ServerName = "bad name."
	longALPN := minimalClientHello()
	longALPN.ALPNProtocols = []string{string(make([]byte, 256))}
	emptyALPN := minimalClientHello()
	emptyALPN.ALPNProtocols = []string{""}
	for name, m := range map[string]Message{
		"ch session id":  ch,
		"sh session id":  sh,
		"sni":            badSNI,
		"alpn long":      longALPN,
		"alpn empty":     emptyALPN,
		"empty cert":     &Certificate{Certificates: [][]byte{{}}},
		"cr no types":    &CertificateRequest{Version: record.VersionTLS10},
		"cr no sigalgs":  &CertificateRequest{Version: record.VersionTLS12, CertificateTypes: []uint8{1}},
		"cr empty dn":    &CertificateRequest{Version: record.VersionTLS10, CertificateTypes: []uint8{1}, CAs: [][]byte{{}}},
		"cv sig too big": &CertificateVerify{Signature: make([]byte, 1<<16)},
	} {
		if b := m.Marshal(); b != nil {
			t.Errorf("%s: Marshal produced %d bytes, want nil", name, len(b))
		}
	}
	if MarshalECDHEParams(CurveP256, nil) != nil || MarshalECDHEParams(CurveP256, make([]byte, 256)) != nil {
		t.Error("MarshalECDHEParams accepted a bad point")
	}
	if MarshalDHEParams(nil, []byte{2}, []byte{3}) != nil {
		t.Error("MarshalDHEParams accepted an empty p")
	}
	if MarshalServerKeyExchangeSigned(nil, record.VersionTLS12, 0, make([]byte, 1<<16)) != nil {
		t.Error("MarshalServerKeyExchangeSigned accepted a huge signature")
	}
	if NewECDHEClientKeyExchange(nil) != nil || NewRSAClientKeyExchange(nil, record.VersionTLS12) != nil || NewDHEClientKeyExchange(nil) != nil {
		t.Error("New*ClientKeyExchange accepted an empty value")
	}
}

func TestECDHEParams(t *testing.T) {
	pub := seq(65, 4)
	sig := seq(72, 0x30)
	for _, v := range []Version{record.VersionTLS12, record.VersionTLS11, record.VersionTLS10} {
		params := MarshalECDHEParams(CurveP256, pub)
		if !bytes.Equal(params[:4], []byte{3, 0, 23, 65}) {
			t.Fatalf("params header %x", params[:4])
		}
		ske := MarshalServerKeyExchangeSigned(params, v, ECDSAWithP256AndSHA256, sig)
		parsed := mustParse(t, ske.Marshal(), v).(*ServerKeyExchange)
		p, err := parsed.ECDHEParams(v)
		if err != nil {
			t.Fatal(err)
		}
		want := &ECDHEParams{Curve: CurveP256, Public: pub, Signature: sig, Signed: params}
		if v >= record.VersionTLS12 {
			want.HasScheme, want.Scheme = true, ECDSAWithP256AndSHA256
		}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", v, diff)
		}
		for i := range len(ske.Key) {
			if _, err := ParseECDHEParams(ske.Key[:i], v); err == nil {
				t.Fatalf("%s: truncation at %d accepted", v, i)
			}
		}
		_, err = ParseECDHEParams(append(slices.Clone(ske.Key), 0), v)
		wantAlert(t, err, record.AlertDecodeError)
	}
	// TLS 1.2 params parsed as TLS 1.0 (or the reverse) do not fit.
	ske12 := MarshalServerKeyExchangeSigned(MarshalECDHEParams(CurveX25519, seq(32, 1)), record.VersionTLS12, PSSWithSHA256, seq(256, 1))
	if _, err := ParseECDHEParams(ske12.Key, record.VersionTLS10); err == nil {
		t.Fatal("TLS 1.2 body accepted as TLS 1.0")
	}
	// Explicit curves are refused with illegal_parameter.
	_, err := ParseECDHEParams([]byte{1, 0, 23, 1, 4, 0, 0}, record.VersionTLS10)
	wantAlert(t, err, record.AlertIllegalParameter)
	// An empty point is malformed.
	_, err = ParseECDHEParams([]byte{3, 0, 23, 0, 0, 0}, record.VersionTLS10)
	wantAlert(t, err, record.AlertDecodeError)
}

func TestDHEParams(t *testing.T) {
	p, g, y := seq(256, 1), []byte{2}, seq(256, 9)
	for _, v := range []Version{record.VersionTLS12, record.VersionTLS10} {
		params := MarshalDHEParams(p, g, y)
		ske := MarshalServerKeyExchangeSigned(params, v, PKCS1WithSHA256, seq(256, 3))
		d, err := ske.DHEParams(v)
		if err != nil {
			t.Fatal(err)
		}
		want := &DHEParams{P: p, G: g, Public: y, Signature: seq(256, 3), Signed: params}
		if v >= record.VersionTLS12 {
			want.HasScheme, want.Scheme = true, PKCS1WithSHA256
		}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		for i := range len(ske.Key) {
			if _, err := ParseDHEParams(ske.Key[:i], v); err == nil {
				t.Fatalf("truncation at %d accepted", i)
			}
		}
	}
	_, err := ParseDHEParams([]byte{0, 1, 5, 0, 0, 0, 1, 1, 0, 0}, record.VersionTLS10)
	wantAlert(t, err, record.AlertDecodeError)
}

func TestClientKeyExchangeBodies(t *testing.T) {
	pub := seq(32, 1)
	got, err := ParseECDHEClientKey(NewECDHEClientKeyExchange(pub).Body)
	if err != nil || !bytes.Equal(got, pub) {
		t.Fatalf("ECDHE: %x %v", got, err)
	}
	enc := seq(256, 2)
	for _, v := range []Version{record.VersionSSL30, record.VersionTLS10, record.VersionTLS12} {
		cke := NewRSAClientKeyExchange(enc, v)
		parsed := mustParse(t, cke.Marshal(), v).(*ClientKeyExchange)
		got, err := ParseRSAClientKey(parsed.Body, v)
		if err != nil || !bytes.Equal(got, enc) {
			t.Fatalf("RSA %s: %v", v, err)
		}
		wantLen := 256
		if v > record.VersionSSL30 {
			wantLen += 2
		}
		if len(cke.Body) != wantLen {
			t.Fatalf("RSA %s body length %d", v, len(cke.Body))
		}
	}
	got, err = ParseDHEClientKey(NewDHEClientKeyExchange(enc).Body)
	if err != nil || !bytes.Equal(got, enc) {
		t.Fatalf("DHE: %v", err)
	}
	bad := map[string]func() *record.AlertError{
		"ecdhe empty":    func() *record.AlertError { _, e := ParseECDHEClientKey(nil); return e },
		"ecdhe implicit": func() *record.AlertError { _, e := ParseECDHEClientKey([]byte{0}); return e },
		"ecdhe trailing": func() *record.AlertError { _, e := ParseECDHEClientKey([]byte{1, 4, 0}); return e },
		"ecdhe short":    func() *record.AlertError { _, e := ParseECDHEClientKey([]byte{2, 4}); return e },
		"rsa empty":      func() *record.AlertError { _, e := ParseRSAClientKey([]byte{0, 0}, record.VersionTLS12); return e },
		"rsa trailing": func() *record.AlertError {
			_, e := ParseRSAClientKey([]byte{0, 1, 1, 1}, record.VersionTLS12)
			return e
		},
		"rsa no prefix":    func() *record.AlertError { _, e := ParseRSAClientKey(seq(128, 1), record.VersionTLS10); return e },
		"rsa ssl3 empty":   func() *record.AlertError { _, e := ParseRSAClientKey(nil, record.VersionSSL30); return e },
		"dhe empty":        func() *record.AlertError { _, e := ParseDHEClientKey([]byte{0, 0}); return e },
		"dhe trailing":     func() *record.AlertError { _, e := ParseDHEClientKey([]byte{0, 1, 1, 1}); return e },
		"dhe short header": func() *record.AlertError { _, e := ParseDHEClientKey([]byte{0}); return e },
	}
	for name, f := range bad {
		t.Run(name, func(t *testing.T) { wantAlert(t, f(), record.AlertDecodeError) })
	}
}

// ---------------------------------------------------------------------------
// Interop with Go's crypto/tls.

// readRecord reads one TLS record from c and returns its type and payload.
func readRecord(t *testing.T, c net.Conn) (byte, []byte) {
	t.Helper()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		t.Fatalf("read record header: %v", err)
	}
	payload := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(c, payload); err != nil {
		t.Fatalf("read record: %v", err)
	}
	return hdr[0], payload
}

func captureGoClientHello(t *testing.T, cfg *tls.Config) []byte {
	t.Helper()
	cli, srv := net.Pipe()
	defer cli.Close()
	_ = srv.SetDeadline(time.Now().Add(10 * time.Second))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tls.Client(cli, cfg).Handshake()
	}()
	typ, payload := readRecord(t, srv)
	srv.Close()
	<-done
	if typ != 22 {
		t.Fatalf("first record type %d", typ)
	}
	return payload
}

func TestDecodeGoClientHelloTLS12(t *testing.T) {
	raw := captureGoClientHello(t, &tls.Config{
		ServerName: "example.org",
		NextProtos: []string{"h2", "http/1.1"},
		MinVersion: tls.VersionTLS10,
		MaxVersion: tls.VersionTLS12,
		// Go offers session_ticket only with a session cache.
		ClientSessionCache: tls.NewLRUClientSessionCache(1),
	})
	var r Reassembler
	if err := r.Feed(raw); err != nil {
		t.Fatal(err)
	}
	msg, ok, err := r.Next()
	if !ok || err != nil {
		t.Fatalf("reassembler: %v %v", ok, err)
	}
	ch, ok := mustParse(t, msg, record.VersionTLS12).(*ClientHello)
	if !ok {
		t.Fatal("not a ClientHello")
	}
	if ch.Version != record.VersionTLS12 {
		t.Errorf("version %v", ch.Version)
	}
	if ch.ServerName != "example.org" {
		t.Errorf("SNI %q", ch.ServerName)
	}
	if !slices.Equal(ch.ALPNProtocols, []string{"h2", "http/1.1"}) {
		t.Errorf("ALPN %q", ch.ALPNProtocols)
	}
	for _, c := range []CurveID{CurveX25519, CurveP256, CurveP384} {
		if !slices.Contains(ch.SupportedCurves, c) {
			t.Errorf("curve %d missing from %v", c, ch.SupportedCurves)
		}
	}
	for _, s := range []SignatureScheme{ECDSAWithP256AndSHA256, PSSWithSHA256, PKCS1WithSHA256} {
		if !slices.Contains(ch.SignatureSchemes, s) {
			t.Errorf("scheme %#04x missing from %v", s, ch.SignatureSchemes)
		}
	}
	if !ch.ExtendedMasterSecret {
		t.Error("no extended_master_secret")
	}
	if !ch.SecureRenegotiationSupported || len(ch.SecureRenegotiation) != 0 {
		t.Errorf("renegotiation_info %v %x", ch.SecureRenegotiationSupported, ch.SecureRenegotiation)
	}
	if !ch.PointFormatsPresent || !slices.Contains(ch.SupportedPoints, 0) {
		t.Errorf("point formats %v", ch.SupportedPoints)
	}
	if !ch.TicketSupported || len(ch.SessionTicket) != 0 {
		t.Errorf("session ticket %v", ch.TicketSupported)
	}
	if !slices.Equal(ch.CompressionMethods, []uint8{0}) || !slices.Contains(ch.CipherSuites, 0xc02b) {
		t.Errorf("suites %x compression %v", ch.CipherSuites, ch.CompressionMethods)
	}
	if !bytes.Equal(ch.Raw(), raw) {
		t.Error("Raw is not the received bytes")
	}
	// Every extension we decode was listed, and none twice.
	for _, e := range []uint16{ExtServerName, ExtSupportedGroups, ExtECPointFormats, ExtSignatureAlgorithms,
		ExtALPN, ExtExtendedMasterSecret, ExtSessionTicket, ExtRenegotiationInfo} {
		if !slices.Contains(ch.Extensions, e) {
			t.Errorf("extension %d not listed", e)
		}
	}
}

func TestDecodeGoClientHelloTLS13(t *testing.T) {
	raw := captureGoClientHello(t, &tls.Config{ServerName: "localhost"})
	ch := mustParse(t, raw, record.VersionTLS12).(*ClientHello)
	if ch.Version != record.VersionTLS12 || ch.ServerName != "localhost" || len(ch.SessionID) != 32 {
		t.Errorf("got version %v SNI %q sid %d", ch.Version, ch.ServerName, len(ch.SessionID))
	}
	// supported_versions (43) and key_share (51) are unknown to us but listed.
	if !slices.Contains(ch.Extensions, 43) || !slices.Contains(ch.Extensions, 51) {
		t.Errorf("extensions %v", ch.Extensions)
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *ecdsa.PublicKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "example.org"},
		DNSNames:     []string{"example.org"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, &key.PublicKey
}

// TestGoServerAcceptsOurClientHello sends our ClientHello to a crypto/tls
// server and decodes its whole first flight through the Reassembler,
// checking the ECDHE signature against the certificate key.
func TestGoServerAcceptsOurClientHello(t *testing.T) {
	cert, pub := selfSigned(t)
	for _, tc := range []struct {
		v     Version
		suite uint16
	}{
		{record.VersionTLS12, 0xc02b}, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
		{record.VersionTLS10, 0xc009}, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
	} {
		t.Run(tc.v.String(), func(t *testing.T) {
			cli, srv := net.Pipe()
			defer cli.Close()
			_ = cli.SetDeadline(time.Now().Add(10 * time.Second))
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = tls.Server(srv, &tls.Config{
					Certificates: []tls.Certificate{cert},
					NextProtos:   []string{"h2"},
					MinVersion:   tls.VersionTLS10,
					MaxVersion:   uint16(tc.v),
				}).Handshake()
				srv.Close()
			}()
			defer func() { cli.Close(); <-done }()

			hello := &ClientHello{
				Version:                      tc.v,
				CipherSuites:                 []uint16{tc.suite, SCSVRenegotiation},
				CompressionMethods:           []uint8{0},
				ServerName:                   "example.org",
				SupportedCurves:              []CurveID{CurveX25519, CurveP256},
				SupportedPoints:              []uint8{0},
				SignatureSchemes:             DefaultSignatureSchemes,
				ALPNProtocols:                []string{"h2", "http/1.1"},
				ExtendedMasterSecret:         true,
				SecureRenegotiationSupported: true,
				TicketSupported:              true,
			}
			copy(hello.Random[:], seq(32, 0x11))
			chRaw := hello.Marshal()
			rec := append([]byte{22, 3, 1, byte(len(chRaw) >> 8), byte(len(chRaw))}, chRaw...)
			if _, err := cli.Write(rec); err != nil {
				t.Fatal(err)
			}

			var r Reassembler
			var msgs []Message
			for len(msgs) == 0 || msgs[len(msgs)-1].Type() != TypeServerHelloDone {
				typ, payload := readRecord(t, cli)
				if typ != 22 {
					t.Fatalf("record type %d: %x", typ, payload)
				}
				if err := r.Feed(payload); err != nil {
					t.Fatal(err)
				}
				for {
					raw, ok, err := r.Next()
					if err != nil {
						t.Fatal(err)
					}
					if !ok {
						break
					}
					msgs = append(msgs, mustParse(t, raw, tc.v))
				}
			}
			if r.Pending() {
				t.Error("bytes left after server_hello_done")
			}
			var types []MsgType
			for _, m := range msgs {
				types = append(types, m.Type())
			}
			if !slices.Equal(types, []MsgType{TypeServerHello, TypeCertificate, TypeServerKeyExchange, TypeServerHelloDone}) {
				t.Fatalf("flight %v", types)
			}
			sh := msgs[0].(*ServerHello)
			if sh.Version != tc.v || sh.CipherSuite != tc.suite || sh.CompressionMethod != 0 {
				t.Errorf("server hello %v %#04x %d", sh.Version, sh.CipherSuite, sh.CompressionMethod)
			}
			if !sh.ExtendedMasterSecret || !sh.SecureRenegotiationSupported || len(sh.SecureRenegotiation) != 0 {
				t.Errorf("EMS %v reneg %v %x", sh.ExtendedMasterSecret, sh.SecureRenegotiationSupported, sh.SecureRenegotiation)
			}
			if !sh.TicketSupported {
				t.Error("session_ticket not acknowledged")
			}
			if sh.ALPNProtocol != "h2" {
				t.Errorf("ALPN %q", sh.ALPNProtocol)
			}
			if !slices.Contains(sh.PointFormats, 0) {
				t.Errorf("point formats %v", sh.PointFormats)
			}
			certs := msgs[1].(*Certificate).Certificates
			if len(certs) != 1 || !bytes.Equal(certs[0], cert.Certificate[0]) {
				t.Error("certificate differs")
			}
			p, err := msgs[2].(*ServerKeyExchange).ECDHEParams(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			switch p.Curve {
			case CurveX25519:
				if len(p.Public) != 32 {
					t.Errorf("x25519 share of %d bytes", len(p.Public))
				}
			case CurveP256:
				if len(p.Public) != 65 {
					t.Errorf("P-256 share of %d bytes", len(p.Public))
				}
			default:
				t.Fatalf("server chose curve %d", p.Curve)
			}
			signed := slices.Concat(hello.Random[:], sh.Random[:], p.Signed)
			var digest []byte
			if tc.v >= record.VersionTLS12 {
				if !p.HasScheme || p.Scheme != ECDSAWithP256AndSHA256 {
					t.Fatalf("scheme %v %#04x", p.HasScheme, p.Scheme)
				}
				d := sha256.Sum256(signed)
				digest = d[:]
			} else {
				if p.HasScheme {
					t.Fatal("scheme present before TLS 1.2")
				}
				d := sha1.Sum(signed) // ECDSA before TLS 1.2 signs SHA-1 (RFC 4492 §5.4)
				digest = d[:]
			}
			if !ecdsa.VerifyASN1(pub, digest, p.Signature) {
				t.Error("ServerKeyExchange signature does not verify over Signed")
			}
		})
	}
}
