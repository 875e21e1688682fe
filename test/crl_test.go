// crl_test.go: crl_check end to end: our client against an in-process
// crypto/tls server whose certificate is (or is not) revoked, with CRLs from
// the App's internal cache and from an HTTP distribution point.
package test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// crlPKI is a root CA, an intermediate and server leaves.
type crlPKI struct {
	root, inter         *x509.Certificate
	rootKey, interKey   *ecdsa.PrivateKey
	serial              int64
	interDER, serverDER []byte
}

func crlNewPKI(t *testing.T) *crlPKI {
	t.Helper()
	p := &crlPKI{serial: 10}
	p.rootKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.interKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.root = crlIssue(t, &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CRL e2e root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, &p.rootKey.PublicKey, p.rootKey)
	p.inter = crlIssue(t, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "CRL e2e intermediate"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, p.root, &p.interKey.PublicKey, p.rootKey)
	return p
}

func crlIssue(t *testing.T, tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, key *ecdsa.PrivateKey) *x509.Certificate {
	t.Helper()
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serverCert issues a leaf for localhost with optional CRL distribution points.
func (p *crlPKI) serverCert(t *testing.T, dps ...string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	p.serial++
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := crlIssue(t, &x509.Certificate{
		SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		CRLDistributionPoints: dps,
	}, p.inter, &key.PublicKey, p.interKey)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, p.inter.Raw}, PrivateKey: key, Leaf: leaf}, leaf
}

// crl issues a CRL by issuer revoking serials with keyCompromise.
func crlOf(t *testing.T, issuer *x509.Certificate, key *ecdsa.PrivateKey, number int64, serials ...*big.Int) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
	for _, s := range serials {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: s, RevocationTime: time.Now().Add(-time.Minute), ReasonCode: 1})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// crlServe runs one crypto/tls server handshake and reports its error.
func crlServe(t *testing.T, cert tls.Certificate) (int, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	res := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			res <- err
			return
		}
		defer c.Close()
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12})
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		err = tc.Handshake()
		if err == nil {
			// Wait for the client's verdict: a revoked alert may follow
			// the server's last flight.
			_, err = tc.Read(make([]byte, 1))
		}
		res <- err
	}()
	return ln.Addr().(*net.TCPAddr).Port, res
}

func crlClientOpts(p *crlPKI, mode ssl.CRLCheck) ssl.Options {
	return ssl.Options{
		Verify:               ssl.VerifyPeer,
		CACerts:              [][]byte{p.root.Raw},
		ServerNameIndication: "localhost",
		Versions:             []ssl.Version{ssl.TLSv1_2},
		CRLCheck:             mode,
		Active:               ssl.ActiveFalse,
	}
}

func crlConnect(t *testing.T, app *ssl.App, port int, o ssl.Options) error {
	t.Helper()
	sock, err := app.Connect("127.0.0.1", port, o, 10*time.Second)
	if err == nil {
		sock.Close()
	}
	return err
}

// TestCRLRevokedServer: our client refuses a revoked server certificate
// with {bad_cert,{revoked,keyCompromise}}, and the server gets the
// certificate_revoked alert.
func TestCRLRevokedServer(t *testing.T) {
	p := crlNewPKI(t)
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	revokedCert, revokedLeaf := p.serverCert(t)
	goodCert, _ := p.serverCert(t)
	if err := app.CRLCache().Insert(crlOf(t, p.inter, p.interKey, 1, revokedLeaf.SerialNumber)); err != nil {
		t.Fatal(err)
	}
	if err := app.CRLCache().Insert(crlOf(t, p.root, p.rootKey, 1)); err != nil {
		t.Fatal(err)
	}

	t.Run("revoked", func(t *testing.T) {
		port, res := crlServe(t, revokedCert)
		err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckTrue))
		var bc *ssl.BadCertError
		if !errors.As(err, &bc) || bc.Reason != handshake.Revoked || bc.RevokedWhy != "keyCompromise" {
			t.Fatalf("client error %v, want {bad_cert,{revoked,keyCompromise}}", err)
		}
		if !strings.Contains(ssl.FormatError(err), "revoked") {
			t.Errorf("FormatError %q", ssl.FormatError(err))
		}
		if serr := <-res; serr == nil || !strings.Contains(serr.Error(), "revoked") {
			t.Fatalf("server error %v, want the certificate_revoked alert", serr)
		}
	})
	t.Run("good", func(t *testing.T) {
		port, res := crlServe(t, goodCert)
		if err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckTrue)); err != nil {
			t.Fatalf("good certificate refused: %v", err)
		}
		<-res
	})
	t.Run("off", func(t *testing.T) {
		port, res := crlServe(t, revokedCert)
		if err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckFalse)); err != nil {
			t.Fatalf("crl_check false refused: %v", err)
		}
		<-res
	})
	t.Run("verify_fun_sees_revoked", func(t *testing.T) {
		port, res := crlServe(t, revokedCert)
		o := crlClientOpts(p, ssl.CRLCheckPeer)
		var seen []string
		o.VerifyFun = func(c *x509.Certificate, ev handshake.VerifyEvent, st any) (handshake.VerifyOutcome, any, handshake.BadCertReason) {
			if ev.Kind == handshake.EventBadCert {
				seen = append(seen, string(ev.Reason)+"/"+ev.RevokedWhy)
				return handshake.OutcomeFail, st, ev.Reason
			}
			return handshake.OutcomeValid, st, ""
		}
		err := crlConnect(t, app, port, o)
		if err == nil || len(seen) != 1 || seen[0] != "revoked/keyCompromise" {
			t.Fatalf("err %v, verify_fun saw %q", err, seen)
		}
		<-res
	})
}

// TestCRLUndetermined: no CRL for the intermediate: true refuses with
// revocation_status_undetermined, best_effort and peer accept.
func TestCRLUndetermined(t *testing.T) {
	p := crlNewPKI(t)
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	cert, _ := p.serverCert(t)
	if err := app.CRLCache().Insert(crlOf(t, p.inter, p.interKey, 1)); err != nil {
		t.Fatal(err)
	}
	port, res := crlServe(t, cert)
	err = crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckTrue))
	var bc *ssl.BadCertError
	if !errors.As(err, &bc) || bc.Reason != handshake.RevocationStatusUndetermined {
		t.Fatalf("got %v, want revocation_status_undetermined", err)
	}
	<-res
	for _, mode := range []ssl.CRLCheck{ssl.CRLCheckBestEffort, ssl.CRLCheckPeer} {
		port, res := crlServe(t, cert)
		if err := crlConnect(t, app, port, crlClientOpts(p, mode)); err != nil {
			t.Fatalf("%v refused: %v", mode, err)
		}
		<-res
	}
}

// TestCRLFromDistributionPoint: the CRL is fetched over HTTP from the
// certificate's distribution point ({http, Timeout}).
func TestCRLFromDistributionPoint(t *testing.T) {
	p := crlNewPKI(t)
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	var crlDER []byte
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write(crlDER)
	}))
	defer srv.Close()
	cert, leaf := p.serverCert(t, srv.URL+"/inter.crl")
	crlDER = crlOf(t, p.inter, p.interKey, 1, leaf.SerialNumber)

	port, res := crlServe(t, cert)
	o := crlClientOpts(p, ssl.CRLCheckPeer)
	o.CRLCache = app.CRLCache().WithHTTP(5 * time.Second)
	err = crlConnect(t, app, port, o)
	var bc *ssl.BadCertError
	if !errors.As(err, &bc) || bc.Reason != handshake.Revoked {
		t.Fatalf("got %v, want revoked", err)
	}
	<-res
	if hits != 1 {
		t.Fatalf("hits %d", hits)
	}
	// Without {http, _}, the CRL fetched before is in the shared store.
	port, res = crlServe(t, cert)
	if err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckPeer)); !errors.As(err, &bc) || bc.Reason != handshake.Revoked {
		t.Fatalf("from the store: %v", err)
	}
	<-res
	if hits != 1 {
		t.Fatalf("refetched: hits %d", hits)
	}
}

// TestCRLOptions: crl_check values are checked before any I/O.
func TestCRLOptions(t *testing.T) {
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	_, err = app.Connect("127.0.0.1", 1, ssl.Options{CRLCheck: ssl.CRLCheck(42), Verify: ssl.VerifyNone}, time.Second)
	var oe *ssl.OptionError
	if !errors.As(err, &oe) || oe.Option != "crl_check" {
		t.Fatalf("got %v, want an OptionError for crl_check", err)
	}
}
