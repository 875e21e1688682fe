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

// BulkCipher is a record-protection cipher (Erlang's cipher()). RC4, DES and
// 3DES are implemented for the manual's legacy suites but never enabled by
// default.
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

	// Finite-field DHE (RFC 5246, RFC 5288, RFC 7905), static ECDH (RFC 8422,
	// RFC 5289): after ECDHE, before RSA key transport.
	aead(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", KXDHERSA, AES128GCM, PRFSHA256),
	aead(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", KXDHERSA, AES256GCM, PRFSHA384),
	aead(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", KXDHERSA, ChaCha20Poly1305, PRFSHA256),
	aead(0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256", KXDHEDSS, AES128GCM, PRFSHA256),
	aead(0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384", KXDHEDSS, AES256GCM, PRFSHA384),
	cbc(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", KXDHERSA, AES256CBC, MACSHA256, "default_prf"),
	cbc(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", KXDHERSA, AES128CBC, MACSHA256, "default_prf"),
	cbc(0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256", KXDHEDSS, AES256CBC, MACSHA256, "default_prf"),
	cbc(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256", KXDHEDSS, AES128CBC, MACSHA256, "default_prf"),
	cbc(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", KXDHERSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", KXDHERSA, AES128CBC, MACSHA1, "default_prf"),
	cbc(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA", KXDHEDSS, AES256CBC, MACSHA1, "default_prf"),
	cbc(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA", KXDHEDSS, AES128CBC, MACSHA1, "default_prf"),
	aead(0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "ECDH-ECDSA-AES128-GCM-SHA256", KXECDHECDSA, AES128GCM, PRFSHA256),
	aead(0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", "ECDH-ECDSA-AES256-GCM-SHA384", KXECDHECDSA, AES256GCM, PRFSHA384),
	aead(0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH-RSA-AES128-GCM-SHA256", KXECDHRSA, AES128GCM, PRFSHA256),
	aead(0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "ECDH-RSA-AES256-GCM-SHA384", KXECDHRSA, AES256GCM, PRFSHA384),
	cbc(0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", "ECDH-ECDSA-AES256-SHA384", KXECDHECDSA, AES256CBC, MACSHA384, "sha384"),
	cbc(0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", "ECDH-ECDSA-AES128-SHA256", KXECDHECDSA, AES128CBC, MACSHA256, "sha256"),
	cbc(0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", "ECDH-RSA-AES256-SHA384", KXECDHRSA, AES256CBC, MACSHA384, "sha384"),
	cbc(0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "ECDH-RSA-AES128-SHA256", KXECDHRSA, AES128CBC, MACSHA256, "sha256"),
	cbc(0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", "ECDH-ECDSA-AES256-SHA", KXECDHECDSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", "ECDH-ECDSA-AES128-SHA", KXECDHECDSA, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "ECDH-RSA-AES256-SHA", KXECDHRSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", "ECDH-RSA-AES128-SHA", KXECDHRSA, AES128CBC, MACSHA1, "default_prf"),

	aead(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", KXRSA, AES256GCM, PRFSHA384),
	aead(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", KXRSA, AES128GCM, PRFSHA256),
	cbc(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", KXRSA, AES256CBC, MACSHA256, "default_prf"),
	cbc(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", KXRSA, AES128CBC, MACSHA256, "default_prf"),
	cbc(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", KXRSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", KXRSA, AES128CBC, MACSHA1, "default_prf"),

	// Anonymous (never default), PSK (RFC 4279, RFC 5487, RFC 7905) and SRP
	// (RFC 5054): only an explicit ciphers option enables them.
	aead(0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256", KXDHAnon, AES128GCM, PRFSHA256),
	aead(0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384", KXDHAnon, AES256GCM, PRFSHA384),
	cbc(0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256", KXDHAnon, AES128CBC, MACSHA256, "default_prf"),
	cbc(0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256", KXDHAnon, AES256CBC, MACSHA256, "default_prf"),
	cbc(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA", KXDHAnon, AES128CBC, MACSHA1, "default_prf"),
	cbc(0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA", KXDHAnon, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA", KXECDHAnon, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA", KXECDHAnon, AES256CBC, MACSHA1, "default_prf"),
	aead(0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256", KXPSK, AES128GCM, PRFSHA256),
	aead(0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384", KXPSK, AES256GCM, PRFSHA384),
	aead(0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305", KXPSK, ChaCha20Poly1305, PRFSHA256),
	cbc(0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256", KXPSK, AES128CBC, MACSHA256, "sha256"),
	cbc(0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384", KXPSK, AES256CBC, MACSHA384, "sha384"),
	cbc(0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA", KXPSK, AES128CBC, MACSHA1, "default_prf"),
	cbc(0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA", KXPSK, AES256CBC, MACSHA1, "default_prf"),
	aead(0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256", KXDHEPSK, AES128GCM, PRFSHA256),
	aead(0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384", KXDHEPSK, AES256GCM, PRFSHA384),
	aead(0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305", KXDHEPSK, ChaCha20Poly1305, PRFSHA256),
	cbc(0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256", KXDHEPSK, AES128CBC, MACSHA256, "sha256"),
	cbc(0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384", KXDHEPSK, AES256CBC, MACSHA384, "sha384"),
	cbc(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA", KXDHEPSK, AES128CBC, MACSHA1, "default_prf"),
	cbc(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA", KXDHEPSK, AES256CBC, MACSHA1, "default_prf"),
	aead(0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256", KXRSAPSK, AES128GCM, PRFSHA256),
	aead(0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384", KXRSAPSK, AES256GCM, PRFSHA384),
	aead(0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305", KXRSAPSK, ChaCha20Poly1305, PRFSHA256),
	cbc(0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256", KXRSAPSK, AES128CBC, MACSHA256, "sha256"),
	cbc(0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384", KXRSAPSK, AES256CBC, MACSHA384, "sha384"),
	cbc(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA", KXRSAPSK, AES128CBC, MACSHA1, "default_prf"),
	cbc(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA", KXRSAPSK, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA", KXSRPAnon, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA", KXSRPAnon, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA", KXSRPRSA, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA", KXSRPRSA, AES256CBC, MACSHA1, "default_prf"),
	cbc(0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA", KXSRPDSS, AES128CBC, MACSHA1, "default_prf"),
	cbc(0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA", KXSRPDSS, AES256CBC, MACSHA1, "default_prf"),

	// Legacy ciphers: implemented for explicit ciphers options only
	// (RFC 7465 prohibits RC4; RFC 5246 Appendix A.5 drops DES from TLS 1.2).
	cbc(0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", KXECDHERSA, TripleDESEDECBC, MACSHA1, "default_prf"),
	cbc(0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA", KXECDHEECDSA, TripleDESEDECBC, MACSHA1, "default_prf"),
	cbc(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", KXRSA, TripleDESEDECBC, MACSHA1, "default_prf"),
	cbc(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", KXRSA, DESCBC, MACSHA1, "default_prf"),
	cbc(0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", KXECDHERSA, RC4128, MACSHA1, "default_prf"),
	cbc(0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", KXECDHEECDSA, RC4128, MACSHA1, "default_prf"),
	cbc(0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", KXRSA, RC4128, MACSHA1, "default_prf"),
	cbc(0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5", KXRSA, RC4128, MACMD5, "default_prf"),
}

// keyLen is the bulk key length of c in bytes.
func keyLen(c BulkCipher) int {
	switch c {
	case AES128GCM, AES128CBC, RC4128:
		return 16
	case DESCBC:
		return 8
	case TripleDESEDECBC:
		return 24
	}
	return 32
}

// blockLen is the CBC block (and IV) length of c, 0 for a stream cipher.
func blockLen(c BulkCipher) int {
	switch c {
	case DESCBC, TripleDESEDECBC:
		return 8
	case RC4128:
		return 0
	}
	return 16
}

// macLen is the MAC key and tag length of m, 0 for AEAD.
func macLen(m MACAlg) int {
	switch m {
	case MACMD5:
		return 16
	case MACSHA1:
		return 20
	case MACSHA256:
		return 32
	case MACSHA384:
		return 48
	}
	return 0
}

// Legacy reports whether the suite's cipher is one the manual keeps out of
// every default list (RC4, DES, 3DES).
func (s *Suite) Legacy() bool {
	return s.Cipher == RC4128 || s.Cipher == DESCBC || s.Cipher == TripleDESEDECBC
}

// defaultKex reports whether suites with this key exchange may be default:
// not RSA key transport (no forward secrecy), not anonymous, PSK or SRP,
// which need explicit configuration (as in OTP 23+).
func defaultKex(k KeyExchange) bool {
	switch k {
	case KXECDHEECDSA, KXECDHERSA, KXDHERSA, KXDHEDSS:
		return true
	}
	return false
}

// ssl3Kex reports whether the key exchange existed in SSL 3.0 (RFC 6101
// §7.6.3); the EC, PSK and SRP suites were defined for TLS only.
func ssl3Kex(k KeyExchange) bool {
	switch k {
	case KXRSA, KXDHEDSS, KXDHERSA, KXDHAnon:
		return true
	}
	return false
}

func aead(id uint16, name, ossl string, kx KeyExchange, c BulkCipher, prf PRFHash) *Suite {
	iv := 4 // RFC 5288 §3: 4-byte implicit salt
	if c == ChaCha20Poly1305 {
		iv = 12 // RFC 7905 §2: 12-byte IV XORed with the sequence number
	}
	return &Suite{
		ID: id, Name: name, OpenSSLName: ossl, KeyExchange: kx, Cipher: c, MAC: MACAEAD, PRFHash: prf,
		MinVersion: v12, MaxVersion: v12, KeyLen: keyLen(c), IVLen: iv,
		Default: defaultKex(kx), erlPRF: prf.String(),
	}
}

// pskKex reports the RFC 4279 key exchanges.
func pskKex(kx KeyExchange) bool { return kx == KXPSK || kx == KXDHEPSK || kx == KXRSAPSK }

// cbc builds a suite with a MAC: a CBC block cipher or the RC4 stream
// cipher (the name is historical). SHA-1 and MD5 suites run from TLS 1.0
// (SSL 3.0 for the key exchanges it had) to 1.2, except DES, which TLS 1.2
// dropped; SHA-256/384 suites are TLS 1.2 only (RFC 5246, RFC 5289),
// except the PSK ones (RFC 5487).
func cbc(id uint16, name, ossl string, kx KeyExchange, c BulkCipher, mac MACAlg, erlPRF string) *Suite {
	s := &Suite{
		ID: id, Name: name, OpenSSLName: ossl, KeyExchange: kx, Cipher: c, MAC: mac, PRFHash: PRFSHA256,
		MinVersion: v10, MaxVersion: v12, KeyLen: keyLen(c), IVLen: blockLen(c), MACLen: macLen(mac),
		erlPRF: erlPRF,
	}
	s.Default = defaultKex(kx) && !s.Legacy()
	switch mac {
	case MACSHA1, MACMD5:
		if ssl3Kex(kx) {
			s.MinVersion = record.VersionSSL30
		}
	case MACSHA256:
		s.MinVersion = v12
	case MACSHA384:
		s.MinVersion, s.PRFHash = v12, PRFSHA384
	}
	if pskKex(kx) && (mac == MACSHA256 || mac == MACSHA384) {
		// RFC 5487 §3.2: the PSK CBC suites with SHA-256/384 MACs also run
		// on TLS 1.0 and 1.1, with that version's PRF.
		s.MinVersion = v10
	}
	if c == DESCBC {
		s.MaxVersion = record.VersionTLS11
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
// Separators may be ':', ',' or spaces; IANA names and the manual's tuples
// ("{rsa,aes_128_cbc,sha}", see ParseErlangSuite) are accepted too;
// duplicates are dropped. An unknown name is an error naming it.
func ParseCipherString(s string) ([]*Suite, error) {
	var fields []string
	depth, start := 0, -1
	for i, r := range s {
		switch {
		case r == '{':
			if depth == 0 && start < 0 {
				start = i
			}
			depth++
		case r == '}' && depth > 0:
			depth--
		case depth == 0 && (r == ':' || r == ',' || r == ' ' || r == '\t'):
			if start >= 0 {
				fields = append(fields, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("handshake: unbalanced braces in cipher list")
	}
	if start >= 0 {
		fields = append(fields, s[start:])
	}
	var out []*Suite
	seen := map[uint16]bool{}
	for _, f := range fields {
		suite := suiteByName[f]
		if suite == nil && strings.HasPrefix(f, "{") {
			var err error
			if suite, err = ParseErlangSuite(f); err != nil {
				return nil, err
			}
		}
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

// ErlangName returns the suite as the manual prints a ciphersuite() map's
// values, "{ecdhe_rsa,aes_128_gcm,aead,sha256}".
func (s *Suite) ErlangName() string {
	kex, c, mac, prf := s.ErlangTuple()
	return "{" + kex + "," + c + "," + mac + "," + prf + "}"
}

// SuiteByErlang returns the suite the manual names {KeyExchange, Cipher,
// Hash} or {KeyExchange, Cipher, Hash, PRF} (erl_cipher_suite()), e.g.
// ("ecdhe_rsa", "aes_128_gcm", "aead", "sha256"), or nil. For AEAD suites
// the hash may be "aead" or "null" (OTP's older spelling); with three
// elements the PRF is not compared.
func SuiteByErlang(kex, cipher, mac string, prf ...string) *Suite {
	if len(prf) > 1 {
		return nil
	}
	for _, s := range allSuites {
		k, c, m, p := s.ErlangTuple()
		if k != kex || c != cipher {
			continue
		}
		if m != mac && !(s.AEAD() && mac == "null") {
			continue
		}
		// OTP writes default_prf where the TLS 1.2 PRF is SHA-256 for
		// some suites; accept either spelling there.
		samePRF := len(prf) == 0 || prf[0] == p ||
			(s.PRFHash == PRFSHA256 && !s.AEAD() && (prf[0] == "default_prf" || prf[0] == "sha256") && (p == "default_prf" || p == "sha256"))
		if len(prf) == 1 && !samePRF {
			continue
		}
		return s
	}
	return nil
}

// ParseErlangSuite parses one suite written as Erlang's tuple or map values,
// "{ecdhe_rsa,aes_128_gcm,aead,sha256}" or "ecdhe_rsa,aes_128_gcm,aead"
// (braces, spaces and quotes optional), into the suite, or an error naming
// the text.
func ParseErlangSuite(text string) (*Suite, error) {
	t := strings.TrimSpace(text)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "{"), "}")
	parts := strings.Split(t, ",")
	for i := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(parts[i]), "'\"")
	}
	if len(parts) != 3 && len(parts) != 4 {
		return nil, fmt.Errorf("handshake: %q is not {key_exchange,cipher,hash[,prf]}", text)
	}
	s := SuiteByErlang(parts[0], parts[1], parts[2], parts[3:]...)
	if s == nil {
		return nil, fmt.Errorf("handshake: unknown or unsupported cipher suite %q", text)
	}
	return s, nil
}
