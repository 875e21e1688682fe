// crl_test.go tests CRL revocation checking (RFC 5280 §6.3) and the
// crl_check modes of ValidatePath with generated CAs and CRLs.
package handshake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl/record"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// crlNow is the validation time of these tests.
var crlNow = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

// crlCert is a generated certificate and its key.
type crlCert struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

var crlSerial int64 = 100

// crlMkCert issues a certificate (self-signed when parent is nil).
func crlMkCert(t testing.TB, cn string, parent *crlCert, ca bool, edit func(*x509.Certificate)) *crlCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	crlSerial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(crlSerial),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"CRL test"}},
		NotBefore:             crlNow.Add(-365 * 24 * time.Hour),
		NotAfter:              crlNow.Add(365 * 24 * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.DNSNames = []string{cn}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	if edit != nil {
		edit(tmpl)
	}
	signer, signerCert := key, tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &crlCert{c, key}
}

// crlEntry is one CRL entry to make.
type crlEntry struct {
	serial *big.Int
	reason int
	exts   []pkix.Extension
}

// crlMkCRL issues a CRL by issuer (signed with key, default issuer's).
func crlMkCRL(t testing.TB, issuer *crlCert, number int64, entries []crlEntry, edit func(*x509.RevocationList)) *x509.RevocationList {
	t.Helper()
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(number),
		ThisUpdate: crlNow.Add(-time.Hour),
		NextUpdate: crlNow.Add(24 * time.Hour),
	}
	for _, e := range entries {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: e.serial, RevocationTime: crlNow.Add(-2 * time.Hour), ReasonCode: e.reason, ExtraExtensions: e.exts,
		})
	}
	if edit != nil {
		edit(tmpl)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer.cert, issuer.key)
	if err != nil {
		t.Fatal(err)
	}
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return rl
}

// crlDeltaExt is a deltaCRLIndicator naming base.
func crlDeltaExt(base int64) pkix.Extension {
	v, _ := asn1.Marshal(big.NewInt(base))
	return pkix.Extension{Id: oidDeltaCRL, Critical: true, Value: v}
}

// crlIDPExt builds an issuingDistributionPoint with an optional URI name and
// the onlyContainsCACerts / onlySomeReasons fields.
func crlIDPExt(uri string, onlyCA bool, someReasons []byte) pkix.Extension {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if uri != "" {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
				})
			})
		}
		if onlyCA {
			b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) })
		}
		if someReasons != nil {
			b.AddASN1(cbasn1.Tag(3).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(someReasons) })
		}
	})
	return pkix.Extension{Id: oidIDP, Critical: true, Value: b.BytesOrPanic()}
}

// crlPKI is root → intermediate → leaf.
type crlPKI struct{ root, inter, leaf *crlCert }

func crlNewPKI(t testing.TB, leafEdit func(*x509.Certificate)) *crlPKI {
	root := crlMkCert(t, "CRL Root", nil, true, nil)
	inter := crlMkCert(t, "CRL Intermediate", root, true, nil)
	leaf := crlMkCert(t, "server.example", inter, false, leafEdit)
	return &crlPKI{root, inter, leaf}
}

func TestCheckRevocation(t *testing.T) {
	p := crlNewPKI(t, nil)
	other := crlMkCert(t, "CRL Intermediate", p.root, true, nil) // same name, other key
	noCRLSign := crlMkCert(t, "CRL Intermediate", p.root, true, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageCertSign })
	// Go refuses to sign a CRL with a key lacking cRLSign: sign with a copy
	// that has it, then check against the real certificate.
	withSign := *noCRLSign.cert
	withSign.KeyUsage |= x509.KeyUsageCRLSign
	noCRLSignSigner := &crlCert{&withSign, noCRLSign.key}
	leafSerial := p.leaf.cert.SerialNumber
	unknownCrit := pkix.Extension{Id: asn1.ObjectIdentifier{1, 2, 3, 4}, Critical: true, Value: []byte{5, 0}}
	tests := []struct {
		name   string
		issuer *x509.Certificate
		crls   []*x509.RevocationList
		want   RevocationStatus
		reason string
	}{
		{"no CRLs", p.inter.cert, nil, RevocationUndetermined, ""},
		{"empty CRL", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, nil)}, RevocationGood, ""},
		{"other serials", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, []crlEntry{{serial: big.NewInt(7)}}, nil)}, RevocationGood, ""},
		{"revoked keyCompromise", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, []crlEntry{{serial: leafSerial, reason: 1}}, nil)}, RevocationRevoked, "keyCompromise"},
		{"revoked without reason", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, []crlEntry{{serial: leafSerial}}, nil)}, RevocationRevoked, "unspecified"},
		{"other issuer's CRL", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.root, 1, []crlEntry{{serial: leafSerial}}, nil)}, RevocationUndetermined, ""},
		{"expired CRL", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ThisUpdate, r.NextUpdate = crlNow.Add(-48*time.Hour), crlNow.Add(-time.Hour)
		})}, RevocationUndetermined, ""},
		{"future CRL", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ThisUpdate, r.NextUpdate = crlNow.Add(time.Hour), crlNow.Add(48*time.Hour)
		})}, RevocationUndetermined, ""},
		{"bad signature", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, other, 1, nil, nil)}, RevocationUndetermined, ""},
		{"bad signature, then good", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, other, 1, nil, nil), crlMkCRL(t, p.inter, 1, []crlEntry{{serial: leafSerial, reason: 4}}, nil)}, RevocationRevoked, "superseded"},
		{"issuer without cRLSign", noCRLSign.cert, []*x509.RevocationList{crlMkCRL(t, noCRLSignSigner, 1, nil, nil)}, RevocationUndetermined, ""},
		{"unknown critical CRL extension", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ExtraExtensions = []pkix.Extension{unknownCrit}
		})}, RevocationUndetermined, ""},
		{"unknown non-critical CRL extension", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4}, Value: []byte{5, 0}}}
		})}, RevocationGood, ""},
		{"unknown critical entry extension", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, []crlEntry{{serial: big.NewInt(9), exts: []pkix.Extension{unknownCrit}}}, nil)}, RevocationUndetermined, ""},
		{"delta revokes", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 5, nil, nil),
			crlMkCRL(t, p.inter, 6, []crlEntry{{serial: leafSerial, reason: 1}}, func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{crlDeltaExt(5)} }),
		}, RevocationRevoked, "keyCompromise"},
		{"delta alone is not enough", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 6, nil, func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{crlDeltaExt(5)} }),
		}, RevocationUndetermined, ""},
		{"delta for a newer base is ignored", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 5, nil, nil),
			crlMkCRL(t, p.inter, 9, []crlEntry{{serial: leafSerial, reason: 1}}, func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{crlDeltaExt(7)} }),
		}, RevocationGood, ""},
		{"delta removeFromCRL lifts a hold", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 5, []crlEntry{{serial: leafSerial, reason: 6}}, nil),
			crlMkCRL(t, p.inter, 6, []crlEntry{{serial: leafSerial, reason: 8}}, func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{crlDeltaExt(5)} }),
		}, RevocationGood, ""},
		{"hold without delta", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 5, []crlEntry{{serial: leafSerial, reason: 6}}, nil),
		}, RevocationRevoked, "certificateHold"},
		{"bad delta signature ignored", p.inter.cert, []*x509.RevocationList{
			crlMkCRL(t, p.inter, 5, nil, nil),
			crlMkCRL(t, other, 6, []crlEntry{{serial: leafSerial, reason: 1}}, func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{crlDeltaExt(5)} }),
		}, RevocationGood, ""},
		{"IDP only CA certs", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ExtraExtensions = []pkix.Extension{crlIDPExt("", true, nil)}
		})}, RevocationUndetermined, ""},
		{"IDP some reasons only", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ExtraExtensions = []pkix.Extension{crlIDPExt("", false, []byte{7, 0x40})} // keyCompromise
		})}, RevocationUndetermined, ""},
		{"IDP with a name, cert without DP", p.inter.cert, []*x509.RevocationList{crlMkCRL(t, p.inter, 1, nil, func(r *x509.RevocationList) {
			r.ExtraExtensions = []pkix.Extension{crlIDPExt("http://crl.example/a.crl", false, nil)}
		})}, RevocationUndetermined, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckRevocation(p.leaf.cert, tc.issuer, tc.crls, crlNow)
			if got.Status != tc.want || got.Reason != tc.reason {
				t.Fatalf("got %v %q (%s), want %v %q", got.Status, got.Reason, got.Detail, tc.want, tc.reason)
			}
		})
	}
}

func TestCheckRevocationDistributionPoints(t *testing.T) {
	p := crlNewPKI(t, func(c *x509.Certificate) { c.CRLDistributionPoints = []string{"http://crl.example/a.crl"} })
	serial := p.leaf.cert.SerialNumber
	for _, tc := range []struct {
		name string
		uri  string
		want RevocationStatus
	}{
		{"matching IDP", "http://crl.example/a.crl", RevocationRevoked},
		{"other partition", "http://crl.example/b.crl", RevocationUndetermined},
		{"no IDP", "", RevocationRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			crl := crlMkCRL(t, p.inter, 1, []crlEntry{{serial: serial, reason: 3}}, func(r *x509.RevocationList) {
				if tc.uri != "" {
					r.ExtraExtensions = []pkix.Extension{crlIDPExt(tc.uri, false, nil)}
				}
			})
			got := CheckRevocation(p.leaf.cert, p.inter.cert, []*x509.RevocationList{crl}, crlNow)
			if got.Status != tc.want {
				t.Fatalf("got %v (%s), want %v", got.Status, got.Detail, tc.want)
			}
			if got.Status == RevocationRevoked && got.Reason != "affiliationChanged" {
				t.Fatalf("reason %q", got.Reason)
			}
		})
	}
	dps, err := certDistPoints(p.leaf.cert)
	if err != nil || len(dps) != 1 || !dps[0].hasName || dps[0].reasons != allReasons ||
		string(dps[0].names[0].val) != "http://crl.example/a.crl" {
		t.Fatalf("dps %+v %v", dps, err)
	}
}

func TestIndirectCRLUndetermined(t *testing.T) {
	// A CRL by another issuer than the certificate's is never used as direct.
	p := crlNewPKI(t, nil)
	crl := crlMkCRL(t, p.root, 1, nil, nil)
	if got := CheckRevocation(p.leaf.cert, p.inter.cert, []*x509.RevocationList{crl}, crlNow); got.Status != RevocationUndetermined {
		t.Fatalf("got %v", got.Status)
	}
}

// crlPathWith validates p's chain with the given crl_check mode and CRLs.
func crlPathWith(p *crlPKI, mode CRLCheck, crls []*x509.RevocationList, fun VerifyFun) (*ValidatedPath, error) {
	return ValidatePath([][]byte{p.leaf.cert.Raw, p.inter.cert.Raw}, &PathOptions{
		Roots:     []*x509.Certificate{p.root.cert},
		Now:       crlNow,
		Depth:     5,
		Hostname:  "server.example",
		Role:      ServerAuth,
		CRLCheck:  mode,
		CRLs:      StaticCRLs(crls),
		VerifyFun: fun,
	})
}

func TestValidatePathCRLModes(t *testing.T) {
	p := crlNewPKI(t, nil)
	leafOK := crlMkCRL(t, p.inter, 1, nil, nil)
	leafRevoked := crlMkCRL(t, p.inter, 2, []crlEntry{{serial: p.leaf.cert.SerialNumber, reason: 1}}, nil)
	interOK := crlMkCRL(t, p.root, 1, nil, nil)
	interRevoked := crlMkCRL(t, p.root, 2, []crlEntry{{serial: p.inter.cert.SerialNumber, reason: 2}}, nil)
	expired := crlMkCRL(t, p.inter, 3, nil, func(r *x509.RevocationList) {
		r.ThisUpdate, r.NextUpdate = crlNow.Add(-72*time.Hour), crlNow.Add(-48*time.Hour)
	})
	type want struct {
		reason BadCertReason // "" = accepted
		why    string
	}
	tests := []struct {
		name string
		mode CRLCheck
		crls []*x509.RevocationList
		want want
	}{
		{"off ignores revocation", CRLCheckOff, []*x509.RevocationList{leafRevoked, interRevoked}, want{}},
		{"true, all good", CRLCheckAll, []*x509.RevocationList{leafOK, interOK}, want{}},
		{"true, leaf revoked", CRLCheckAll, []*x509.RevocationList{leafRevoked, interOK}, want{Revoked, "keyCompromise"}},
		{"true, intermediate revoked", CRLCheckAll, []*x509.RevocationList{leafOK, interRevoked}, want{Revoked, "cACompromise"}},
		{"true, intermediate undetermined", CRLCheckAll, []*x509.RevocationList{leafOK}, want{RevocationStatusUndetermined, ""}},
		{"true, expired leaf CRL", CRLCheckAll, []*x509.RevocationList{expired, interOK}, want{RevocationStatusUndetermined, ""}},
		{"peer, intermediate revoked", CRLCheckPeer, []*x509.RevocationList{leafOK, interRevoked}, want{}},
		{"peer, leaf revoked", CRLCheckPeer, []*x509.RevocationList{leafRevoked}, want{Revoked, "keyCompromise"}},
		{"peer, leaf undetermined", CRLCheckPeer, []*x509.RevocationList{interOK}, want{RevocationStatusUndetermined, ""}},
		{"best_effort, nothing known", CRLCheckBestEffort, nil, want{}},
		{"best_effort, expired CRL", CRLCheckBestEffort, []*x509.RevocationList{expired}, want{}},
		{"best_effort, leaf revoked", CRLCheckBestEffort, []*x509.RevocationList{leafRevoked}, want{Revoked, "keyCompromise"}},
		{"best_effort, intermediate revoked", CRLCheckBestEffort, []*x509.RevocationList{interRevoked}, want{Revoked, "cACompromise"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := crlPathWith(p, tc.mode, tc.crls, nil)
			if tc.want.reason == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var be *BadCertError
			if !errors.As(err, &be) || be.Reason != tc.want.reason || be.RevokedWhy != tc.want.why {
				t.Fatalf("got %v, want %s %s", err, tc.want.reason, tc.want.why)
			}
			if tc.want.reason == Revoked {
				if be.Alert() != record.AlertCertificateRevoked || !strings.Contains(be.Error(), "{bad_cert,{revoked,"+tc.want.why+"}}") {
					t.Fatalf("alert %v, error %q", be.Alert(), be.Error())
				}
			} else if be.Alert() != record.AlertBadCertificate {
				t.Fatalf("alert %v", be.Alert())
			}
		})
	}
}

func TestValidatePathCRLVerifyFun(t *testing.T) {
	p := crlNewPKI(t, nil)
	leafRevoked := crlMkCRL(t, p.inter, 2, []crlEntry{{serial: p.leaf.cert.SerialNumber, reason: 5}}, nil)
	interOK := crlMkCRL(t, p.root, 1, nil, nil)
	var events []string
	fun := func(c *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		if ev.Kind == EventExtension {
			return OutcomeUnknown, st, "" // SKI, AKI, SAN: not this test's subject
		}
		s := ev.Kind.String()
		if ev.Kind == EventBadCert {
			s += ":" + string(ev.Reason) + ":" + ev.RevokedWhy
		}
		events = append(events, c.Subject.CommonName+" "+s)
		return OutcomeValid, st, "" // accept everything
	}
	vp, err := crlPathWith(p, CRLCheckAll, []*x509.RevocationList{leafRevoked, interOK}, fun)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CRL Intermediate valid", "server.example bad_cert:revoked:cessationOfOperation", "server.example valid_peer"}
	if strings.Join(events, "|") != strings.Join(want, "|") {
		t.Fatalf("events %q, want %q", events, want)
	}
	if len(vp.Overridden) != 1 || vp.Overridden[0] != Revoked {
		t.Fatalf("overridden %v", vp.Overridden)
	}
	// A lookup error is "undetermined", not a crash.
	_, err = ValidatePath([][]byte{p.leaf.cert.Raw, p.inter.cert.Raw}, &PathOptions{
		Roots: []*x509.Certificate{p.root.cert}, Now: crlNow, Depth: 5, CRLCheck: CRLCheckPeer,
		CRLs: func(_, _ *x509.Certificate) ([]*x509.RevocationList, error) { return nil, errors.New("down") },
	})
	var be *BadCertError
	if !errors.As(err, &be) || be.Reason != RevocationStatusUndetermined {
		t.Fatalf("got %v", err)
	}
}

func TestCRLsFromDER(t *testing.T) {
	p := crlNewPKI(t, nil)
	a := crlMkCRL(t, p.inter, 1, nil, nil)
	b := crlMkCRL(t, p.root, 1, nil, nil)
	pemB := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: b.Raw})
	got, err := CRLsFromDER([][]byte{a.Raw, pemB})
	if err != nil || len(got) != 2 || got[1].Number.Int64() != 1 || !nameEqual(got[1].RawIssuer, p.root.cert.RawSubject) {
		t.Fatalf("got %v %v", got, err)
	}
	if _, err := CRLsFromDER([][]byte{{0x30, 0x01}}); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestReadReasons(t *testing.T) {
	r, err := readReasons([]byte{7, 0x40}) // keyCompromise only
	if err != nil || r != 1<<1 {
		t.Fatalf("got %b %v", r, err)
	}
	r, err = readReasons([]byte{7, 0x7f, 0x80}) // bits 1..8
	if err != nil || r != allReasons {
		t.Fatalf("got %b %v", r, err)
	}
	if _, err := readReasons([]byte{8, 0}); err == nil {
		t.Fatal("bad unused-bits count accepted")
	}
}

// FuzzParseCRL feeds arbitrary bytes through x509.ParseRevocationList and,
// when they parse, through our extension parsing and revocation check.
func FuzzParseCRL(f *testing.F) {
	p := crlNewPKI(f, func(c *x509.Certificate) { c.CRLDistributionPoints = []string{"http://crl.example/a.crl"} })
	f.Add(crlMkCRL(f, p.inter, 1, nil, nil).Raw)
	f.Add(crlMkCRL(f, p.inter, 2, []crlEntry{{serial: p.leaf.cert.SerialNumber, reason: 1}}, nil).Raw)
	f.Add(crlMkCRL(f, p.inter, 6, []crlEntry{{serial: p.leaf.cert.SerialNumber, reason: 8}}, func(r *x509.RevocationList) {
		r.ExtraExtensions = []pkix.Extension{crlDeltaExt(5), crlIDPExt("http://crl.example/a.crl", true, []byte{7, 0x40})}
	}).Raw)
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		rl, err := x509.ParseRevocationList(data)
		if err != nil {
			return
		}
		res := CheckRevocation(p.leaf.cert, p.inter.cert, []*x509.RevocationList{rl, rl}, crlNow)
		if res.Status == RevocationRevoked && res.Reason == "" {
			t.Fatal("revoked without a reason name")
		}
		_, _ = parseIDP(rl)
	})
}

// FuzzDistributionPoints feeds arbitrary cRLDistributionPoints and
// issuingDistributionPoint values to our parsers.
func FuzzDistributionPoints(f *testing.F) {
	p := crlNewPKI(f, func(c *x509.Certificate) { c.CRLDistributionPoints = []string{"http://crl.example/a.crl"} })
	for _, e := range p.leaf.cert.Extensions {
		if e.Id.Equal(oidCRLDP) {
			f.Add(e.Value)
		}
	}
	f.Add(crlIDPExt("http://x/", true, []byte{7, 0x40}).Value)
	f.Add([]byte{0x30, 0x06, 0x30, 0x04, 0xa0, 0x02, 0xa1, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &x509.Certificate{RawIssuer: p.leaf.cert.RawIssuer, Extensions: []pkix.Extension{{Id: oidCRLDP, Value: data}}}
		if dps, err := certDistPoints(c); err == nil && len(dps) == 0 {
			t.Fatal("no error and no distribution points")
		}
		rl := &x509.RevocationList{RawIssuer: p.inter.cert.RawSubject, Extensions: []pkix.Extension{{Id: oidIDP, Value: data}}}
		_, _ = parseIDP(rl)
	})
}
