// This file holds the fuzz targets for the handshake message decoders and
// the Reassembler.
package handshake

import (
	"bytes"
	"slices"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

var fuzzVersions = []Version{record.VersionTLS12, record.VersionTLS10, record.VersionTLS11, record.VersionSSL30}

// FuzzParseMessage checks that decoding never panics, that Raw is the input,
// and that re-encoding a decoded message is stable: Marshal's output decodes
// and encodes to the same bytes.
func FuzzParseMessage(f *testing.F) {
	for vi, v := range fuzzVersions[:2] {
		for _, s := range sampleMessages(v) {
			f.Add(s.msg.Marshal(), uint8(vi))
		}
	}
	f.Add(rawClientHello(exts(ext(0x5a5a), ext(ExtServerName, sniData(hostEntry(0, "a.example"))...))), uint8(0))
	f.Add(rawServerHello(exts(ext(ExtALPN, 0, 3, 2, 'h', '2'))), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, vi uint8) {
		v := fuzzVersions[int(vi)%len(fuzzVersions)]
		m, err := ParseMessage(data, v)
		if err != nil {
			if m != nil {
				t.Fatal("message and error both returned")
			}
			return
		}
		if !bytes.Equal(m.Raw(), data) {
			t.Fatal("Raw differs from the input")
		}
		enc := m.Marshal()
		if enc == nil {
			t.Fatalf("decoded %T does not re-encode", m)
		}
		m2, err := ParseMessage(enc, v)
		if err != nil {
			t.Fatalf("re-encoded %T does not decode: %v", m, err)
		}
		if !bytes.Equal(m2.Marshal(), enc) {
			t.Fatalf("%T encoding is not stable", m)
		}
		switch m := m.(type) {
		case *ServerKeyExchange:
			ParseECDHEParams(m.Key, v)
			ParseDHEParams(m.Key, v)
		case *ClientKeyExchange:
			ParseECDHEClientKey(m.Body)
			ParseRSAClientKey(m.Body, v)
			ParseDHEClientKey(m.Body)
		}
	})
}

// FuzzParseECDHEParams checks that a decoded ECDHE ServerKeyExchange body
// re-encodes to the same bytes.
func FuzzParseECDHEParams(f *testing.F) {
	for vi, v := range fuzzVersions[:2] {
		params := MarshalECDHEParams(CurveX25519, seq(32, 1))
		f.Add(MarshalServerKeyExchangeSigned(params, v, ECDSAWithP256AndSHA256, seq(71, 2)).Key, uint8(vi))
		params = MarshalECDHEParams(CurveP256, seq(65, 4))
		f.Add(MarshalServerKeyExchangeSigned(params, v, PSSWithSHA256, seq(256, 3)).Key, uint8(vi))
	}
	f.Add([]byte{1, 0, 23, 1, 4, 0, 0}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, vi uint8) {
		v := fuzzVersions[int(vi)%len(fuzzVersions)]
		p, err := ParseECDHEParams(data, v)
		if err != nil {
			return
		}
		if p.HasScheme != (v >= record.VersionTLS12) {
			t.Fatal("HasScheme does not follow the version")
		}
		if !bytes.Equal(p.Signed, MarshalECDHEParams(p.Curve, p.Public)) {
			t.Fatal("Signed is not the params encoding")
		}
		ske := MarshalServerKeyExchangeSigned(p.Signed, v, p.Scheme, p.Signature)
		if ske == nil || !bytes.Equal(ske.Key, data) {
			t.Fatal("re-encoding differs")
		}
	})
}

// FuzzParseDHEParams does the same for finite-field DHE parameters.
func FuzzParseDHEParams(f *testing.F) {
	for vi, v := range fuzzVersions[:2] {
		params := MarshalDHEParams(seq(64, 1), []byte{2}, seq(64, 7))
		f.Add(MarshalServerKeyExchangeSigned(params, v, PKCS1WithSHA256, seq(64, 3)).Key, uint8(vi))
	}
	f.Fuzz(func(t *testing.T, data []byte, vi uint8) {
		v := fuzzVersions[int(vi)%len(fuzzVersions)]
		p, err := ParseDHEParams(data, v)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Signed, MarshalDHEParams(p.P, p.G, p.Public)) {
			t.Fatal("Signed is not the params encoding")
		}
		ske := MarshalServerKeyExchangeSigned(p.Signed, v, p.Scheme, p.Signature)
		if ske == nil || !bytes.Equal(ske.Key, data) {
			t.Fatal("re-encoding differs")
		}
	})
}

// FuzzParseClientKey checks the ClientKeyExchange body decoders against
// their encoders.
func FuzzParseClientKey(f *testing.F) {
	f.Add(NewECDHEClientKeyExchange(seq(65, 4)).Body, uint8(0))
	f.Add(NewRSAClientKeyExchange(seq(128, 1), record.VersionTLS12).Body, uint8(0))
	f.Add(NewRSAClientKeyExchange(seq(128, 1), record.VersionSSL30).Body, uint8(3))
	f.Add(NewDHEClientKeyExchange(seq(128, 1)).Body, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, vi uint8) {
		v := fuzzVersions[int(vi)%len(fuzzVersions)]
		if pub, err := ParseECDHEClientKey(data); err == nil {
			if !bytes.Equal(NewECDHEClientKeyExchange(pub).Body, data) {
				t.Fatal("ECDHE re-encoding differs")
			}
		}
		if enc, err := ParseRSAClientKey(data, v); err == nil {
			if !bytes.Equal(NewRSAClientKeyExchange(enc, v).Body, data) {
				t.Fatal("RSA re-encoding differs")
			}
		}
		if pub, err := ParseDHEClientKey(data); err == nil {
			if !bytes.Equal(NewDHEClientKeyExchange(pub).Body, data) {
				t.Fatal("DHE re-encoding differs")
			}
		}
	})
}

// FuzzReassembler feeds the same stream whole and in fragments whose sizes
// come from the fuzzer: both must yield the same messages (or fail at the
// same message), and every message must be a prefix-consistent slice of the
// stream.
func FuzzReassembler(f *testing.F) {
	var stream []byte // small seeds keep the fuzzer's minimisation fast
	for _, s := range sampleMessages(record.VersionTLS12)[:8] {
		stream = append(stream, s.msg.Marshal()...)
	}
	f.Add(stream, []byte{1, 7, 200})
	f.Add(stream[:500], []byte{255, 3})
	n := MaxHandshakeMsgLen + 1
	f.Add([]byte{11, byte(n >> 16), byte(n >> 8), byte(n), 0}, []byte{2})
	f.Add([]byte{20, 0, 0, 2, 1, 2, 14, 0, 0, 0, 14}, []byte{1})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		if len(data) == 0 {
			return
		}
		run := func(sizes []int) (msgs [][]byte, failed bool) {
			var r Reassembler
			for i, k := 0, 0; i < len(data); k++ {
				sz := max(1, sizes[k%len(sizes)])
				sz = min(sz, len(data)-i)
				if err := r.Feed(data[i : i+sz]); err != nil {
					return msgs, true
				}
				i += sz
				for {
					raw, ok, err := r.Next()
					if err != nil {
						return msgs, true
					}
					if !ok {
						break
					}
					msgs = append(msgs, slices.Clone(raw))
				}
			}
			return msgs, false
		}
		whole, failWhole := run([]int{len(data)})
		sizes := []int{len(data)}
		if len(cuts) > 0 {
			sizes = sizes[:0]
			for _, c := range cuts {
				sizes = append(sizes, int(c))
			}
		}
		parts, failParts := run(sizes)
		if failWhole != failParts {
			t.Fatalf("error differs: whole %v, fragmented %v", failWhole, failParts)
		}
		if len(whole) != len(parts) {
			t.Fatalf("%d messages whole, %d fragmented", len(whole), len(parts))
		}
		joined := slices.Concat(whole...)
		if !bytes.HasPrefix(data, joined) {
			t.Fatal("messages are not the stream's prefix")
		}
		for i := range whole {
			if !bytes.Equal(whole[i], parts[i]) {
				t.Fatalf("message %d differs", i)
			}
		}
	})
}
