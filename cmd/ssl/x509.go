// The x509 command: `ssl x509 limbo FILE` runs an x509-limbo test file
// through our path validator and prints one line per case.
package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/erlang-ssl-go/ssl/handshake"
)

// x509Usage is the x509 command's help.
const x509Usage = `usage: ssl x509 limbo [-profile family|auto|rfc5280|webpki|rfc3280] FILE

Runs every case of an x509-limbo file (schema version 1) through the
project's path validator and prints "ID accept|reject|skip REASON", then a
summary line on stderr. -profile family (the default) checks webpki::* cases
with the web-PKI profile and all others with the RFC 5280 profile.
`

// runX509 dispatches the x509 subcommands.
func runX509(args []string) error {
	if len(args) == 0 || args[0] != "limbo" {
		fmt.Fprint(os.Stderr, x509Usage)
		return errors.New("x509: unknown or missing subcommand")
	}
	fs := flag.NewFlagSet("x509 limbo", flag.ContinueOnError)
	profile := fs.String("profile", "family", "family, auto, rfc5280, webpki or rfc3280")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(os.Stderr, x509Usage)
		return errors.New("x509 limbo: want one FILE")
	}
	switch *profile {
	case "family", "auto", "rfc5280", "webpki", "rfc3280":
	default:
		return fmt.Errorf("x509 limbo: unknown profile %q", *profile)
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	return runLimbo(os.Stdout, os.Stderr, data, *profile)
}

// limboCase is the part of a limbo test case the runner uses.
type limboCase struct {
	ID                     string   `json:"id"`
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

// runLimbo validates every case in data, writing one line per case to out
// and a summary to errOut.
func runLimbo(out, errOut io.Writer, data []byte, profile string) error {
	var suite struct {
		Version   int         `json:"version"`
		Testcases []limboCase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		return fmt.Errorf("x509 limbo: %w", err)
	}
	var right, wrongAccept, wrongReject, skipped int
	for i := range suite.Testcases {
		tc := &suite.Testcases[i]
		verdict, reason := limboVerdict(tc, profile)
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(out, "%s %s %s\n", tc.ID, verdict, reason)
		want := tc.ExpectedResult == "SUCCESS"
		switch {
		case verdict == "skip":
			skipped++
		case (verdict == "accept") == want:
			right++
		case verdict == "accept":
			wrongAccept++
		default:
			wrongReject++
		}
	}
	fmt.Fprintf(errOut, "%d cases: %d as expected, %d accepted but expected FAILURE, %d rejected but expected SUCCESS, %d skipped\n",
		len(suite.Testcases), right, wrongAccept, wrongReject, skipped)
	return nil
}

// limboVerdict validates one case: accept, reject (with the
// {bad_cert, Reason}) or skip (with why).
func limboVerdict(tc *limboCase, profile string) (string, string) {
	if tc.ValidationKind != "SERVER" && tc.ValidationKind != "CLIENT" {
		return "skip", "validation_kind " + tc.ValidationKind
	}
	roots := []*x509.Certificate{}
	for _, p := range tc.TrustedCerts {
		for _, der := range pemBlocks(p, "CERTIFICATE") {
			// A trust anchor that does not parse trusts nothing.
			if c, err := x509.ParseCertificate(der); err == nil {
				roots = append(roots, c)
			}
		}
	}
	chain := pemBlocks(tc.PeerCertificate, "CERTIFICATE")
	for _, p := range tc.UntrustedIntermediates {
		chain = append(chain, pemBlocks(p, "CERTIFICATE")...)
	}
	now := time.Now()
	if tc.ValidationTime != "" {
		t, err := time.Parse(time.RFC3339, tc.ValidationTime)
		if err != nil {
			return "skip", "bad validation_time"
		}
		now = t
	}
	o := &handshake.PathOptions{Roots: roots, Now: now, Depth: -1, Role: handshake.ServerAuth}
	if tc.ValidationKind == "CLIENT" {
		o.Role = handshake.ClientAuth
	}
	for _, u := range tc.ExtendedKeyUsage {
		switch u {
		case "serverAuth":
			o.Role = handshake.ServerAuth
		case "clientAuth":
			o.Role = handshake.ClientAuth
		}
	}
	switch profile {
	case "rfc5280":
		o.Profile = handshake.ProfileRFC5280
	case "webpki":
		o.Profile = handshake.ProfileWebPKI
	case "rfc3280":
		o.Profile = handshake.ProfileRFC3280
	case "family":
		o.Profile = handshake.ProfileRFC5280
		if strings.HasPrefix(tc.ID, "webpki::") {
			o.Profile = handshake.ProfileWebPKI
		}
	}
	for _, u := range tc.KeyUsage {
		bit, ok := keyUsageBits[u]
		if !ok {
			return "skip", "key usage " + u
		}
		o.LeafKeyUsage |= bit
	}
	if tc.MaxChainDepth != nil {
		o.Depth = *tc.MaxChainDepth
	}
	// A DNS or IP peer name is checked against the peer certificate; other
	// kinds (RFC822 for client certificates) are not a TLS identity check.
	if n := tc.ExpectedPeerName; n != nil && (n.Kind == "DNS" || n.Kind == "IP") {
		o.Hostname = n.Value
	}
	if len(tc.CRLs) > 0 {
		var items [][]byte
		for _, p := range tc.CRLs {
			items = append(items, []byte(p))
		}
		crls, err := handshake.CRLsFromDER(items)
		if err != nil {
			return "reject", "crl does not parse"
		}
		o.CRLCheck, o.CRLs = handshake.CRLCheckAll, handshake.StaticCRLs(crls)
	}
	if _, err := handshake.ValidatePath(chain, o); err != nil {
		var bc *handshake.BadCertError
		if errors.As(err, &bc) {
			return "reject", "{bad_cert," + string(bc.Reason) + "}"
		}
		return "reject", err.Error()
	}
	return "accept", ""
}

// keyUsageBits maps limbo's key usage names to x509's bits.
var keyUsageBits = map[string]x509.KeyUsage{
	"digitalSignature":  x509.KeyUsageDigitalSignature,
	"contentCommitment": x509.KeyUsageContentCommitment,
	"keyEncipherment":   x509.KeyUsageKeyEncipherment,
	"dataEncipherment":  x509.KeyUsageDataEncipherment,
	"keyAgreement":      x509.KeyUsageKeyAgreement,
	"keyCertSign":       x509.KeyUsageCertSign,
	"cRLSign":           x509.KeyUsageCRLSign,
	"encipherOnly":      x509.KeyUsageEncipherOnly,
	"decipherOnly":      x509.KeyUsageDecipherOnly,
}

// pemBlocks returns the DER of each PEM block of the given type in s.
func pemBlocks(s, typ string) [][]byte {
	var out [][]byte
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		if b.Type == typ {
			out = append(out, b.Bytes)
		}
	}
}
