// x509_test.go tests the x509 limbo command on the suite in ../shared/testdata.
package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunLimbo(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "x509", "limbo-core.json"))
	if err != nil {
		t.Skip("limbo-core.json not found:", err)
	}
	var out, summary bytes.Buffer
	if err := runLimbo(&out, &summary, data, "family"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 289 {
		t.Fatalf("%d lines, want 289", len(lines))
	}
	want := map[string]string{
		"rfc5280::serial::zero":             "reject {bad_cert,invalid_issuer}",
		"crl::revoked-certificate-with-crl": "reject {bad_cert,revoked}",
		"pathological::nc-dos-1":            "reject {bad_cert,name_not_permitted}",
	}
	for _, l := range lines {
		f := strings.SplitN(l, " ", 2)
		if len(f) != 2 {
			t.Fatalf("bad line %q", l)
		}
		if w, ok := want[f[0]]; ok && f[1] != w {
			t.Errorf("%s: %q, want %q", f[0], f[1], w)
		}
	}
	if err := runLimbo(&out, &summary, []byte("{"), "family"); err == nil {
		t.Error("bad JSON accepted")
	}
}
