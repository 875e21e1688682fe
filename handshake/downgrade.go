// downgrade.go holds version-downgrade protection: the TLS_FALLBACK_SCSV
// check (RFC 7507) and the ServerHello.random downgrade sentinels (RFC 8446
// §4.1.3), as pure functions over hello values.
package handshake

import (
	"bytes"

	"github.com/erlang-ssl-go/ssl/record"
)

// Downgrade sentinels: the last 8 bytes of ServerHello.random of a server
// that could have negotiated a higher version (RFC 8446 §4.1.3).
var (
	// DowngradeTLS11 ("DOWNGRD\x00") marks TLS 1.1 or below chosen by a
	// server that supports TLS 1.2.
	DowngradeTLS11 = []byte("DOWNGRD\x00")
	// DowngradeTLS12 ("DOWNGRD\x01") marks TLS 1.2 chosen by a TLS 1.3
	// server.
	DowngradeTLS12 = []byte("DOWNGRD\x01")
)

// SetDowngradeSentinel writes the sentinel into serverRandom when a server
// whose highest enabled version is ourMax negotiates v below TLS 1.2 while
// supporting TLS 1.2 (RFC 8446 §4.1.3: TLS 1.2 servers SHOULD). It returns
// whether it did.
func SetDowngradeSentinel(serverRandom *[32]byte, ourMax, v Version) bool {
	if ourMax < record.VersionTLS12 || v >= record.VersionTLS12 {
		return false
	}
	copy(serverRandom[24:], DowngradeTLS11)
	return true
}

// CheckDowngradeSentinel is the client's check (RFC 8446 §4.1.3): having
// offered at most offeredMax, a ServerHello for version v whose random ends
// in a sentinel for a version we offered means an attacker forced the
// downgrade: illegal_parameter.
func CheckDowngradeSentinel(serverRandom [32]byte, offeredMax, v Version) *record.AlertError {
	tail := serverRandom[24:]
	if offeredMax >= record.VersionTLS12 && v < record.VersionTLS12 && bytes.Equal(tail, DowngradeTLS11) {
		return record.Fatal(record.AlertIllegalParameter, "downgrade sentinel in server random")
	}
	return nil
}

// CheckFallbackSCSV is the server's check of RFC 7507 §3: a ClientHello
// that carries TLS_FALLBACK_SCSV with a version below our highest enabled
// version ourMax is a retry an attacker provoked: inappropriate_fallback.
func CheckFallbackSCSV(ch *ClientHello, ourMax Version) *record.AlertError {
	if ch.Version >= ourMax {
		return nil
	}
	for _, id := range ch.CipherSuites {
		if id == SCSVFallback {
			return record.Fatal(record.AlertInappropriateFallback, "fallback SCSV below our highest version")
		}
	}
	return nil
}

// StripForSSL3 clears every extension of a ClientHello whose highest
// version is SSL 3.0: SSL 3.0 has no extensions (RFC 6101 §5.6.1.2), and
// some SSL 3.0 servers reject a hello that has them. The renegotiation
// SCSV, which RFC 5746 §3.3 recommends for SSL 3.0, is added instead.
func StripForSSL3(ch *ClientHello) {
	*ch = ClientHello{
		Version:            ch.Version,
		Random:             ch.Random,
		SessionID:          ch.SessionID,
		CipherSuites:       ch.CipherSuites,
		CompressionMethods: ch.CompressionMethods,
	}
	for _, id := range ch.CipherSuites {
		if id == SCSVRenegotiation {
			return
		}
	}
	ch.CipherSuites = append(ch.CipherSuites, SCSVRenegotiation)
}

// StripServerHelloForSSL3 clears every extension of a ServerHello for SSL
// 3.0, which has none (RFC 6101 §5.6.1.3); extended_master_secret in
// particular is undefined there (RFC 7627 §5.2 is for TLS).
func StripServerHelloForSSL3(sh *ServerHello) {
	*sh = ServerHello{
		Version:           sh.Version,
		Random:            sh.Random,
		SessionID:         sh.SessionID,
		CipherSuite:       sh.CipherSuite,
		CompressionMethod: sh.CompressionMethod,
	}
}
