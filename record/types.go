// Package record implements the TLS record layer: framing, size limits,
// sequence numbers, record protection (AEAD and CBC+HMAC) and alerts as
// values, for SSL 3.0 through TLS 1.2. It is pure: no goroutines, no clock,
// no project imports.
package record

import "fmt"

// ContentType is the TLS record content type (RFC 5246 §6.2.1).
type ContentType uint8

// Record content types.
const (
	TypeChangeCipherSpec ContentType = 20
	TypeAlert            ContentType = 21
	TypeHandshake        ContentType = 22
	TypeApplicationData  ContentType = 23
)

// Version is a protocol version as it appears on the wire.
type Version uint16

// Protocol versions.
const (
	VersionSSL30 Version = 0x0300
	VersionTLS10 Version = 0x0301
	VersionTLS11 Version = 0x0302
	VersionTLS12 Version = 0x0303
)

// String returns the Erlang name of the version (sslv3, tlsv1, 'tlsv1.1', 'tlsv1.2').
func (v Version) String() string {
	switch v {
	case VersionSSL30:
		return "sslv3"
	case VersionTLS10:
		return "tlsv1"
	case VersionTLS11:
		return "tlsv1.1"
	case VersionTLS12:
		return "tlsv1.2"
	}
	return fmt.Sprintf("0x%04x", uint16(v))
}

// Record size limits (RFC 5246 §6.2).
const (
	HeaderLen        = 5
	MaxPlaintext     = 1 << 14
	MaxCompressed    = MaxPlaintext + 1024
	MaxCiphertext    = MaxPlaintext + 2048
	MaxRecordWithHdr = HeaderLen + MaxCiphertext
)

// AlertLevel is the alert level (RFC 5246 §7.2).
type AlertLevel uint8

// Alert levels.
const (
	LevelWarning AlertLevel = 1
	LevelFatal   AlertLevel = 2
)

// AlertDescription is the alert description code (RFC 5246 §7.2).
type AlertDescription uint8

// Alert descriptions.
const (
	AlertCloseNotify              AlertDescription = 0
	AlertUnexpectedMessage        AlertDescription = 10
	AlertBadRecordMAC             AlertDescription = 20
	AlertDecryptionFailed         AlertDescription = 21
	AlertRecordOverflow           AlertDescription = 22
	AlertDecompressionFailure     AlertDescription = 30
	AlertHandshakeFailure         AlertDescription = 40
	AlertNoCertificate            AlertDescription = 41
	AlertBadCertificate           AlertDescription = 42
	AlertUnsupportedCertificate   AlertDescription = 43
	AlertCertificateRevoked       AlertDescription = 44
	AlertCertificateExpired       AlertDescription = 45
	AlertCertificateUnknown       AlertDescription = 46
	AlertIllegalParameter         AlertDescription = 47
	AlertUnknownCA                AlertDescription = 48
	AlertAccessDenied             AlertDescription = 49
	AlertDecodeError              AlertDescription = 50
	AlertDecryptError             AlertDescription = 51
	AlertExportRestriction        AlertDescription = 60
	AlertProtocolVersion          AlertDescription = 70
	AlertInsufficientSecurity     AlertDescription = 71
	AlertInternalError            AlertDescription = 80
	AlertInappropriateFallback    AlertDescription = 86
	AlertUserCanceled             AlertDescription = 90
	AlertNoRenegotiation          AlertDescription = 100
	AlertUnsupportedExtension     AlertDescription = 110
	AlertCertificateUnobtainable  AlertDescription = 111
	AlertUnrecognizedName         AlertDescription = 112
	AlertBadCertificateStatusResp AlertDescription = 113
	AlertBadCertificateHashValue  AlertDescription = 114
	AlertUnknownPSKIdentity       AlertDescription = 115
	AlertNoApplicationProtocol    AlertDescription = 120
)

var alertNames = map[AlertDescription]string{
	AlertCloseNotify:              "close_notify",
	AlertUnexpectedMessage:        "unexpected_message",
	AlertBadRecordMAC:             "bad_record_mac",
	AlertDecryptionFailed:         "decryption_failed",
	AlertRecordOverflow:           "record_overflow",
	AlertDecompressionFailure:     "decompression_failure",
	AlertHandshakeFailure:         "handshake_failure",
	AlertNoCertificate:            "no_certificate",
	AlertBadCertificate:           "bad_certificate",
	AlertUnsupportedCertificate:   "unsupported_certificate",
	AlertCertificateRevoked:       "certificate_revoked",
	AlertCertificateExpired:       "certificate_expired",
	AlertCertificateUnknown:       "certificate_unknown",
	AlertIllegalParameter:         "illegal_parameter",
	AlertUnknownCA:                "unknown_ca",
	AlertAccessDenied:             "access_denied",
	AlertDecodeError:              "decode_error",
	AlertDecryptError:             "decrypt_error",
	AlertExportRestriction:        "export_restriction",
	AlertProtocolVersion:          "protocol_version",
	AlertInsufficientSecurity:     "insufficient_security",
	AlertInternalError:            "internal_error",
	AlertInappropriateFallback:    "inappropriate_fallback",
	AlertUserCanceled:             "user_canceled",
	AlertNoRenegotiation:          "no_renegotiation",
	AlertUnsupportedExtension:     "unsupported_extension",
	AlertCertificateUnobtainable:  "certificate_unobtainable",
	AlertUnrecognizedName:         "unrecognized_name",
	AlertBadCertificateStatusResp: "bad_certificate_status_response",
	AlertBadCertificateHashValue:  "bad_certificate_hash_value",
	AlertUnknownPSKIdentity:       "unknown_psk_identity",
	AlertNoApplicationProtocol:    "no_application_protocol",
}

// String returns the RFC's name of the alert in Erlang's spelling.
func (d AlertDescription) String() string {
	if s, ok := alertNames[d]; ok {
		return s
	}
	return fmt.Sprintf("alert(%d)", uint8(d))
}

// AlertError is an error that ends a connection with a fatal alert.
// Desc is sent to the peer; Reason is a short, secret-free explanation kept
// locally (never sent). Remote is true when the peer sent the alert to us.
type AlertError struct {
	Level  AlertLevel
	Desc   AlertDescription
	Reason string
	Remote bool
}

// Error formats the alert the way Erlang's ssl does ("TLS client: In state
// ... received SERVER ALERT: Fatal - Handshake Failure" is OTP's long form;
// we keep the short form: "handshake_failure: reason").
func (e *AlertError) Error() string {
	who := "local"
	if e.Remote {
		who = "peer"
	}
	if e.Reason == "" {
		return fmt.Sprintf("tls alert %s (%s)", e.Desc, who)
	}
	return fmt.Sprintf("tls alert %s (%s): %s", e.Desc, who, e.Reason)
}

// Fatal builds a fatal local AlertError.
func Fatal(d AlertDescription, reason string) *AlertError {
	return &AlertError{Level: LevelFatal, Desc: d, Reason: reason}
}
