// Fuzz targets for everything that decodes peer input.
package record

import (
	"bytes"
	"testing"
)

func FuzzParseHeader(f *testing.F) {
	for _, s := range [][]byte{
		{22, 3, 1, 0, 10}, {23, 3, 3, 0x48, 0x00}, {23, 3, 3, 0x48, 0x01},
		{0x80, 0x2e, 1, 0, 2}, {22, 2, 0, 0, 1}, {21, 3}, {},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h []byte) {
		typ, v, n, err := ParseHeader(h)
		if err != nil {
			if err.Level != LevelFatal {
				t.Fatal("non-fatal header error")
			}
			return
		}
		if len(h) < HeaderLen || n > MaxCiphertext || v>>8 != 3 || typ < 20 || typ > 23 {
			t.Fatalf("accepted bad header %x", h)
		}
		if byte(typ) != h[0] || int(h[3])<<8|int(h[4]) != n {
			t.Fatalf("header %x parsed as %d %d", h, typ, n)
		}
	})
}

func FuzzReadRecord(f *testing.F) {
	f.Add([]byte{22, 3, 1, 0, 2, 'h', 'i', 23})
	f.Add([]byte{22, 3, 1, 0, 9, 'h'})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var hdr [HeaderLen]byte
		rec, err := ReadRecord(bytes.NewReader(b), &hdr)
		if err != nil {
			return
		}
		if !bytes.Equal(rec, b[:len(rec)]) || !bytes.Equal(hdr[:], rec[:HeaderLen]) {
			t.Fatal("record differs from the input")
		}
		PutBuffer(rec)
	})
}

// FuzzOpen opens arbitrary records with every cipher kind (fixed keys), with
// and without the TLS 1.0 padding check. It must never panic, and a success
// must return a plaintext inside the record.
func FuzzOpen(f *testing.F) {
	kinds := append(allKinds(), kind{"null", VersionTLS12, nil})
	for i, k := range kinds {
		var w *HalfConn
		if k.make == nil {
			w = &HalfConn{Version: k.version}
		} else {
			w, _ = pair(f, k)
		}
		for _, n := range []int{0, 1, 16, 100} {
			rec, err := w.Seal(nil, TypeApplicationData, make([]byte, n))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), false, rec)
		}
	}
	f.Add(uint8(0), false, []byte{23, 3, 3, 0, 0})
	f.Add(uint8(5), true, cbcCase(VersionTLS10, 0, []byte("x"), append(bytes.Repeat([]byte{1}, 10), 10), false))
	f.Fuzz(func(t *testing.T, sel uint8, lax bool, rec []byte) {
		k := kinds[int(sel)%len(kinds)]
		r := &HalfConn{Version: k.version}
		if k.make != nil {
			c, err := k.make()
			if err != nil {
				t.Fatal(err)
			}
			r.SetCipher(c)
		}
		r.SetPaddingCheck(!lax)
		in := append([]byte{}, rec...)
		typ, pt, err := r.Open(in)
		if err != nil {
			if err.Level != LevelFatal || err.Desc == 0 {
				t.Fatalf("odd error %v", err)
			}
			return
		}
		if len(pt) > MaxPlaintext || typ != ContentType(rec[0]) {
			t.Fatalf("bad result: type %d len %d", typ, len(pt))
		}
		if len(pt) > 0 {
			// In place: pt must be a window of in, past the header.
			off := cap(in) - cap(pt)
			if off < HeaderLen || off+len(pt) > len(in) || &in[off] != &pt[0] {
				t.Fatal("plaintext outside the record")
			}
		}
		if k.make == nil && !bytes.Equal(pt, rec[HeaderLen:]) {
			t.Fatal("null plaintext differs from the fragment")
		}
	})
}

func FuzzParseAlert(f *testing.F) {
	f.Add([]byte{1, 0})
	f.Add([]byte{2, 40})
	f.Add([]byte{3, 40})
	f.Add([]byte{2})
	f.Add([]byte{2, 40, 2, 40})
	f.Fuzz(func(t *testing.T, b []byte) {
		l, d, err := ParseAlert(b)
		if err != nil {
			if err.Desc != AlertDecodeError {
				t.Fatalf("alert %x: %v", b, err)
			}
			return
		}
		if !bytes.Equal(MarshalAlert(l, d), b) {
			t.Fatalf("alert %x does not round-trip", b)
		}
		_ = d.String()
	})
}
