// Tests for Reader: same records as ReadRecord, fewer reads, no read-ahead
// past anything but application data.
package record

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func rawRecord(typ ContentType, body []byte) []byte {
	return append([]byte{byte(typ), 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

// countReader counts Read calls.
type countReader struct {
	r     io.Reader
	calls int
}

func (c *countReader) Read(p []byte) (int, error) { c.calls++; return c.r.Read(p) }

func TestReaderMatchesReadRecord(t *testing.T) {
	var stream []byte
	var want [][]byte
	for i, typ := range []ContentType{TypeHandshake, TypeApplicationData, TypeApplicationData, TypeApplicationData, TypeAlert} {
		n := []int{40, MaxCiphertext, 0, 700, 2}[i]
		rec := rawRecord(typ, seqBytes(n, byte(i)))
		want = append(want, rec)
		stream = append(stream, rec...)
	}
	tail := []byte("plain TCP after close_notify")
	stream = append(stream, tail...)

	for name, wrap := range map[string]func(io.Reader) io.Reader{
		"whole":   func(r io.Reader) io.Reader { return r },
		"onebyte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
	} {
		src := bytes.NewReader(stream)
		cr := &countReader{r: wrap(src)}
		var rd Reader
		for i, w := range want {
			got, err := rd.ReadRecord(cr)
			if err != nil {
				t.Fatalf("%s: record %d: %v", name, i, err)
			}
			if !bytes.Equal(got, w) {
				t.Fatalf("%s: record %d differs", name, i)
			}
			PutBuffer(got)
		}
		// Nothing after the alert was consumed.
		rest, _ := io.ReadAll(src)
		if !bytes.Equal(rest, tail) {
			t.Fatalf("%s: read past the alert: %d bytes left, want %d", name, len(rest), len(tail))
		}
		if name == "whole" && cr.calls != 7 {
			// handshake 2 (header, body); big app data 2 (header, body with
			// the next header); empty app data 0; 700-byte app data 2
			// (header, body with the alert's header); alert 1 (body).
			// ReadRecord needs 10.
			t.Fatalf("whole: %d reads, want 7", cr.calls)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	var rd Reader
	if _, err := rd.ReadRecord(bytes.NewReader(nil)); err != io.EOF {
		t.Fatalf("empty stream: %v, want EOF", err)
	}
	// A header picked up early and then a cut stream: unexpected EOF.
	rd = Reader{}
	two := append(rawRecord(TypeApplicationData, []byte("abc")), 23, 3)
	rec, err := rd.ReadRecord(bytes.NewReader(two))
	if err != nil || len(rec) != HeaderLen+3 {
		t.Fatalf("first record: %v", err)
	}
	if _, err := rd.ReadRecord(bytes.NewReader(nil)); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut header: %v, want ErrUnexpectedEOF", err)
	}
	rd = Reader{}
	if _, err := rd.ReadRecord(bytes.NewReader(rawRecord(TypeApplicationData, []byte("abc"))[:6])); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut body: %v, want ErrUnexpectedEOF", err)
	}
	rd = Reader{}
	_, err = rd.ReadRecord(bytes.NewReader([]byte{99, 3, 3, 0, 1, 0}))
	var ae *AlertError
	if !errors.As(err, &ae) || ae.Desc != AlertUnexpectedMessage {
		t.Fatalf("bad type: %v", err)
	}
}

// FuzzReader checks Reader against ReadRecord on arbitrary streams.
func FuzzReader(f *testing.F) {
	f.Add(append(rawRecord(TypeApplicationData, []byte("hi")), rawRecord(TypeAlert, []byte{1, 0})...), uint8(0))
	f.Add(rawRecord(TypeHandshake, []byte{1, 0, 0, 0}), uint8(1))
	f.Add([]byte{23, 3, 3, 0xff, 0xff}, uint8(2))
	f.Add([]byte{23, 3, 3, 0, 0, 23, 3}, uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, mode uint8) {
		var src io.Reader = bytes.NewReader(stream)
		switch mode % 3 {
		case 1:
			src = iotest.OneByteReader(src)
		case 2:
			src = iotest.HalfReader(src)
		}
		ref := bytes.NewReader(stream)
		var hdr [HeaderLen]byte
		var rd Reader
		for i := 0; i < 1000; i++ {
			want, werr := ReadRecord(ref, &hdr)
			got, gerr := rd.ReadRecord(src)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("record %d: ReadRecord err %v, Reader err %v", i, werr, gerr)
			}
			if werr != nil {
				return
			}
			if !bytes.Equal(want, got) {
				t.Fatalf("record %d differs", i)
			}
			PutBuffer(want)
			PutBuffer(got)
		}
	})
}
