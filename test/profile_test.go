// CertProfile: an intermediate with a non-critical policyConstraints
// extension (allowed by RFC 3280, forbidden by RFC 5280 §4.2.1.11) is
// refused by default and accepted with ProfileRFC3280.
package test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

func TestCertProfileRFC3280(t *testing.T) {
	p := crlNewPKI(t)
	// Re-issue the intermediate with policyConstraints{requireExplicitPolicy 5},
	// marked non-critical.
	p.inter = crlIssue(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "RFC 3280 intermediate"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtraExtensions: []pkix.Extension{{
			Id: asn1.ObjectIdentifier{2, 5, 29, 36}, Critical: false, Value: []byte{0x30, 0x03, 0x80, 0x01, 0x05},
		}},
	}, p.root, &p.interKey.PublicKey, p.rootKey)
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	cert, _ := p.serverCert(t)

	port, res := crlServe(t, cert)
	err = crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckFalse))
	var bc *ssl.BadCertError
	if !errors.As(err, &bc) || bc.Reason != handshake.PolicyRequirementNotMet {
		t.Fatalf("default profile: got %v, want {bad_cert, policy_requirement_not_met}", err)
	}
	<-res

	port, res = crlServe(t, cert)
	o := crlClientOpts(p, ssl.CRLCheckFalse)
	o.CertProfile = ssl.ProfileRFC3280
	if err := crlConnect(t, app, port, o); err != nil {
		t.Fatalf("ProfileRFC3280: %v", err)
	}
	<-res

	o.CertProfile = 99
	if _, err := app.Connect("127.0.0.1", port, o, time.Second); !errors.As(err, new(*ssl.OptionError)) {
		t.Fatalf("bad profile: got %v, want an OptionError", err)
	}
}
