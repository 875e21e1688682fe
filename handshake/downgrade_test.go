// downgrade_test.go tests the fallback SCSV and downgrade-sentinel checks
// and the SSL 3.0 hello stripping.
package handshake

import (
	"bytes"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

func TestDowngradeSentinel(t *testing.T) {
	const (
		s3  = record.VersionSSL30
		v10 = record.VersionTLS10
		v11 = record.VersionTLS11
		v12 = record.VersionTLS12
	)
	for _, c := range []struct {
		ourMax, v Version
		set       bool
	}{{v12, v11, true}, {v12, v10, true}, {v12, s3, true}, {v12, v12, false}, {v11, v10, false}} {
		var r [32]byte
		r[31] = 0xaa
		if got := SetDowngradeSentinel(&r, c.ourMax, c.v); got != c.set {
			t.Errorf("%v/%v: set %v", c.ourMax, c.v, got)
		}
		if c.set != bytes.Equal(r[24:], DowngradeTLS11) {
			t.Errorf("%v/%v: random %x", c.ourMax, c.v, r)
		}
		// A client that offered 1.2 refuses exactly the marked hellos.
		aerr := CheckDowngradeSentinel(r, v12, c.v)
		if (aerr != nil) != c.set {
			t.Errorf("%v/%v: check %v", c.ourMax, c.v, aerr)
		}
		if aerr != nil && aerr.Desc != record.AlertIllegalParameter {
			t.Errorf("alert %v", aerr)
		}
		// A client that offered only 1.1 or less ignores the sentinel.
		if aerr := CheckDowngradeSentinel(r, v11, c.v); aerr != nil {
			t.Errorf("%v/%v: 1.1 client: %v", c.ourMax, c.v, aerr)
		}
	}
	var r [32]byte
	copy(r[24:], DowngradeTLS12) // a TLS 1.3 server choosing 1.2: fine for a 1.2 client
	if aerr := CheckDowngradeSentinel(r, v12, v12); aerr != nil {
		t.Error(aerr)
	}
}

func TestFallbackSCSV(t *testing.T) {
	ch := &ClientHello{Version: record.VersionTLS11, CipherSuites: []uint16{0x002f, SCSVFallback}}
	if aerr := CheckFallbackSCSV(ch, record.VersionTLS12); aerr == nil || aerr.Desc != record.AlertInappropriateFallback {
		t.Fatalf("fallback below our max: %v", aerr)
	}
	if aerr := CheckFallbackSCSV(ch, record.VersionTLS11); aerr != nil {
		t.Fatalf("fallback at our max: %v", aerr)
	}
	ch.CipherSuites = ch.CipherSuites[:1]
	if aerr := CheckFallbackSCSV(ch, record.VersionTLS12); aerr != nil {
		t.Fatalf("no SCSV: %v", aerr)
	}
}

func TestStripForSSL3(t *testing.T) {
	ch := &ClientHello{Version: record.VersionSSL30, CipherSuites: []uint16{0x002f}, CompressionMethods: []uint8{0},
		ServerName: "x", ExtendedMasterSecret: true, SecureRenegotiationSupported: true,
		SupportedCurves: []CurveID{CurveP256}, SupportedPoints: []uint8{0}, PointFormatsPresent: true,
		SignatureSchemes: DefaultSignatureSchemes}
	StripForSSL3(ch)
	raw := ch.Marshal()
	// type(1) len(3) version(2) random(32) sid(1) suites(2+4) comp(2): no extensions.
	if len(raw) != 4+2+32+1+2+4+2 {
		t.Fatalf("SSL 3.0 hello is %d bytes: %x", len(raw), raw)
	}
	if ch.CipherSuites[1] != SCSVRenegotiation {
		t.Fatalf("suites %v", ch.CipherSuites)
	}
	StripForSSL3(ch)
	if len(ch.CipherSuites) != 2 {
		t.Fatal("SCSV added twice")
	}
	sh := &ServerHello{Version: record.VersionSSL30, CipherSuite: 0x002f, ExtendedMasterSecret: true, SecureRenegotiationSupported: true, PointFormats: []uint8{0}}
	StripServerHelloForSSL3(sh)
	if len(sh.Marshal()) != 4+2+32+1+2+1 {
		t.Fatalf("SSL 3.0 server hello has extensions: %x", sh.Marshal())
	}
}
