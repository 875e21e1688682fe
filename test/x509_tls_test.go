// x509_tls_test.go: certificate handling at the TLS level against real
// peers (issue 4, part 7): client certificates both ways with Erlang's ssl,
// a revoked server certificate served by openssl s_server, the acceptable
// CAs of our CertificateRequest as crypto/tls sees them, and our verify_fun
// events compared with the ones Erlang's ssl gives its verify_fun for the
// same chains (testdata/erl_x509.escript).
package test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// x5CA is a CA (or leaf) with its key, for the chains of these tests.
type x5CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

var x5Serial int64 = 100

// x5Issue issues tmpl under parent (self-signed when parent is nil).
func x5Issue(t *testing.T, tmpl *x509.Certificate, parent *x5CA) *x5CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(x5Serial)
	x5Serial++
	pc, pk := tmpl, key
	if parent != nil {
		pc, pk = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pc, &key.PublicKey, pk)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &x5CA{cert: c, key: key}
}

// x5CATmpl is a CA certificate template valid around now.
func x5CATmpl(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

// x5LeafTmpl is a localhost server certificate template.
func x5LeafTmpl(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames:    []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// x5Serve runs crypto/tls handshakes with chain (leaf first) until the
// test ends; each connection is closed after its handshake.
func x5Serve(t *testing.T, key *ecdsa.PrivateKey, chain ...*x509.Certificate) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	cert := tls.Certificate{PrivateKey: key}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				tc := tls.Server(c, cfg)
				_ = tc.SetDeadline(time.Now().Add(hsTimeout))
				if tc.Handshake() == nil {
					_, _ = tc.Read(make([]byte, 1))
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// erlX509Script is the Erlang side of these tests.
func erlX509Script(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs("testdata/erl_x509.escript")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// erlEvents runs the escript's events mode against port and returns the
// "CN Event" lines its verify_fun printed and its result line.
func erlEvents(t *testing.T, caFile string, port int) ([]string, string) {
	t.Helper()
	bin := needPeer(t, "escript")
	pr := startProc(t, bin, []string{erlX509Script(t), "events", caFile, "localhost", strconv.Itoa(port)}, procOpts{})
	if err := pr.wait(t, 3*hsTimeout); err != nil {
		t.Fatalf("escript: %v\n%s", err, pr.tail())
	}
	var evs []string
	result := ""
	sc := bufio.NewScanner(bytes.NewReader(pr.Stdout()))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event "):
			evs = append(evs, strings.TrimPrefix(line, "event "))
		case strings.HasPrefix(line, "result "):
			result = strings.TrimPrefix(line, "result ")
		}
	}
	if result == "" {
		t.Fatalf("escript printed no result\n%s", pr.tail())
	}
	return evs, result
}

// erlEvent spells one of our verify_fun events as the escript prints
// Erlang's: valid, valid_peer, {bad_cert,Reason},
// {bad_cert,{revoked,Why}}, {extension,{OID},Critical}.
func erlEvent(ev handshake.VerifyEvent) string {
	switch ev.Kind {
	case handshake.EventBadCert:
		if ev.Reason == handshake.Revoked {
			return "{bad_cert,{revoked," + ev.RevokedWhy + "}}"
		}
		return "{bad_cert," + string(ev.Reason) + "}"
	case handshake.EventExtension:
		parts := make([]string, len(ev.Extension.Id))
		for i, n := range ev.Extension.Id {
			parts[i] = strconv.Itoa(n)
		}
		return fmt.Sprintf("{extension,{%s},%t}", strings.Join(parts, ","), ev.Extension.Critical)
	}
	return ev.Kind.String()
}

// ourEvents connects our client to port with a verify_fun that answers as
// the escript's does, and returns the "CN Event" lines and the error.
func ourEvents(t *testing.T, app *ssl.App, caFile string, port int) ([]string, error) {
	t.Helper()
	var evs []string
	o := ssl.Options{
		Verify: ssl.VerifyPeer, CACertFile: caFile, ServerNameIndication: "localhost",
		Versions: []ssl.Version{ssl.TLSv1_2}, Active: ssl.ActiveFalse,
		VerifyFunState: 0,
		VerifyFun: func(c *x509.Certificate, ev handshake.VerifyEvent, st any) (handshake.VerifyOutcome, any, handshake.BadCertReason) {
			evs = append(evs, c.Subject.CommonName+" "+erlEvent(ev))
			if ev.Kind == handshake.EventExtension {
				return handshake.OutcomeUnknown, st.(int) + 1, ""
			}
			return handshake.OutcomeValid, st.(int) + 1, ""
		},
	}
	sock, err := app.Connect("127.0.0.1", port, o, hsTimeout)
	if err == nil {
		sock.Close()
	}
	return evs, err
}

// oidPrivate is an extension OID nobody handles (a private enterprise arc).
var oidPrivate = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55738, 7, 1}

// TestVerifyFunEventsMatchErlang: for the same chains, our verify_fun sees
// exactly the sequence of (certificate, event) that Erlang's ssl gives its
// verify_fun, when both accept every event.
func TestVerifyFunEventsMatchErlang(t *testing.T) {
	t.Parallel()
	needPeer(t, "escript")
	app := startApp(t)
	root := x5Issue(t, x5CATmpl("root"), nil)
	caFile := writeFile(t, "root.pem", pemCert(root.cert.Raw))

	type variant struct {
		name      string
		ica, leaf func(*x509.Certificate)
		// want is the expected sequence (both peers must print it);
		// fails says the handshake must fail.
		want  []string
		fails bool
	}
	expired := func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
	}
	ext := func(crit bool, v byte) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: oidPrivate, Critical: crit, Value: []byte{0x04, 0x01, v}})
		}
	}
	// Go's CreateCertificate gives the intermediate subjectKeyIdentifier
	// then authorityKeyIdentifier, the leaf authorityKeyIdentifier then a
	// non-critical subjectAltName: extensions OTP offers to the verify_fun.
	ica := []string{"ica {extension,{2,5,29,14},false}", "ica {extension,{2,5,29,35},false}"}
	leaf := []string{"leaf {extension,{2,5,29,35},false}", "leaf {extension,{2,5,29,17},false}"}
	cat := func(parts ...any) []string {
		var out []string
		for _, p := range parts {
			switch p := p.(type) {
			case string:
				out = append(out, p)
			case []string:
				out = append(out, p...)
			}
		}
		return out
	}
	variants := []variant{
		{name: "plain", want: cat(ica, "ica valid", leaf, "leaf valid_peer")},
		{name: "expired_intermediate", ica: expired,
			want: cat(ica, "ica {bad_cert,cert_expired}", "ica valid", leaf, "leaf valid_peer")},
		{name: "expired_leaf", leaf: expired,
			want: cat(ica, "ica valid", leaf, "leaf {bad_cert,cert_expired}", "leaf valid_peer")},
		{name: "unknown_extension", leaf: ext(false, 1),
			want: cat(ica, "ica valid", leaf, "leaf {extension,{1,3,6,1,4,1,55738,7,1},false}", "leaf valid_peer")},
		// unknown to a critical extension ends validation at once:
		// unsupported_certificate, no second verify_fun call.
		{name: "unknown_critical_extension", ica: ext(true, 2), fails: true,
			want: cat(ica, "ica {extension,{1,3,6,1,4,1,55738,7,1},true}")},
	}
	for _, vr := range variants {
		t.Run(vr.name, func(t *testing.T) {
			it := x5CATmpl("ica")
			if vr.ica != nil {
				vr.ica(it)
			}
			ica := x5Issue(t, it, root)
			lt := x5LeafTmpl("leaf")
			if vr.leaf != nil {
				vr.leaf(lt)
			}
			leaf := x5Issue(t, lt, ica)
			port := x5Serve(t, leaf.key, leaf.cert, ica.cert)

			theirs, result := erlEvents(t, caFile, port)
			ours, err := ourEvents(t, app, caFile, port)
			if vr.fails {
				if !strings.Contains(result, "unsupported_certificate") {
					t.Errorf("Erlang's connect: %s, want unsupported_certificate", result)
				}
				var bc *ssl.BadCertError
				if !errors.As(err, &bc) || bc.Reason != handshake.UnknownCriticalExtension {
					t.Errorf("our connect: %v, want {bad_cert,unknown_critical_extension}", err)
				}
			} else {
				if result != "ok" {
					t.Errorf("Erlang's connect: %s", result)
				}
				if err != nil {
					t.Errorf("our connect: %v", err)
				}
			}
			if strings.Join(ours, "\n") != strings.Join(theirs, "\n") {
				t.Errorf("verify_fun events differ\nErlang: %q\nours:   %q", theirs, ours)
			}
			if strings.Join(theirs, "\n") != strings.Join(vr.want, "\n") {
				t.Errorf("Erlang's events %q, expected %q", theirs, vr.want)
			}
		})
	}
}

// pemCert encodes one certificate as PEM.
func pemCert(der []byte) []byte { return pemBlock("CERTIFICATE", der) }

// pemBlock encodes one PEM block.
func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// x5Served is what our server saw of one client.
type x5Served struct {
	peer []byte
	err  error
}

// x5OurServer runs our server with o for one connection.
func x5OurServer(t *testing.T, app *ssl.App, o ssl.Options) (int, <-chan x5Served) {
	t.Helper()
	ls, err := app.Listen("127.0.0.1:0", o)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ls.Close() })
	res := make(chan x5Served, 1)
	go func() {
		var r x5Served
		defer func() { res <- r }()
		pend, err := ls.TransportAccept(hsTimeout)
		if err != nil {
			r.err = err
			return
		}
		sock, err := app.Handshake(pend, nil, hsTimeout)
		if err != nil {
			r.err = err
			return
		}
		defer sock.Close()
		r.peer, _ = sock.Peercert()
		// Echo until the client closes.
		for {
			b, err := sock.Recv(0, ioTimeout)
			if err != nil {
				return
			}
			if sock.Send(b) != nil {
				return
			}
		}
	}()
	return ls.Addr().(*net.TCPAddr).Port, res
}

// TestClientCertErlang: client certificates both ways with Erlang's ssl:
// our client with and without a certificate against an Erlang server that
// demands one (verify_peer, fail_if_no_peer_cert), and Erlang's client with
// and without one against our server that demands one.
func TestClientCertErlang(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "escript")
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-GCM-SHA256")
	if s == nil {
		t.Fatal("no ECDHE-ECDSA-AES128-GCM-SHA256 suite")
	}

	t.Run("our_client", func(t *testing.T) {
		// erl_peer.escript's server mode, offering only s.
		srv := startProc(t, bin, []string{erlScript(t), "server", p.ECDSA.CertFile, p.ECDSA.KeyFile,
			p.RSA.CertFile, p.RSA.KeyFile, p.CAFile, "peer", s.OpenSSLName}, procOpts{})
		m := srv.waitFor(t, erlListening, peerReady)
		port, _ := strconv.Atoi(m[1])
		o := clientOpts(p, s)
		p.Client.Options(&o)
		sock, err := dial(app, port, o)
		if err != nil {
			t.Fatalf("Connect with a client certificate: %v\n%s", err, srv.tail())
		}
		echoThrough(t, sock, []byte("client certificate accepted\n"))
		sock.Close()
		srv.waitFor(t, regexp.MustCompile(`accepted tlsv1\.2 `+s.OpenSSLName+`\n`), ioTimeout)

		// Without one the Erlang server refuses the handshake.
		if sock, err := dial(app, port, clientOpts(p, s)); err == nil {
			// TLS 1.2: the server's verdict may come after our Finished.
			_, err = sock.Recv(0, ioTimeout)
			sock.Close()
			if err == nil {
				t.Fatal("Erlang server accepted a client without a certificate")
			}
		}
		srv.waitFor(t, regexp.MustCompile(`handshake_failed .*(certificate_required|handshake_failure|no_client_certificate_provided)`), ioTimeout)
	})

	t.Run("their_client", func(t *testing.T) {
		o := serverOpts(p.ECDSA, s)
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = ssl.VerifyPeer, true, p.CAFile
		for _, withCert := range []bool{true, false} {
			port, res := x5OurServer(t, app, o)
			cert, key := "-", "-"
			if withCert {
				cert, key = p.Client.CertFile, p.Client.KeyFile
			}
			args := []string{erlScript(t), "client", p.CAFile, cert, key, writeFile(t, "payload", []byte("hello\n")), strconv.Itoa(port) + "/" + s.OpenSSLName}
			pr := startProc(t, bin, args, procOpts{})
			if err := pr.wait(t, 3*hsTimeout); err != nil {
				t.Fatalf("Erlang client: %v\n%s", err, pr.tail())
			}
			r := <-res
			out := string(pr.Stdout())
			if withCert {
				if !strings.Contains(out, "ok "+s.OpenSSLName+" tlsv1.2") || r.err != nil || !bytes.Equal(r.peer, p.Client.DER) {
					t.Errorf("with certificate: Erlang %q, our server err %v, peer cert seen %t", out, r.err, bytes.Equal(r.peer, p.Client.DER))
				}
				continue
			}
			if !strings.Contains(out, "fail "+s.OpenSSLName) || r.err == nil {
				t.Errorf("without certificate: Erlang %q, our server err %v: want both failed", out, r.err)
			} else if !strings.Contains(r.err.Error(), "no_peer_cert") && !strings.Contains(ssl.FormatError(r.err), "certificate") {
				t.Errorf("without certificate: our server's error %v (%s)", r.err, ssl.FormatError(r.err))
			}
		}
	})
}

// TestRevokedServerOpenSSL: openssl s_server serves a certificate its
// issuer has revoked; our client with crl_check refuses it with
// {bad_cert,{revoked,keyCompromise}}, and accepts a good one.
func TestRevokedServerOpenSSL(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "openssl")
	p := crlNewPKI(t)
	app := startApp(t)
	revoked, revokedLeaf := p.serverCert(t)
	good, _ := p.serverCert(t)
	if err := app.CRLCache().Insert(crlOf(t, p.inter, p.interKey, 1, revokedLeaf.SerialNumber)); err != nil {
		t.Fatal(err)
	}
	if err := app.CRLCache().Insert(crlOf(t, p.root, p.rootKey, 1)); err != nil {
		t.Fatal(err)
	}
	serve := func(t *testing.T, c tls.Certificate) (*proc, int) {
		kd, err := x509.MarshalECPrivateKey(c.PrivateKey.(*ecdsa.PrivateKey))
		if err != nil {
			t.Fatal(err)
		}
		certF := writeFile(t, "leaf.pem", pemCert(c.Certificate[0]))
		chainF := writeFile(t, "chain.pem", pemCert(c.Certificate[1]))
		keyF := writeFile(t, "leaf.key", pemBlock("EC PRIVATE KEY", kd))
		pr := startProc(t, bin, []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-tls1_2",
			"-cert", certF, "-key", keyF, "-cert_chain", chainF}, procOpts{})
		m := pr.waitFor(t, acceptRe, peerReady)
		port, _ := strconv.Atoi(m[1])
		return pr, port
	}
	t.Run("revoked", func(t *testing.T) {
		srv, port := serve(t, revoked)
		err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckTrue))
		var bc *ssl.BadCertError
		if !errors.As(err, &bc) || bc.Reason != handshake.Revoked || bc.RevokedWhy != "keyCompromise" {
			t.Fatalf("client error %v, want {bad_cert,{revoked,keyCompromise}}\n%s", err, srv.tail())
		}
		// s_server reports the alert we sent: certificate revoked.
		srv.waitFor(t, regexp.MustCompile(`(?i)certificate revoked`), ioTimeout)
	})
	t.Run("good", func(t *testing.T) {
		srv, port := serve(t, good)
		if err := crlConnect(t, app, port, crlClientOpts(p, ssl.CRLCheckTrue)); err != nil {
			t.Fatalf("good certificate refused: %v\n%s", err, srv.tail())
		}
	})
}

// TestCertificateRequestCAs: our server's CertificateRequest lists its
// cacerts' subjects (RFC 5246 §7.4.4 certificate_authorities), as a
// crypto/tls client's GetClientCertificate sees them.
func TestCertificateRequestCAs(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-GCM-SHA256")
	if s == nil {
		t.Fatal("no ECDHE-ECDSA-AES128-GCM-SHA256 suite")
	}
	other := x5Issue(t, x5CATmpl("second accepted CA"), nil)
	o := serverOpts(p.ECDSA, s)
	o.Verify, o.FailIfNoPeerCert = ssl.VerifyPeer, true
	o.CACerts = [][]byte{p.CA.Raw, other.cert.Raw}
	port, res := x5OurServer(t, app, o)

	var seen [][]byte
	cfg := &tls.Config{
		RootCAs: p.CAPool, ServerName: "localhost", MaxVersion: tls.VersionTLS12,
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			seen = cri.AcceptableCAs
			c := p.Client.TLS()
			return &c, nil
		},
	}
	conn, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port), cfg)
	if err != nil {
		t.Fatalf("crypto/tls client: %v", err)
	}
	if _, err := conn.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if r := <-res; r.err != nil || !bytes.Equal(r.peer, p.Client.DER) {
		t.Errorf("our server: %v", r.err)
	}
	want := [][]byte{p.CA.RawSubject, other.cert.RawSubject}
	if len(seen) != len(want) {
		t.Fatalf("AcceptableCAs has %d names, want %d", len(seen), len(want))
	}
	for i := range want {
		if !bytes.Equal(seen[i], want[i]) {
			t.Errorf("AcceptableCAs[%d] = %x, want %x", i, seen[i], want[i])
		}
	}
}
