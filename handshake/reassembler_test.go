// This file tests the handshake Reassembler: splitting, coalescing, limits
// and buffer lifetime.
package handshake

import (
	"bytes"
	"slices"
	"testing"

	"github.com/erlang-ssl-go/ssl/record"
)

// flight returns several encoded messages and their concatenation.
func flight() ([][]byte, []byte) {
	var msgs [][]byte
	for _, s := range sampleMessages(record.VersionTLS12) {
		msgs = append(msgs, s.msg.Marshal())
	}
	// A message near the 16 KiB record size, so it must span records.
	msgs = append(msgs, (&Certificate{Certificates: [][]byte{seq(20000, 3), seq(9000, 5)}}).Marshal())
	return msgs, slices.Concat(msgs...)
}

// drain feeds the stream in chunks of the given sizes (cycled) and collects
// every message, copying each since its slice dies at the next Feed.
func drain(t *testing.T, r *Reassembler, stream []byte, sizes []int) [][]byte {
	t.Helper()
	var got [][]byte
	for i, k := 0, 0; i < len(stream); k++ {
		n := min(sizes[k%len(sizes)], len(stream)-i)
		if err := r.Feed(stream[i : i+n]); err != nil {
			t.Fatal(err)
		}
		i += n
		for {
			raw, ok, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			got = append(got, slices.Clone(raw))
		}
	}
	return got
}

func TestReassemblerSplitsAndCoalesces(t *testing.T) {
	want, stream := flight()
	for _, sizes := range [][]int{
		{len(stream)},      // everything coalesced in one fragment
		{1},                // one byte at a time
		{3, 5, 4},          // splits inside headers
		{16384},            // record-sized
		{100, 16384, 7, 2}, // mixed
	} {
		var r Reassembler
		got := drain(t, &r, stream, sizes)
		if len(got) != len(want) {
			t.Fatalf("sizes %v: %d messages, want %d", sizes, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("sizes %v: message %d differs", sizes, i)
			}
		}
		if r.Pending() {
			t.Fatalf("sizes %v: pending after the whole stream", sizes)
		}
	}
}

func TestReassemblerPending(t *testing.T) {
	var r Reassembler
	if r.Pending() {
		t.Fatal("zero value pending")
	}
	fin := (&Finished{VerifyData: seq(12, 1)}).Marshal()
	if err := r.Feed(fin[:3]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Next(); ok || !r.Pending() {
		t.Fatal("partial header: want pending, no message")
	}
	if err := r.Feed(fin[3:10]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Next(); ok || !r.Pending() {
		t.Fatal("partial body: want pending, no message")
	}
	if err := r.Feed(fin[10:]); err != nil {
		t.Fatal(err)
	}
	if !r.Pending() {
		t.Fatal("whole unread message: want pending")
	}
	raw, ok, err := r.Next()
	if !ok || err != nil || !bytes.Equal(raw, fin) {
		t.Fatalf("got %x %v %v", raw, ok, err)
	}
	if r.Pending() {
		t.Fatal("pending after draining")
	}
	r.Feed(fin[:5])
	r.Reset()
	if r.Pending() {
		t.Fatal("pending after Reset")
	}
}

func TestReassemblerResultSurvivesNext(t *testing.T) {
	a := (&Finished{VerifyData: seq(12, 1)}).Marshal()
	b := (&Finished{VerifyData: seq(12, 100)}).Marshal()
	var r Reassembler
	if err := r.Feed(slices.Concat(a, b[:2])); err != nil {
		t.Fatal(err)
	}
	first, ok, _ := r.Next()
	if !ok {
		t.Fatal("no first message")
	}
	if _, ok, _ := r.Next(); ok {
		t.Fatal("second message early")
	}
	if !bytes.Equal(first, a) {
		t.Fatal("first message corrupted by a later Next")
	}
	// Appending to the result must not write into the buffer.
	_ = append(first, 0xff)
	if err := r.Feed(b[2:]); err != nil {
		t.Fatal(err)
	}
	second, ok, _ := r.Next()
	if !ok || !bytes.Equal(second, b) {
		t.Fatalf("second message %x", second)
	}
}

func TestReassemblerLimits(t *testing.T) {
	// Declared length over the limit: decode_error as soon as the header is
	// complete, and sticky.
	var r Reassembler
	n := MaxHandshakeMsgLen + 1
	hdr := []byte{byte(TypeCertificate), byte(n >> 16), byte(n >> 8), byte(n)}
	if err := r.Feed(hdr[:2]); err != nil {
		t.Fatal(err)
	}
	wantAlert(t, r.Feed(hdr[2:]), record.AlertDecodeError)
	_, ok, err := r.Next()
	if ok {
		t.Fatal("message after error")
	}
	wantAlert(t, err, record.AlertDecodeError)
	wantAlert(t, r.Feed([]byte{1}), record.AlertDecodeError)
	r.Reset()
	if err := r.Feed([]byte{byte(TypeServerHelloDone), 0, 0, 0}); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	if raw, ok, err := r.Next(); !ok || err != nil || len(raw) != 4 {
		t.Fatal("after Reset: no message")
	}

	// Exactly at the limit is accepted.
	var big Reassembler
	n = MaxHandshakeMsgLen
	msg := append([]byte{byte(TypeCertificate), byte(n >> 16), byte(n >> 8), byte(n)}, make([]byte, n)...)
	got := drain(t, &big, msg, []int{16384})
	if len(got) != 1 || len(got[0]) != len(msg) {
		t.Fatal("message at the limit not delivered")
	}

	// Empty fragments are forbidden (RFC 5246 §6.2.1).
	var e Reassembler
	wantAlert(t, e.Feed(nil), record.AlertUnexpectedMessage)
}

func TestReassemblerFeedCopies(t *testing.T) {
	fin := (&Finished{VerifyData: seq(12, 1)}).Marshal()
	frag := slices.Clone(fin[:8])
	var r Reassembler
	if err := r.Feed(frag); err != nil {
		t.Fatal(err)
	}
	for i := range frag {
		frag[i] = 0
	}
	if err := r.Feed(fin[8:]); err != nil {
		t.Fatal(err)
	}
	raw, ok, _ := r.Next()
	if !ok || !bytes.Equal(raw, fin) {
		t.Fatal("Feed kept a reference to the caller's fragment")
	}
}

func TestReassemblerAllocations(t *testing.T) {
	fin := (&Finished{VerifyData: seq(12, 1)}).Marshal()
	var r Reassembler
	r.Feed(fin)
	r.Next()
	allocs := testing.AllocsPerRun(100, func() {
		r.Feed(fin[:6])
		r.Feed(fin[6:])
		if _, ok, _ := r.Next(); !ok {
			panic("no message")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per message in steady state", allocs)
	}
}
