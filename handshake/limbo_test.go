// limbo_test.go runs the x509-limbo vectors through ValidatePath and reports
// how many it gets right. It logs, and fails only on a panic: the suite is
// a measure for now (a later issue turns it into a gate).
package handshake

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// limboCase is the part of a limbo test case we use.
type limboCase struct {
	ID                     string   `json:"id"`
	Features               []string `json:"features"`
	ValidationKind         string   `json:"validation_kind"`
	TrustedCerts           []string `json:"trusted_certs"`
	UntrustedIntermediates []string `json:"untrusted_intermediates"`
	PeerCertificate        string   `json:"peer_certificate"`
	ValidationTime         string   `json:"validation_time"`
	ExtendedKeyUsage       []string `json:"extended_key_usage"`
	KeyUsage               []string `json:"key_usage"`
	ExpectedResult         string   `json:"expected_result"`
	ExpectedPeerName       *struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
	} `json:"expected_peer_name"`
	MaxChainDepth *int     `json:"max_chain_depth"`
	CRLs          []string `json:"crls"`
}

// pemDERs decodes every CERTIFICATE block.
func pemDERs(s string) [][]byte {
	var out [][]byte
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		out = append(out, b.Bytes)
	}
}

func TestLimbo(t *testing.T) {
	if testing.Short() {
		t.Skip("measure only")
	}
	var data []byte
	var err error
	for _, p := range []string{"../../shared/testdata/x509/limbo-core.json", "/work/shared/testdata/x509/limbo-core.json"} {
		if data, err = os.ReadFile(p); err == nil {
			break
		}
	}
	if err != nil {
		t.Skip("limbo-core.json not found")
	}
	var suite struct {
		Testcases []limboCase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	type tally struct{ right, falseAccept, falseReject, skipped int }
	fam := map[string]*tally{}
	var wrongAccepts []string
	for _, tc := range suite.Testcases {
		f := strings.SplitN(tc.ID, "::", 2)[0]
		if fam[f] == nil {
			fam[f] = &tally{}
		}
		tl := fam[f]
		if len(tc.CRLs) > 0 || len(tc.KeyUsage) > 0 {
			tl.skipped++ // CRLs and leaf key usage are checked elsewhere
			continue
		}
		var roots []*x509.Certificate
		for _, p := range tc.TrustedCerts {
			for _, der := range pemDERs(p) {
				if c, err := x509.ParseCertificate(der); err == nil {
					roots = append(roots, c)
				}
			}
		}
		chain := pemDERs(tc.PeerCertificate)
		for _, p := range tc.UntrustedIntermediates {
			chain = append(chain, pemDERs(p)...)
		}
		now, _ := time.Parse(time.RFC3339, tc.ValidationTime)
		if tc.ValidationTime == "" {
			now = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		o := &PathOptions{Roots: roots, Now: now, Depth: -1, Role: AnyPurpose}
		if roots == nil {
			o.Roots = []*x509.Certificate{}
		}
		if tc.MaxChainDepth != nil {
			o.Depth = *tc.MaxChainDepth
		}
		for _, u := range tc.ExtendedKeyUsage {
			switch u {
			case "serverAuth":
				o.Role = ServerAuth
			case "clientAuth":
				o.Role = ClientAuth
			}
		}
		if n := tc.ExpectedPeerName; n != nil && (n.Kind == "DNS" || n.Kind == "IP") {
			o.Hostname = n.Value
		}
		_, err := ValidatePath(chain, o)
		switch {
		case (err == nil) == (tc.ExpectedResult == "SUCCESS"):
			tl.right++
		case err == nil:
			tl.falseAccept++
			wrongAccepts = append(wrongAccepts, tc.ID)
		default:
			tl.falseReject++
			t.Logf("rejected %s: %v", tc.ID, err)
		}
	}
	names := make([]string, 0, len(fam))
	for f := range fam {
		names = append(names, f)
	}
	sort.Strings(names)
	var total tally
	for _, f := range names {
		tl := fam[f]
		t.Logf("%-13s right %3d  wrongly accepted %3d  wrongly rejected %3d  skipped %3d", f, tl.right, tl.falseAccept, tl.falseReject, tl.skipped)
		total.right += tl.right
		total.falseAccept += tl.falseAccept
		total.falseReject += tl.falseReject
		total.skipped += tl.skipped
	}
	t.Logf("total         right %3d  wrongly accepted %3d  wrongly rejected %3d  skipped %3d", total.right, total.falseAccept, total.falseReject, total.skipped)
	for _, id := range wrongAccepts {
		t.Logf("accepted but expected FAILURE: %s", id)
	}
}
