// suites_test.go tests the cipher-suite table against IANA (via crypto/tls
// names), OpenSSL (via `openssl ciphers -V`) and OTP's suite maps.
package handshake

import (
	"crypto/tls"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

func TestSuiteTableSanity(t *testing.T) {
	ids := map[uint16]bool{}
	names := map[string]bool{}
	for _, s := range AllSuites() {
		if ids[s.ID] {
			t.Errorf("duplicate ID 0x%04x", s.ID)
		}
		ids[s.ID] = true
		if names[s.OpenSSLName] || names[s.Name] {
			t.Errorf("duplicate name %s", s.Name)
		}
		names[s.OpenSSLName], names[s.Name] = true, true
		if SuiteByID(s.ID) != s || SuiteByOpenSSLName(s.OpenSSLName) != s || SuiteByOpenSSLName(s.Name) != s {
			t.Errorf("%s: lookup does not round-trip", s.Name)
		}
		// IANA names as crypto/tls knows them.
		// (crypto/tls lacks a few; it answers "0x..." for those.)
		if got := tls.CipherSuiteName(s.ID); got != s.Name && !strings.HasPrefix(got, "0x") {
			t.Errorf("0x%04x: name %s, crypto/tls says %s", s.ID, s.Name, got)
		}
		if s.AEAD() != (s.MAC == MACAEAD) || (s.AEAD() && s.MACLen != 0) {
			t.Errorf("%s: AEAD/MAC inconsistent", s.Name)
		}
		// Suites with SHA-256/384 or AEAD exist only in TLS 1.2 (RFC 5246, 5288, 5289),
		// except the PSK CBC ones, which RFC 5487 §3.2 allows from TLS 1.0.
		pskCBC := !s.AEAD() && (s.KeyExchange == KXPSK || s.KeyExchange == KXDHEPSK || s.KeyExchange == KXRSAPSK)
		tls12only := (s.AEAD() || s.MAC == MACSHA256 || s.MAC == MACSHA384) && !pskCBC
		// Older suites reach back to SSL 3.0 where its key exchanges did
		// (RFC 6101 Appendix A.6), else to TLS 1.0 (RFC 4492, 4279, 5054).
		wantMin := record.VersionTLS10
		switch {
		case tls12only:
			wantMin = record.VersionTLS12
		case s.KeyExchange == KXRSA || s.KeyExchange == KXDHERSA || s.KeyExchange == KXDHEDSS || s.KeyExchange == KXDHAnon:
			wantMin = record.VersionSSL30
		}
		if s.MinVersion != wantMin {
			t.Errorf("%s: MinVersion %v want %v", s.Name, s.MinVersion, wantMin)
		}
		// RFC 5246 Appendix A.5: TLS 1.2 dropped single DES.
		wantMax := record.VersionTLS12
		if strings.Contains(s.Name, "_DES_CBC_") {
			wantMax = record.VersionTLS11
		}
		if s.MaxVersion != wantMax {
			t.Errorf("%s: MaxVersion %v", s.Name, s.MaxVersion)
		}
		wantKey, wantIV := 16, 16
		switch {
		case strings.Contains(s.Name, "256_") || strings.Contains(s.Name, "CHACHA20"):
			wantKey = 32
		case strings.Contains(s.Name, "3DES_EDE"):
			wantKey, wantIV = 24, 8
		case strings.Contains(s.Name, "_DES_CBC_"):
			wantKey, wantIV = 8, 8
		case strings.Contains(s.Name, "RC4_128"):
			wantIV = 0
		}
		if s.AEAD() {
			wantIV = 4
			if s.Cipher == ChaCha20Poly1305 {
				wantIV = 12
			}
		}
		if s.KeyLen != wantKey || s.IVLen != wantIV {
			t.Errorf("%s: KeyLen %d IVLen %d want %d %d", s.Name, s.KeyLen, s.IVLen, wantKey, wantIV)
		}
		if s.Legacy() && s.Default {
			t.Errorf("%s: legacy cipher in the defaults", s.Name)
		}
		wantMAC := map[MACAlg]int{MACAEAD: 0, MACMD5: 16, MACSHA1: 20, MACSHA256: 32, MACSHA384: 48}[s.MAC]
		if s.MACLen != wantMAC {
			t.Errorf("%s: MACLen %d", s.Name, s.MACLen)
		}
		if strings.HasSuffix(s.Name, "SHA384") != (s.PRFHash == PRFSHA384) {
			t.Errorf("%s: PRF hash %v", s.Name, s.PRFHash)
		}
	}
	for _, name := range []string{"RC4-MD5", "RC4-SHA", "DES-CBC-SHA", "DES-CBC3-SHA", "ECDHE-RSA-DES-CBC3-SHA", "ECDHE-ECDSA-RC4-SHA"} {
		if SuiteByOpenSSLName(name) == nil {
			t.Errorf("legacy suite %s missing", name)
		}
	}
	if SuiteByID(0x0001) != nil || SuiteByOpenSSLName("NULL-MD5") != nil {
		t.Error("unimplemented suite found")
	}
}

func TestSuiteOrder(t *testing.T) {
	all := AllSuites()
	if all[0].OpenSSLName != "ECDHE-ECDSA-AES128-GCM-SHA256" || all[1].OpenSSLName != "ECDHE-ECDSA-AES256-GCM-SHA384" ||
		all[2].OpenSSLName != "ECDHE-ECDSA-CHACHA20-POLY1305" || all[3].OpenSSLName != "ECDHE-RSA-AES128-GCM-SHA256" {
		t.Errorf("unexpected preference head: %v %v %v %v", all[0], all[1], all[2], all[3])
	}
	// ECDHE AEAD, then ECDHE CBC, then RSA key exchange, then the legacy
	// ciphers.
	rank := func(s *Suite) int {
		switch {
		case s.Legacy():
			return 3
		case s.KeyExchange == KXRSA:
			return 2
		case s.AEAD():
			return 0
		}
		return 1
	}
	var ours []*Suite // the ECDHE and RSA key transport suites
	for _, s := range all {
		if s.KeyExchange == KXRSA || s.KeyExchange == KXECDHERSA || s.KeyExchange == KXECDHEECDSA {
			ours = append(ours, s)
		}
	}
	for i := 1; i < len(ours); i++ {
		if rank(ours[i]) < rank(ours[i-1]) {
			t.Errorf("%s after %s", ours[i].Name, ours[i-1].Name)
		}
	}
	all[0] = nil // AllSuites returns a copy
	if AllSuites()[0] == nil {
		t.Error("AllSuites shares its slice")
	}
}

func TestDefaultSuites(t *testing.T) {
	d12 := DefaultSuites(record.VersionTLS12)
	if len(d12) < 14 || d12[0].OpenSSLName != "ECDHE-ECDSA-AES128-GCM-SHA256" {
		t.Errorf("TLS 1.2 defaults: %v", d12)
	}
	for _, v := range []Version{record.VersionSSL30, record.VersionTLS10, record.VersionTLS11, record.VersionTLS12} {
		for _, s := range DefaultSuites(v) {
			// The manual: RC4, DES, 3DES, anonymous, PSK and SRP
			// suites need an explicit ciphers option.
			switch {
			case s.KeyExchange == KXRSA, s.Legacy(), !s.KeyExchange.Ephemeral():
				t.Errorf("%v default %s", v, s.Name)
			case s.KeyExchange == KXDHAnon, s.KeyExchange == KXECDHAnon, s.KeyExchange == KXPSK,
				s.KeyExchange == KXDHEPSK, s.KeyExchange == KXRSAPSK, s.KeyExchange == KXSRPAnon,
				s.KeyExchange == KXSRPRSA, s.KeyExchange == KXSRPDSS:
				t.Errorf("%v default %s", v, s.Name)
			}
		}
	}
	d10 := DefaultSuites(record.VersionTLS10)
	if len(d10) < 4 {
		t.Errorf("TLS 1.0 defaults: %v", d10)
	}
	for _, s := range d10 {
		if s.MAC != MACSHA1 {
			t.Errorf("TLS 1.0 default %s", s.Name)
		}
	}
}

func TestErlangTuple(t *testing.T) {
	cases := map[string][4]string{
		"ECDHE-RSA-AES128-GCM-SHA256":   {"ecdhe_rsa", "aes_128_gcm", "aead", "sha256"},
		"ECDHE-ECDSA-CHACHA20-POLY1305": {"ecdhe_ecdsa", "chacha20_poly1305", "aead", "sha256"},
		"ECDHE-ECDSA-AES256-SHA384":     {"ecdhe_ecdsa", "aes_256_cbc", "sha384", "sha384"},
		"ECDHE-RSA-AES128-SHA":          {"ecdhe_rsa", "aes_128_cbc", "sha", "default_prf"},
		"AES128-SHA256":                 {"rsa", "aes_128_cbc", "sha256", "default_prf"},
		"AES256-GCM-SHA384":             {"rsa", "aes_256_gcm", "aead", "sha384"},
	}
	for name, want := range cases {
		k, c, m, p := SuiteByOpenSSLName(name).ErlangTuple()
		if got := [4]string{k, c, m, p}; got != want {
			t.Errorf("%s: %v want %v", name, got, want)
		}
	}
	for k, want := range map[KeyExchange]string{KXDHEDSS: "dhe_dss", KXSRPAnon: "srp_anon", KXECDHRSA: "ecdh_rsa", KXRSAPSK: "rsa_psk"} {
		if k.String() != want {
			t.Errorf("%d: %s", k, k)
		}
	}
	if TripleDESEDECBC.String() != "3des_ede_cbc" || MACMD5.String() != "md5" {
		t.Error("declared names")
	}
}

func TestParseCipherString(t *testing.T) {
	got, err := ParseCipherString("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA, TLS_RSA_WITH_AES_128_CBC_SHA:AES256-SHA")
	if err != nil {
		t.Fatal(err)
	}
	want := []uint16{0xc02f, 0x0035, 0x002f}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].ID != want[i] {
			t.Errorf("%d: %v", i, got[i])
		}
	}
	if _, err := ParseCipherString("AES128-SHA:NULL-MD5"); err == nil || !strings.Contains(err.Error(), `"NULL-MD5"`) {
		t.Errorf("unknown name: %v", err)
	}
	got, err = ParseCipherString("{ecdhe_rsa,aes_128_gcm,aead,sha256}:RC4-SHA, {rsa, '3des_ede_cbc', sha}")
	if err != nil || len(got) != 3 || got[0].ID != 0xc02f || got[1].ID != 0x0005 || got[2].ID != 0x000a {
		t.Errorf("tuple list: %v %v", got, err)
	}
	for _, bad := range []string{"{rsa,aes_128_cbc,sha", "{rsa,foo,sha}", "AES128-SHA:{rsa}"} {
		if _, err := ParseCipherString(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseCipherString(" : "); err == nil {
		t.Error("empty list accepted")
	}
}

// TestOpenSSLNames compares IDs and names with `openssl ciphers -V ALL`.
func TestOpenSSLNames(t *testing.T) {
	out, err := exec.Command("openssl", "ciphers", "-V", "ALL").Output()
	if err != nil {
		t.Skipf("openssl not usable: %v", err)
	}
	re := regexp.MustCompile(`0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2}) - (\S+)`)
	byID := map[uint16]string{}
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		hi, _ := strconv.ParseUint(m[1], 16, 8)
		lo, _ := strconv.ParseUint(m[2], 16, 8)
		byID[uint16(hi<<8|lo)] = m[3]
	}
	if len(byID) == 0 {
		t.Skip("no suites parsed from openssl output")
	}
	for _, s := range AllSuites() {
		name, ok := byID[s.ID]
		if !ok {
			t.Logf("openssl lacks 0x%04x %s", s.ID, s.Name)
			continue
		}
		if name != s.OpenSSLName {
			t.Errorf("0x%04x: OpenSSL name %s, ours %s", s.ID, name, s.OpenSSLName)
		}
	}
}

func TestSuiteByErlang(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"{ecdhe_rsa,aes_128_gcm,aead,sha256}", "ECDHE-RSA-AES128-GCM-SHA256"},
		{"ecdhe_rsa, aes_128_gcm, null", "ECDHE-RSA-AES128-GCM-SHA256"},
		{"{rsa,'3des_ede_cbc',sha}", "DES-CBC3-SHA"},
		{"{rsa,rc4_128,md5,default_prf}", "RC4-MD5"},
		{"{rsa,aes_128_cbc,sha256,default_prf}", "AES128-SHA256"},
		{"{rsa,aes_128_cbc,sha256,sha256}", "AES128-SHA256"},
		{"{ecdhe_ecdsa,aes_256_cbc,sha384,sha384}", "ECDHE-ECDSA-AES256-SHA384"},
	}
	for _, c := range cases {
		s, err := ParseErlangSuite(c.in)
		if err != nil || s.OpenSSLName != c.want {
			t.Errorf("%s: %v %v, want %s", c.in, s, err, c.want)
		}
	}
	for _, bad := range []string{"{rsa,aes_128_cbc}", "{rsa,rc4_128,sha256}", "{foo,aes_128_gcm,aead}", "{ecdhe_rsa,aes_128_gcm,aead,sha384}", ""} {
		if s, err := ParseErlangSuite(bad); err == nil {
			t.Errorf("%q parsed as %v", bad, s)
		}
	}
	// Every suite's own name finds it again.
	for _, s := range AllSuites() {
		if got, err := ParseErlangSuite(s.ErlangName()); err != nil || got != s {
			t.Errorf("%s: %s gives %v %v", s.Name, s.ErlangName(), got, err)
		}
	}
}
