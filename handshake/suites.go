// suites.go holds the cipher-suite table: IDs, IANA/OpenSSL/Erlang names,
// algorithms and key sizes, default preference order and cipher strings.
package handshake

import (
	"fmt"
	"strings"

	"github.com/erlang-ssl-go/ssl/record"
)

// KeyExchange is a key-exchange (and authentication) algorithm. The full
// list matches Erlang's key_exchange() type; only KXRSA, KXECDHERSA and
// KXECDHEECDSA are implemented so far.
type KeyExchange int

// Key-exchange algorithms.
const (
	KXRSA KeyExchange = iota
	KXDHEDSS
	KXDHERSA
	KXDHAnon
	KXPSK
	KXDHEPSK
	KXRSAPSK
	KXSRPAnon
	KXSRPDSS
	KXSRPRSA
	KXECDHAnon
	KXECDHECDSA
	KXECDHEECDSA
	KXECDHRSA
	KXECDHERSA
)

var kexNames = [...]string{
	KXRSA: "rsa", KXDHEDSS: "dhe_dss", KXDHERSA: "dhe_rsa", KXDHAnon: "dh_anon",
	KXPSK: "psk", KXDHEPSK: "dhe_psk", KXRSAPSK: "rsa_psk", KXSRPAnon: "srp_anon",
	KXSRPDSS: "srp_dss", KXSRPRSA: "srp_rsa", KXECDHAnon: "ecdh_anon",
	KXECDHECDSA: "ecdh_ecdsa", KXECDHEECDSA: "ecdhe_ecdsa", KXECDHRSA: "ecdh_rsa",
	KXECDHERSA: "ecdhe_rsa",
}

// String returns the Erlang name of the key exchange (e.g. "ecdhe_rsa").
func (k KeyExchange) String() string {
	if k >= 0 && int(k) < len(kexNames) {
		return kexNames[k]
	}
	return fmt.Sprintf("kex(%d)", int(k))
}

// Ephemeral reports whether the key exchange gives forward secrecy.
func (k KeyExchange) Ephemeral() bool {
	switch k {
	case KXDHEDSS, KXDHERSA, KXDHAnon, KXDHEPSK, KXECDHAnon, KXECDHEECDSA, KXECDHERSA:
		return true
	}
	return false
}

// BulkCipher is a record-protection cipher. RC4, DES and 3DES are declared
// for Erlang's cipher() names but not implemented.
type BulkCipher int

// Bulk ciphers.
const (
	AES128GCM BulkCipher = iota
	AES256GCM
	ChaCha20Poly1305
	AES128CBC
	AES256CBC
	RC4128
	DESCBC
	TripleDESEDECBC
)

var cipherNames = [...]string{
	AES128GCM: "aes_128_gcm", AES256GCM: "aes_256_gcm", ChaCha20Poly1305: "chacha20_poly1305",
	AES128CBC: "aes_128_cbc", AES256CBC: "aes_256_cbc", RC4128: "rc4_128",
	DESCBC: "des_cbc", TripleDESEDECBC: "3des_ede_cbc",
}

// String returns the Erlang name of the cipher (e.g. "aes_128_gcm").
func (c BulkCipher) String() string {
	if c >= 0 && int(c) < len(cipherNames) {
		return cipherNames[c]
	}
	return fmt.Sprintf("cipher(%d)", int(c))
}

// MACAlg is the record MAC algorithm; MACAEAD means the cipher authenticates.
type MACAlg int

// MAC algorithms.
const (
	MACAEAD MACAlg = iota
	MACSHA1
	MACSHA256
	MACSHA384
	MACMD5
)

var macNames = [...]string{MACAEAD: "aead", MACSHA1: "sha", MACSHA256: "sha256", MACSHA384: "sha384", MACMD5: "md5"}

// String returns the Erlang name of the MAC ("aead", "sha", "sha256", ...).
func (m MACAlg) String() string {
	if m >= 0 && int(m) < len(macNames) {
		return macNames[m]
	}
	return fmt.Sprintf("mac(%d)", int(m))
}

// PRFHash is the hash of the PRF. A suite records its TLS 1.2 PRF hash
// (PRFSHA256 or PRFSHA384); TLS 1.0/1.1 always use PRFMD5SHA1 (RFC 2246 §5).
type PRFHash int

// PRF hashes.
const (
	PRFSHA256 PRFHash = iota
	PRFSHA384
	PRFMD5SHA1
)

// String returns the name of the PRF hash.
func (p PRFHash) String() string {
	switch p {
	case PRFSHA256:
		return "sha256"
	case PRFSHA384:
		return "sha384"
	case PRFMD5SHA1:
		return "md5sha1"
	}
	return fmt.Sprintf("prf(%d)", int(p))
}

// Suite describes one cipher suite.
type Suite struct {
	ID          uint16
	Name        string // IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	OpenSSLName string // e.g. ECDHE-RSA-AES128-GCM-SHA256
	KeyExchange KeyExchange
	Cipher      BulkCipher
	MAC         MACAlg
	PRFHash     PRFHash // TLS 1.2 PRF hash (the PRF method gives the function)
	MinVersion  Version
	MaxVersion  Version
	KeyLen      int  // bulk key length
	IVLen       int  // AEAD fixed IV (salt) length, or CBC block/IV length
	MACLen      int  // MAC key and tag length; 0 for AEAD
	Default     bool // in DefaultSuites

	// erlPRF is the prf element OTP writes in its suite map; OTP says
	// default_prf for the SHA-1 suites and for TLS_RSA_*_SHA256.
	erlPRF string
}

// ErlangTuple returns the suite as OTP (>= 20) writes it in its suite map
// #{key_exchange, cipher, mac, prf}, e.g. ("ecdhe_rsa", "aes_128_gcm", "aead", "sha256").
func (s *Suite) ErlangTuple() (kex, cipher, mac, prf string) {
	return s.KeyExchange.String(), s.Cipher.String(), s.MAC.String(), s.erlPRF
}

// AEAD reports whether the suite uses an AEAD cipher (no separate MAC).
func (s *Suite) AEAD() bool { return s.MAC == MACAEAD }

// SupportsVersion reports whether the suite may be negotiated at v.
func (s *Suite) SupportsVersion(v Version) bool { return v >= s.MinVersion && v <= s.MaxVersion }

// String returns the IANA name.
func (s *Suite) String() string { return s.Name }

const (
	v10 = record.VersionTLS10
	v12 = record.VersionTLS12
)

// allSuites is the implemented table in default preference order:
// ECDHE-ECDSA AEAD, ECDHE-RSA AEAD, ECDHE CBC, then RSA key exchange.
var allSuites = []*Suite{
	aead(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", KXECDHEECDSA, AES128GCM, PRFSHA256),
	aead(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", KXECDHEECDSA, AES256GCM, PRFSHA384),
	aead(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", KXECDHEECDSA, ChaCha20Poly1305, PRFSHA256),
	aead(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", KXECDHERSA, AES128GCM, PRFSHA256),
	aead(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", KXECDHERSA, AES256GCM, PRFSHA384),
	aead(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", KXECDHERSA, ChaCha20Poly1305, PRFSHA256),

	cbc(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", KXECDHEECDSA, AES256CBC, MACSHA384, "sha384"),
	cbc(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", KXECDHERSA, AES256CBC, MACSHA384, "sha384"),
	cbc(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", KXECDHEECDSA, AES128CBC, MACSHA256, "sha256"),
	cbc(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", KXECDHERSA, AES128CBC, MACSHA256, "sha256"),
	cbc(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", KXECDHEECDSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", KXECDHERSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", KXECDHEECDSA, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", KXECDHERSA, AES128CBC, MACSHA1, "default_prf"),

	aead(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", KXRSA, AES256GCM, PRFSHA384),
	aead(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", KXRSA, AES128GCM, PRFSHA256),
	cbc(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", KXRSA, AES256CBC, MACSHA256, "default_prf"),
	cbc(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", KXRSA, AES128CBC, MACSHA256, "default_prf"),
	cbc(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", KXRSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", KXRSA, AES128CBC, MACSHA1, "default_prf"),
}

func keyLen(c BulkCipher) int {
	switch c {
	case AES128GCM, AES128CBC:
		return 16
	}
	return 32
}

func aead(id uint16, name, ossl string, kx KeyExchange, c BulkCipher, prf PRFHash) *Suite {
	iv := 4 // RFC 5288 §3: 4-byte implicit salt
	if c == ChaCha20Poly1305 {
		iv = 12 // RFC 7905 §2: 12-byte IV XORed with the sequence number
	}
	return &Suite{
		ID: id, Name: name, OpenSSLName: ossl, KeyExchange: kx, Cipher: c, MAC: MACAEAD, PRFHash: prf,
		MinVersion: v12, MaxVersion: v12, KeyLen: keyLen(c), IVLen: iv,
		Default: kx != KXRSA, erlPRF: prf.String(),
	}
}

func cbc(id uint16, name, ossl string, kx KeyExchange, c BulkCipher, mac MACAlg, erlPRF string) *Suite {
	s := &Suite{
		ID: id, Name: name, OpenSSLName: ossl, KeyExchange: kx, Cipher: c, MAC: mac, PRFHash: PRFSHA256,
		MinVersion: v10, MaxVersion: v12, KeyLen: keyLen(c), IVLen: 16,
		Default: kx != KXRSA, erlPRF: erlPRF,
	}
	switch mac {
	case MACSHA1:
		s.MACLen = 20
	case MACSHA256:
		s.MACLen, s.MinVersion = 32, v12 // RFC 5246 / RFC 5289: TLS 1.2 only
	case MACSHA384:
		s.MACLen, s.MinVersion, s.PRFHash = 48, v12, PRFSHA384
	}
	return s
}

var (
	suiteByID   = map[uint16]*Suite{}
	suiteByName = map[string]*Suite{}
)

func init() {
	for _, s := range allSuites {
		suiteByID[s.ID] = s
		suiteByName[s.OpenSSLName] = s
		suiteByName[s.Name] = s
	}
}

// SuiteByID returns the implemented suite with this code point, or nil.
func SuiteByID(id uint16) *Suite { return suiteByID[id] }

// SuiteByOpenSSLName returns the suite with this OpenSSL name (or IANA
// name), or nil.
func SuiteByOpenSSLName(name string) *Suite { return suiteByName[name] }

// AllSuites returns every implemented suite in our default preference order.
// The slice is a fresh copy; the *Suite values are shared and must not be
// modified.
func AllSuites() []*Suite { return append([]*Suite(nil), allSuites...) }

// DefaultSuites returns the suites offered by default at version v, in
// preference order. Like OTP 23+, suites with RSA key exchange (no forward
// secrecy) are implemented but not in the default list.
func DefaultSuites(v Version) []*Suite {
	var out []*Suite
	for _, s := range allSuites {
		if s.Default && s.SupportsVersion(v) {
			out = append(out, s)
		}
	}
	return out
}

// ParseCipherString turns an OpenSSL-style cipher list such as
// "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA" into suites, in the given order.
// Separators may be ':', ',' or spaces; IANA names are accepted too;
// duplicates are dropped. An unknown name is an error naming it.
func ParseCipherString(s string) ([]*Suite, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ',' || r == ' ' || r == '\t' })
	var out []*Suite
	seen := map[uint16]bool{}
	for _, f := range fields {
		suite := suiteByName[f]
		if suite == nil {
			return nil, fmt.Errorf("handshake: unknown or unsupported cipher suite %q", f)
		}
		if !seen[suite.ID] {
			seen[suite.ID] = true
			out = append(out, suite)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("handshake: empty cipher suite list")
	}
	return out, nil
}
