// Version-specific steps of the TLS 1.0–1.2 and SSL 3.0 handshakes: SSL 3.0
// hellos without extensions, TLS_FALLBACK_SCSV (RFC 7507) and the downgrade
// sentinels (RFC 8446 §4.1.3), kept apart from the role flows.
package connection

import (
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// adjustClientHello applies the versions and fallback options to our
// ClientHello before it is sent.
func (c *conn) adjustClientHello(ch *handshake.ClientHello) {
	if ch.Version == record.VersionSSL30 {
		// Only SSL 3.0 is offered: no extensions at all.
		handshake.StripForSSL3(ch)
	}
	if c.cfg.Fallback {
		ch.CipherSuites = append(ch.CipherSuites, handshake.SCSVFallback)
	}
}

// checkServerVersion checks the ServerHello's version: one we offered, and
// no downgrade sentinel when we offered TLS 1.2 and got less.
func (c *conn) checkServerVersion(sh *handshake.ServerHello) error {
	if !c.versionAllowed(sh.Version) {
		return record.Fatal(record.AlertProtocolVersion, "server chose a version we did not offer")
	}
	if aerr := handshake.CheckDowngradeSentinel(sh.Random, c.cfg.Versions[0], sh.Version); aerr != nil {
		return aerr
	}
	return nil
}

// checkClientVersion is the server's version step: the highest version we
// enable at or below the client's, refused with inappropriate_fallback
// when the client signals a fallback below our highest (RFC 7507 §3).
func (c *conn) checkClientVersion(ch *handshake.ClientHello) (record.Version, error) {
	v, err := c.negotiateVersion(ch.Version)
	if err != nil {
		return 0, err
	}
	if aerr := handshake.CheckFallbackSCSV(ch, c.cfg.Versions[0]); aerr != nil {
		return 0, aerr
	}
	return v, nil
}

// adjustServerHello finishes our ServerHello for version v: the downgrade
// sentinel in its random (kept in hs.serverRandom too) and, for SSL 3.0,
// no extensions and no extended master secret.
func (c *conn) adjustServerHello(sh *handshake.ServerHello) {
	if handshake.SetDowngradeSentinel(&c.hs.serverRandom, c.cfg.Versions[0], sh.Version) {
		sh.Random = c.hs.serverRandom
	}
	if sh.Version == record.VersionSSL30 {
		handshake.StripServerHelloForSSL3(sh)
		c.hs.ems = false
	}
}
