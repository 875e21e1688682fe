// Package handshake holds the TLS 1.2 handshake: message encoding and
// decoding (with raw bytes kept for the transcript), the cipher-suite table,
// negotiation helpers, the PRF and key schedule, key exchange, signatures,
// certificate loading and path validation. It is pure: no goroutines, no I/O,
// no clock or randomness except what the caller injects.
package handshake

import "github.com/erlang-ssl-go/ssl/record"

// MsgType is the handshake message type (RFC 5246 §7.4).
type MsgType uint8

// Handshake message types.
const (
	TypeHelloRequest       MsgType = 0
	TypeClientHello        MsgType = 1
	TypeServerHello        MsgType = 2
	TypeNewSessionTicket   MsgType = 4
	TypeCertificate        MsgType = 11
	TypeServerKeyExchange  MsgType = 12
	TypeCertificateRequest MsgType = 13
	TypeServerHelloDone    MsgType = 14
	TypeCertificateVerify  MsgType = 15
	TypeClientKeyExchange  MsgType = 16
	TypeFinished           MsgType = 20
)

// Extension code points used by TLS 1.2.
const (
	ExtServerName           uint16 = 0
	ExtSupportedGroups      uint16 = 10
	ExtECPointFormats       uint16 = 11
	ExtSRP                  uint16 = 12 // RFC 5054 §2.8.1
	ExtSignatureAlgorithms  uint16 = 13
	ExtALPN                 uint16 = 16
	ExtExtendedMasterSecret uint16 = 23
	ExtSessionTicket        uint16 = 35
	ExtRenegotiationInfo    uint16 = 0xff01
)

// Signalling cipher suite values.
const (
	SCSVRenegotiation uint16 = 0x00ff // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746)
	SCSVFallback      uint16 = 0x5600 // TLS_FALLBACK_SCSV (RFC 7507)
)

// CurveID is a named group (RFC 8422 §5.1.1, RFC 7919).
type CurveID uint16

// Named groups.
const (
	CurveP256   CurveID = 23
	CurveP384   CurveID = 24
	CurveP521   CurveID = 25
	CurveX25519 CurveID = 29
)

// DefaultCurves is our preference order: X25519, P-256, P-384.
var DefaultCurves = []CurveID{CurveX25519, CurveP256, CurveP384}

// SignatureScheme is a TLS 1.2 SignatureAndHashAlgorithm pair, written as one
// uint16 (hash<<8 | signature), which is also TLS 1.3's SignatureScheme.
type SignatureScheme uint16

// Signature schemes.
const (
	PKCS1WithSHA256        SignatureScheme = 0x0401
	PKCS1WithSHA384        SignatureScheme = 0x0501
	PKCS1WithSHA512        SignatureScheme = 0x0601
	PKCS1WithSHA1          SignatureScheme = 0x0201
	ECDSAWithP256AndSHA256 SignatureScheme = 0x0403
	ECDSAWithP384AndSHA384 SignatureScheme = 0x0503
	ECDSAWithP521AndSHA512 SignatureScheme = 0x0603
	ECDSAWithSHA1          SignatureScheme = 0x0203
	PSSWithSHA256          SignatureScheme = 0x0804 // rsa_pss_rsae_sha256
	PSSWithSHA384          SignatureScheme = 0x0805
	PSSWithSHA512          SignatureScheme = 0x0806
)

// DefaultSignatureSchemes is what we offer and accept, in preference order.
var DefaultSignatureSchemes = []SignatureScheme{
	ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384, ECDSAWithP521AndSHA512,
	PSSWithSHA256, PSSWithSHA384, PSSWithSHA512,
	PKCS1WithSHA256, PKCS1WithSHA384, PKCS1WithSHA512,
	ECDSAWithSHA1, PKCS1WithSHA1,
	DSAWithSHA256, DSAWithSHA384, DSAWithSHA512, DSAWithSHA1, // dhe_dss, srp_dss
}

// Version re-exports the record layer's version type for convenience.
type Version = record.Version

// Limits that protect against resource exhaustion by a hostile peer.
const (
	MaxHandshakeMsgLen = 1 << 16 * 4 // 256 KiB: enough for long certificate chains
	MaxCertChainLen    = 16
)
