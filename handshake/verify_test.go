// verify_test.go tests ValidatePath against hierarchies built on the fly.
package handshake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl/record"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// testNow is the validation time of every test.
var testNow = time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)

// pkiNode is one issued test certificate and its key.
type pkiNode struct {
	cert *x509.Certificate
	der  []byte
	key  *ecdsa.PrivateKey
}

// certSpec describes a test certificate; zero values give a sane default.
type certSpec struct {
	cn                  string
	issuer              *pkiNode // nil: self-signed
	key                 *ecdsa.PrivateKey
	ca                  bool
	noBC                bool
	maxPathLen          int // -1 unset
	ku                  x509.KeyUsage
	eku                 []x509.ExtKeyUsage
	notBefore, notAfter time.Time
	dns                 []string
	ips                 []net.IP
	emails              []string
	permDNS, exclDNS    []string
	permIPs             []*net.IPNet
	permEmails          []string
	extra               []pkix.Extension
	issuerSubject       *pkix.Name // sign as an issuer with this (wrong) name
}

var testSerial int64

// mkCert issues a certificate.
func mkCert(t testing.TB, s certSpec) *pkiNode {
	t.Helper()
	key := s.key
	if key == nil {
		var err error
		if key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	testSerial++
	tmpl := &x509.Certificate{
		SerialNumber:            big.NewInt(testSerial),
		Subject:                 pkix.Name{CommonName: s.cn, Organization: []string{"Test"}},
		NotBefore:               testNow.Add(-24 * time.Hour),
		NotAfter:                testNow.Add(24 * time.Hour),
		BasicConstraintsValid:   !s.noBC,
		IsCA:                    s.ca,
		MaxPathLen:              s.maxPathLen,
		MaxPathLenZero:          s.maxPathLen == 0,
		KeyUsage:                s.ku,
		ExtKeyUsage:             s.eku,
		DNSNames:                s.dns,
		IPAddresses:             s.ips,
		EmailAddresses:          s.emails,
		PermittedDNSDomains:     s.permDNS,
		ExcludedDNSDomains:      s.exclDNS,
		PermittedIPRanges:       s.permIPs,
		PermittedEmailAddresses: s.permEmails,
		ExtraExtensions:         s.extra,
		// RFC 5280 §4.2.1.10: name constraints are critical.
		PermittedDNSDomainsCritical: len(s.permDNS)+len(s.exclDNS)+len(s.permIPs)+len(s.permEmails) > 0,
	}
	if !s.notBefore.IsZero() {
		tmpl.NotBefore = s.notBefore
	}
	if !s.notAfter.IsZero() {
		tmpl.NotAfter = s.notAfter
	}
	if s.ca && s.ku == 0 {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if s.ca {
		tmpl.SubjectKeyId = []byte(fmt.Sprintf("ski-%d", testSerial))
	}
	parent, signer := tmpl, key
	if s.issuer != nil {
		parent, signer = s.issuer.cert, s.issuer.key
		if s.issuerSubject != nil {
			p := *s.issuer.cert
			p.Subject = *s.issuerSubject
			p.RawSubject = nil
			parent = &p
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &pkiNode{cert: c, der: der, key: key}
}

// hierarchy is root -> int -> leaf, the common case.
type hierarchy struct{ root, int, leaf *pkiNode }

func newHierarchy(t testing.TB) hierarchy {
	root := mkCert(t, certSpec{cn: "Root", ca: true, maxPathLen: -1})
	in := mkCert(t, certSpec{cn: "Int", issuer: root, ca: true, maxPathLen: -1})
	leaf := mkCert(t, certSpec{cn: "leaf", issuer: in, maxPathLen: -1, dns: []string{"www.example.com"},
		eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, ku: x509.KeyUsageDigitalSignature})
	return hierarchy{root, in, leaf}
}

func derList(ns ...*pkiNode) [][]byte {
	out := make([][]byte, len(ns))
	for i, n := range ns {
		out[i] = n.der
	}
	return out
}

func pathOpts(roots ...*pkiNode) *PathOptions {
	o := &PathOptions{Now: testNow, Depth: 5, Hostname: "www.example.com"}
	for _, r := range roots {
		o.Roots = append(o.Roots, r.cert)
	}
	return o
}

// wantReason asserts err is a *BadCertError with reason.
func wantReason(t *testing.T, err error, reason BadCertReason) {
	t.Helper()
	var bc *BadCertError
	if !errors.As(err, &bc) {
		t.Fatalf("err = %v, want {bad_cert,%s}", err, reason)
	}
	if bc.Reason != reason {
		t.Fatalf("reason = %s, want %s (%v)", bc.Reason, reason, err)
	}
}

func wantOK(t *testing.T, vp *ValidatedPath, err error, chainCNs ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("ValidatePath: %v", err)
	}
	var got []string
	for _, c := range vp.Chain {
		got = append(got, c.Subject.CommonName)
	}
	if !reflect.DeepEqual(got, chainCNs) {
		t.Fatalf("chain = %v, want %v", got, chainCNs)
	}
}

func TestValidatePathGood(t *testing.T) {
	h := newHierarchy(t)
	vp, err := ValidatePath(derList(h.leaf, h.int), pathOpts(h.root))
	wantOK(t, vp, err, "leaf", "Int", "Root")
	// The root sent along, and IP/role variations.
	vp, err = ValidatePath(derList(h.leaf, h.int, h.root), pathOpts(h.root))
	wantOK(t, vp, err, "leaf", "Int", "Root")
	if vp.Chain[2] != h.root.cert {
		t.Fatal("anchor should be the trusted copy")
	}
}

func TestValidatePathOrderAndJunk(t *testing.T) {
	h := newHierarchy(t)
	other := newHierarchy(t)
	i2 := mkCert(t, certSpec{cn: "Int2", issuer: h.int, ca: true, maxPathLen: -1})
	leaf := mkCert(t, certSpec{cn: "leaf2", issuer: i2, maxPathLen: -1, dns: []string{"www.example.com"}})
	chains := [][][]byte{
		derList(leaf, h.int, i2),
		derList(leaf, h.root, other.int, h.int, other.leaf, i2),
		append(derList(leaf, i2), []byte("garbage"), h.int.der),
		derList(leaf, i2, i2, h.int, h.int),
	}
	for i, ch := range chains {
		vp, err := ValidatePath(ch, pathOpts(h.root))
		if err != nil {
			t.Fatalf("chain %d: %v", i, err)
		}
		wantOK(t, vp, err, "leaf2", "Int2", "Int", "Root")
	}
}

func TestValidatePathCrossSigned(t *testing.T) {
	rootA := mkCert(t, certSpec{cn: "RootA", ca: true, maxPathLen: -1})
	rootB := mkCert(t, certSpec{cn: "RootB", ca: true, maxPathLen: -1})
	ikey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// The same intermediate (name and key) signed by both roots; the copy
	// under A is expired.
	intA := mkCert(t, certSpec{cn: "Int", issuer: rootA, key: ikey, ca: true, maxPathLen: -1, notAfter: testNow.Add(-time.Hour)})
	intB := mkCert(t, certSpec{cn: "Int", issuer: rootB, key: ikey, ca: true, maxPathLen: -1})
	leaf := mkCert(t, certSpec{cn: "leaf", issuer: intA, maxPathLen: -1, dns: []string{"www.example.com"}})

	vp, err := ValidatePath(derList(leaf, intA, intB), pathOpts(rootB))
	wantOK(t, vp, err, "leaf", "Int", "RootB")
	vp, err = ValidatePath(derList(leaf, intA, intB), pathOpts(rootA, rootB))
	wantOK(t, vp, err, "leaf", "Int", "RootB")
	if vp.Chain[1] != intB.cert && vp.Chain[1].NotAfter.Before(testNow) {
		t.Fatal("expired cross-sign chosen")
	}
	_, err = ValidatePath(derList(leaf, intA), pathOpts(rootA, rootB))
	wantReason(t, err, CertExpired)
}

func TestValidatePathReasons(t *testing.T) {
	h := newHierarchy(t)
	leafWith := func(s certSpec) *pkiNode {
		s.issuer, s.cn = h.int, "leaf"
		s.maxPathLen = -1
		if s.dns == nil && s.ips == nil {
			s.dns = []string{"www.example.com"}
		}
		return mkCert(t, s)
	}
	intWith := func(s certSpec) *pkiNode {
		s.issuer, s.cn = h.root, "Int"
		if s.maxPathLen == 0 {
			s.maxPathLen = -1
		}
		return mkCert(t, s)
	}
	under := func(in *pkiNode) *pkiNode {
		return mkCert(t, certSpec{cn: "leaf", issuer: in, maxPathLen: -1, dns: []string{"www.example.com"}})
	}
	badSig := append([]byte(nil), h.leaf.der...)
	badSig[len(badSig)-1] ^= 0x55

	critical := pkix.Extension{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Critical: true, Value: []byte{5, 0}}
	ncInt := intWith(certSpec{ca: true, permDNS: []string{"example.com"}})
	ncExcl := intWith(certSpec{ca: true, exclDNS: []string{"bad.example.com"}})
	ipInt := intWith(certSpec{ca: true, permIPs: []*net.IPNet{{IP: net.IP{10, 0, 0, 0}, Mask: net.CIDRMask(8, 32)}}})
	mailInt := intWith(certSpec{ca: true, permEmails: []string{"example.com"}})
	dirInt := intWith(certSpec{ca: true, extra: []pkix.Extension{dirNameConstraint(t, "Other")}})
	dirOK := intWith(certSpec{ca: true, extra: []pkix.Extension{dirNameConstraint(t, "Test")}})
	pl0 := mkCert(t, certSpec{cn: "Int", issuer: h.root, ca: true, maxPathLen: 0})
	pair := func(in *pkiNode) [][]byte { return derList(under(in), in) }
	sub := mkCert(t, certSpec{cn: "Sub", issuer: pl0, ca: true, maxPathLen: -1})

	cases := []struct {
		name   string
		chain  [][]byte
		o      func(*PathOptions)
		reason BadCertReason // "" = accepted
	}{
		{"unknown_ca", derList(h.leaf, h.int), func(o *PathOptions) { o.Roots = nil }, UnknownCA},
		{"unknown_ca other root", derList(h.leaf, h.int), func(o *PathOptions) { o.Roots = []*x509.Certificate{newHierarchy(t).root.cert} }, UnknownCA},
		{"selfsigned_peer", derList(h.root), func(o *PathOptions) { o.Roots = nil; o.Hostname = "" }, SelfSignedPeer},
		{"pinned self-signed", derList(h.root), func(o *PathOptions) { o.Hostname = "" }, ""},
		{"leaf expired", derList(leafWith(certSpec{notAfter: testNow.Add(-time.Second)}), h.int), nil, CertExpired},
		{"leaf not yet valid", derList(leafWith(certSpec{notBefore: testNow.Add(time.Hour)}), h.int), nil, CertExpired},
		{"int expired", pair(intWith(certSpec{ca: true, notAfter: testNow.Add(-time.Hour)})), nil, CertExpired},
		{"invalid_signature", [][]byte{badSig, h.int.der}, nil, InvalidSignature},
		{"invalid_issuer", derList(leafWith(certSpec{issuerSubject: &pkix.Name{CommonName: "Wrong"}}), h.int), nil, InvalidIssuer},
		{"missing_basic_constraint (no BC)", pair(intWith(certSpec{noBC: true})), nil, MissingBasicConstraint},
		{"missing_basic_constraint (cA false)", pair(intWith(certSpec{ku: x509.KeyUsageCertSign})), nil, MissingBasicConstraint},
		{"invalid_key_usage", pair(intWith(certSpec{ca: true, ku: x509.KeyUsageDigitalSignature})), nil, InvalidKeyUsage},
		{"pathlen 0 then CA", derList(mkCert(t, certSpec{cn: "leaf", issuer: sub, maxPathLen: -1, dns: []string{"www.example.com"}}), sub, pl0), nil, MaxPathLengthReached},
		{"pathlen 0 direct leaf", derList(under(pl0), pl0), nil, ""},
		{"nc permitted ok", derList(under(ncInt), ncInt), nil, ""},
		{"nc permitted miss", derList(mkCert(t, certSpec{cn: "leaf", issuer: ncInt, maxPathLen: -1, dns: []string{"www.other.org"}}), ncInt), func(o *PathOptions) { o.Hostname = "www.other.org" }, NameNotPermitted},
		{"nc excluded", derList(mkCert(t, certSpec{cn: "leaf", issuer: ncExcl, maxPathLen: -1, dns: []string{"x.bad.example.com"}}), ncExcl), func(o *PathOptions) { o.Hostname = "" }, NameNotPermitted},
		{"nc ip ok", derList(mkCert(t, certSpec{cn: "leaf", issuer: ipInt, maxPathLen: -1, ips: []net.IP{net.IPv4(10, 1, 2, 3)}}), ipInt), func(o *PathOptions) { o.Hostname = "10.1.2.3" }, ""},
		{"nc ip miss", derList(mkCert(t, certSpec{cn: "leaf", issuer: ipInt, maxPathLen: -1, ips: []net.IP{net.IPv4(11, 1, 2, 3)}}), ipInt), func(o *PathOptions) { o.Hostname = "11.1.2.3" }, NameNotPermitted},
		{"nc email ok", derList(mkCert(t, certSpec{cn: "leaf", issuer: mailInt, maxPathLen: -1, emails: []string{"a@example.com"}}), mailInt), func(o *PathOptions) { o.Hostname = "" }, ""},
		{"nc email miss", derList(mkCert(t, certSpec{cn: "leaf", issuer: mailInt, maxPathLen: -1, emails: []string{"a@evil.com"}}), mailInt), func(o *PathOptions) { o.Hostname = "" }, NameNotPermitted},
		{"nc dirName miss", derList(under(dirInt), dirInt), nil, NameNotPermitted},
		{"nc dirName ok", derList(under(dirOK), dirOK), nil, ""},
		{"unknown critical ext", derList(leafWith(certSpec{extra: []pkix.Extension{critical}}), h.int), nil, UnknownCriticalExtension},
		{"unknown non-critical ext", derList(leafWith(certSpec{extra: []pkix.Extension{{Id: critical.Id, Value: critical.Value}}}), h.int), nil, ""},
		{"eku client-only for server", derList(leafWith(certSpec{eku: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), h.int), nil, InvalidExtKeyUsage},
		{"eku client-only as client", derList(leafWith(certSpec{eku: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), h.int), func(o *PathOptions) { o.Role = ClientAuth }, ""},
		{"eku any", derList(leafWith(certSpec{eku: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}), h.int), nil, ""},
		{"eku absent", derList(leafWith(certSpec{})), func(o *PathOptions) { o.Roots = append(o.Roots, h.int.cert) }, ""},
		{"hostname mismatch", derList(h.leaf, h.int), func(o *PathOptions) { o.Hostname = "mail.example.com" }, HostnameCheckFailed},
		{"no hostname check", derList(h.leaf, h.int), func(o *PathOptions) { o.Hostname = "" }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := pathOpts(h.root)
			if tc.o != nil {
				tc.o(o)
			}
			vp, err := ValidatePath(tc.chain, o)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if vp == nil || len(vp.Chain) == 0 {
					t.Fatal("empty path")
				}
				return
			}
			wantReason(t, err, tc.reason)
		})
	}
}

// dirNameConstraint builds a critical nameConstraints extension permitting
// the directory subtree O=org (RFC 5280 §4.2.1.10).
func dirNameConstraint(t testing.TB, org string) pkix.Extension {
	name, err := asn1.Marshal(pkix.Name{Organization: []string{org}}.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					b.AddBytes(name)
				})
			})
		})
	})
	return pkix.Extension{Id: oidExtNC, Critical: true, Value: b.BytesOrPanic()}
}

func TestValidatePathDepth(t *testing.T) {
	root := mkCert(t, certSpec{cn: "Root", ca: true, maxPathLen: -1})
	i1 := mkCert(t, certSpec{cn: "I1", issuer: root, ca: true, maxPathLen: -1})
	i2 := mkCert(t, certSpec{cn: "I2", issuer: i1, ca: true, maxPathLen: -1})
	leaf0 := mkCert(t, certSpec{cn: "l0", issuer: root, maxPathLen: -1})
	leaf1 := mkCert(t, certSpec{cn: "l1", issuer: i1, maxPathLen: -1})
	leaf2 := mkCert(t, certSpec{cn: "l2", issuer: i2, maxPathLen: -1})
	// A self-issued intermediate (key rollover) does not count.
	selfIss := mkCert(t, certSpec{cn: "I1", issuer: i1, ca: true, maxPathLen: -1})
	leafS := mkCert(t, certSpec{cn: "ls", issuer: selfIss, maxPathLen: -1})
	cases := []struct {
		chain [][]byte
		depth int
		ok    bool
	}{
		{derList(leaf0), 0, true},
		{derList(leaf1, i1), 0, false},
		{derList(leaf1, i1), 1, true},
		{derList(leaf2, i2, i1), 1, false},
		{derList(leaf2, i2, i1), 2, true},
		{derList(leaf2, i2, i1), -1, true},
		{derList(leafS, selfIss, i1), 1, true},
	}
	for i, tc := range cases {
		o := &PathOptions{Now: testNow, Depth: tc.depth, Roots: []*x509.Certificate{root.cert}}
		_, err := ValidatePath(tc.chain, o)
		if tc.ok && err != nil {
			t.Errorf("case %d: %v", i, err)
		}
		if !tc.ok {
			var bc *BadCertError
			if !errors.As(err, &bc) || bc.Reason != MaxPathLengthReached {
				t.Errorf("case %d: err = %v, want max_path_length_reached", i, err)
			}
		}
	}
}

func TestValidatePathPartialChain(t *testing.T) {
	h := newHierarchy(t)
	called := 0
	o := pathOpts()
	o.PartialChain = func(chain [][]byte) ([]byte, bool) {
		called++
		if len(chain) != 2 || string(chain[0]) != string(h.leaf.der) {
			t.Errorf("partial_chain got %d certs", len(chain))
		}
		return h.int.der, true
	}
	vp, err := ValidatePath(derList(h.leaf, h.int), o)
	wantOK(t, vp, err, "leaf", "Int")
	if called != 1 {
		t.Fatalf("partial_chain called %d times", called)
	}
	// Not consulted when a trusted root is found.
	o2 := pathOpts(h.root)
	o2.PartialChain = func([][]byte) ([]byte, bool) { t.Error("called"); return nil, false }
	_, err = ValidatePath(derList(h.leaf, h.int), o2)
	if err != nil {
		t.Fatal(err)
	}
	// Naming a certificate that is not in the chain gives unknown_ca.
	o.PartialChain = func([][]byte) ([]byte, bool) { return h.root.der, true }
	_, err = ValidatePath(derList(h.leaf, h.int), o)
	wantReason(t, err, UnknownCA)
	// Declining gives unknown_ca.
	o.PartialChain = func([][]byte) ([]byte, bool) { return nil, false }
	_, err = ValidatePath(derList(h.leaf, h.int), o)
	wantReason(t, err, UnknownCA)
}

func TestDefaultFuns(t *testing.T) {
	h := newHierarchy(t)
	expired := mkCert(t, certSpec{cn: "leaf", issuer: h.int, maxPathLen: -1, notAfter: testNow.Add(-time.Hour)})
	for _, tc := range []struct {
		chain [][]byte
		roots []*pkiNode
	}{
		{derList(expired, h.int), []*pkiNode{h.root}},
		{derList(h.leaf, h.int), nil},
		{derList(h.root), nil},
	} {
		o := pathOpts(tc.roots...)
		o.Hostname = "wrong.example.net"
		o.VerifyFun = DefaultVerifyNoneFun()
		vp, err := ValidatePath(tc.chain, o)
		if err != nil {
			t.Fatalf("verify_none: %v", err)
		}
		if len(vp.Overridden) == 0 {
			t.Fatal("verify_none: nothing overridden")
		}
		o.VerifyFun = DefaultVerifyPeerFun()
		if _, err := ValidatePath(tc.chain, o); err == nil {
			t.Fatal("verify_peer accepted a bad chain")
		}
		o.VerifyFun = nil // default is verify_peer
		if _, err := ValidatePath(tc.chain, o); err == nil {
			t.Fatal("nil verify_fun accepted a bad chain")
		}
	}
}

// recorder returns a verify_fun that logs "CN:event[:reason]" into its
// []string state; bad_cert is accepted when accept is true; extensions are
// known when knowExt is true.
func recorder(accept, knowExt bool) VerifyFun {
	return func(c *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		log := st.([]string)
		if ev.Kind == EventExtension && routineExt(ev.Extension.Id) {
			// Offered on every certificate here (as OTP offers them);
			// test/x509_tls_test.go checks them against Erlang.
			return OutcomeUnknown, log, ""
		}
		s := c.Subject.CommonName + ":" + ev.Kind.String()
		if ev.Kind == EventBadCert {
			s += ":" + string(ev.Reason)
		}
		if ev.Kind == EventExtension {
			s += ":" + ev.Extension.Id.String()
		}
		log = append(log, s)
		switch ev.Kind {
		case EventBadCert:
			if accept {
				return OutcomeValid, log, ""
			}
			return OutcomeFail, log, ev.Reason
		case EventExtension:
			if knowExt {
				return OutcomeValid, log, ""
			}
			return OutcomeUnknown, log, ""
		}
		return OutcomeValid, log, ""
	}
}

// routineExt reports subjectKeyIdentifier, authorityKeyIdentifier and
// subjectAltName, which the test certificates all carry.
func routineExt(id asn1.ObjectIdentifier) bool {
	return id.Equal(asn1.ObjectIdentifier{2, 5, 29, 14}) || id.Equal(oidExtAKI) || id.Equal(oidExtSAN)
}

// TestOfferedExtensions: the verify_fun sees the extensions OTP offers
// (SKI, AKI, a non-critical SAN, unknown ones) and not those it processes.
func TestOfferedExtensions(t *testing.T) {
	for _, tc := range []struct {
		id   asn1.ObjectIdentifier
		crit bool
		want bool
	}{
		{asn1.ObjectIdentifier{2, 5, 29, 14}, false, true},
		{oidExtAKI, false, true},
		{oidExtSAN, false, true},
		{asn1.ObjectIdentifier{2, 5, 29, 31}, false, true},
		{oidAIA, false, true},
		{asn1.ObjectIdentifier{1, 2, 3}, true, true},
		{oidExtBC, true, false},
		{oidExtKU, true, false},
		{oidExtEKU, false, false},
		{oidExtNC, true, false},
		{oidExtPC, true, false},
		{asn1.ObjectIdentifier{2, 5, 29, 32}, true, false},
	} {
		if got := offeredExt(pkix.Extension{Id: tc.id, Critical: tc.crit}); got != tc.want {
			t.Errorf("offeredExt(%v) = %t, want %t", tc.id, got, tc.want)
		}
	}
}

func TestVerifyFunEvents(t *testing.T) {
	h := newHierarchy(t)
	i2 := mkCert(t, certSpec{cn: "Int2", issuer: h.int, ca: true, maxPathLen: -1})
	leaf2 := mkCert(t, certSpec{cn: "leaf2", issuer: i2, maxPathLen: -1, dns: []string{"www.example.com"}})
	expired := mkCert(t, certSpec{cn: "old", issuer: h.int, maxPathLen: -1, dns: []string{"www.example.com"}, notAfter: testNow.Add(-time.Hour)})
	crit := mkCert(t, certSpec{cn: "crit", issuer: h.int, maxPathLen: -1, dns: []string{"www.example.com"},
		extra: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3}, Critical: true, Value: []byte{5, 0}}}})
	cases := []struct {
		name    string
		chain   [][]byte
		roots   []*pkiNode
		host    string
		accept  bool
		knowExt bool
		want    []string
		reason  BadCertReason
	}{
		{"valid", derList(leaf2, i2, h.int), []*pkiNode{h.root}, "www.example.com", false, false,
			[]string{"Int:valid", "Int2:valid", "leaf2:valid_peer"}, ""},
		{"expired accepted", derList(expired, h.int), []*pkiNode{h.root}, "www.example.com", true, false,
			[]string{"Int:valid", "old:bad_cert:cert_expired", "old:valid_peer"}, ""},
		{"expired rejected", derList(expired, h.int), []*pkiNode{h.root}, "www.example.com", false, false,
			[]string{"Int:valid", "old:bad_cert:cert_expired"}, CertExpired},
		{"hostname replaces valid_peer", derList(h.leaf, h.int), []*pkiNode{h.root}, "x.example.org", true, false,
			[]string{"Int:valid", "leaf:bad_cert:hostname_check_failed"}, ""},
		{"unknown_ca accepted", derList(h.leaf, h.int), nil, "www.example.com", true, false,
			[]string{"Int:bad_cert:unknown_ca", "leaf:valid_peer"}, ""},
		{"critical ext unknown", derList(crit, h.int), []*pkiNode{h.root}, "", false, false,
			[]string{"Int:valid", "crit:extension:1.2.3"}, UnknownCriticalExtension},
		{"critical ext known", derList(crit, h.int), []*pkiNode{h.root}, "", false, true,
			[]string{"Int:valid", "crit:extension:1.2.3", "crit:valid_peer"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := pathOpts(tc.roots...)
			o.Hostname = tc.host
			o.VerifyFun = recorder(tc.accept, tc.knowExt)
			o.UserState = []string{}
			vp, err := ValidatePath(tc.chain, o)
			if tc.reason != "" {
				wantReason(t, err, tc.reason)
				return // state is not returned on failure; checked via Overridden below
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := vp.UserState.([]string); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("events = %q, want %q", got, tc.want)
			}
		})
	}
	// On failure the event sequence up to the stop is observable through a
	// closure-held log.
	var log []string
	o := pathOpts(h.root)
	o.VerifyFun = func(c *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		out, st2, r := recorder(false, false)(c, ev, st)
		log = st2.([]string)
		return out, st2, r
	}
	o.UserState = []string{}
	_, err := ValidatePath(derList(expired, h.int), o)
	wantReason(t, err, CertExpired)
	if want := []string{"Int:valid", "old:bad_cert:cert_expired"}; !reflect.DeepEqual(log, want) {
		t.Fatalf("events = %q, want %q", log, want)
	}
}

func TestVerifyFunCustomFailReason(t *testing.T) {
	h := newHierarchy(t)
	o := pathOpts(h.root)
	o.VerifyFun = func(c *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		if ev.Kind == EventValidPeer {
			return OutcomeFail, st, "not_my_peer"
		}
		return OutcomeValid, st, ""
	}
	_, err := ValidatePath(derList(h.leaf, h.int), o)
	wantReason(t, err, "not_my_peer")
	if AlertFor("not_my_peer") != record.AlertHandshakeFailure {
		t.Fatal("user reason should map to handshake_failure")
	}
}

func TestValidatePathDecode(t *testing.T) {
	_, err := ValidatePath(nil, &PathOptions{})
	wantReason(t, err, NoPeerCertificate)
	_, err = ValidatePath([][]byte{{0x30, 0x03, 1, 2, 3}}, &PathOptions{})
	wantReason(t, err, DecodeFailed)
	if !strings.Contains(err.Error(), "failed_to_decode_certificate") {
		t.Fatalf("error text %q", err)
	}
}

func TestAlertFor(t *testing.T) {
	want := map[BadCertReason]record.AlertDescription{
		UnknownCA:                record.AlertUnknownCA,
		CertExpired:              record.AlertCertificateExpired,
		HostnameCheckFailed:      record.AlertBadCertificate,
		InvalidSignature:         record.AlertBadCertificate,
		SelfSignedPeer:           record.AlertBadCertificate,
		MaxPathLengthReached:     record.AlertBadCertificate,
		UnknownCriticalExtension: record.AlertUnsupportedCertificate,
		Revoked:                  record.AlertCertificateRevoked,
		"revoked_key_compromise": record.AlertCertificateRevoked,
	}
	for r, d := range want {
		if got := AlertFor(r); got != d {
			t.Errorf("AlertFor(%s) = %v, want %v", r, got, d)
		}
	}
	e := &BadCertError{Reason: CertExpired}
	if ae := e.AlertError(); ae.Desc != record.AlertCertificateExpired || ae.Level != record.LevelFatal {
		t.Fatalf("AlertError = %+v", ae)
	}
}

func TestSystemRoots(t *testing.T) {
	roots, err := SystemRoots()
	if err != nil {
		t.Skipf("no system roots here: %v", err)
	}
	if len(roots) == 0 {
		t.Fatal("no roots and no error")
	}
	again, _ := SystemRoots()
	if &again[0] != &roots[0] {
		t.Fatal("not cached")
	}
}

func TestNameEqualNormalised(t *testing.T) {
	a, _ := asn1.Marshal(pkix.Name{CommonName: "Example  CA", Organization: []string{"ACME"}}.ToRDNSequence())
	b, _ := asn1.Marshal(pkix.Name{CommonName: "example ca", Organization: []string{"acme"}}.ToRDNSequence())
	c, _ := asn1.Marshal(pkix.Name{CommonName: "example cb", Organization: []string{"acme"}}.ToRDNSequence())
	if !nameEqual(a, b) || nameEqual(a, c) {
		t.Fatal("name normalisation")
	}
}

// FuzzValidatePath feeds hostile chains: the input is split on 0xff 0x00
// into DER blobs. It must never panic.
func FuzzValidatePath(f *testing.F) {
	h := newHierarchy(f)
	sep := []byte{0xff, 0x00}
	join := func(bs ...[]byte) []byte {
		return []byte(strings.Join(func() []string {
			s := make([]string, len(bs))
			for i, b := range bs {
				s[i] = string(b)
			}
			return s
		}(), string(sep)))
	}
	f.Add(join(h.leaf.der, h.int.der))
	f.Add(join(h.leaf.der, h.int.der, h.root.der))
	f.Add(join(h.int.der, h.leaf.der))
	f.Add(h.root.der)
	f.Add([]byte{0x30, 0x80})
	roots := []*x509.Certificate{h.root.cert}
	f.Fuzz(func(t *testing.T, data []byte) {
		parts := strings.Split(string(data), string(sep))
		chain := make([][]byte, len(parts))
		for i, p := range parts {
			chain[i] = []byte(p)
		}
		for _, fun := range []VerifyFun{DefaultVerifyPeerFun(), DefaultVerifyNoneFun()} {
			vp, err := ValidatePath(chain, &PathOptions{Now: testNow, Depth: 3, Roots: roots,
				Hostname: "www.example.com", VerifyFun: fun,
				PartialChain: func(c [][]byte) ([]byte, bool) { return c[len(c)-1], true }})
			if (vp == nil) == (err == nil) {
				t.Fatalf("vp=%v err=%v", vp, err)
			}
		}
	})
}
